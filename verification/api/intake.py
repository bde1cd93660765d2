"""Intake through the API (scope ``review``): submit an article, read its proposals, confirm or drop each.

POST /intake answers 202 at once with the batch's id; a worker reads the
article, and GET /intake/{id} shows its progress and, once done, the proposals.
Writes go through verification.intake.batches and verification.intake.review, as the
desk's pages do.
"""

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from verification.api.auth import acting_user
from verification.api.base import ApiView, not_found
from verification.api.errors import Problem
from verification.api.filters import MAX_ID
from verification.api.inputs import HttpURLField, StrictInput
from verification.intake import batches as intake
from verification.intake import review as intake_review
from verification.intake.articles import IntakeRefused
from verification.models import AttributionRole, IntakeBatch, Proposal

TAGS = ["intake"]


class IntakeInput(StrictInput, serializers.Serializer):
    requires_one_of = ("text", "url")  # for the schema: neither or both are refused
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="The article's body. Up to CLAIMDESK_INTAKE_MAX_BYTES of UTF-8.",
    )
    url = HttpURLField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="Or the article's address: a worker fetches it (public addresses only).",
    )

    def validate(self, data):
        if not data["text"].strip() and not data["url"]:
            raise serializers.ValidationError({"text": [gettext("Send the article as text, or its url.")]})
        return data


class ChoiceInput(StrictInput, serializers.Serializer):
    name = serializers.CharField(max_length=300, help_text="The name as the article gives it.")
    role = serializers.ChoiceField(choices=AttributionRole.choices)
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.CharField(required=False, default="other", help_text="For a new source: its kind.")
    source_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="An existing source. Without it, and without create, the attribution is left out.",
    )
    create = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Create a new source named `name` (needs the add-source permission).",
    )


class ConfirmInput(StrictInput, serializers.Serializer):
    text = serializers.CharField(required=False, help_text="The claim as edited; default: as proposed.")
    attributions = ChoiceInput(
        many=True,
        required=False,
        help_text=(
            "Replace the proposed attributions; default: matched sources, new sources for unmatched "
            "names, unnamed sources left out."
        ),
    )
    link_to = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=(
            "Add to this existing claim instead of creating one; null creates a new claim. Default: "
            "the proposal's linked claim, if any."
        ),
    )


class ProposalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    is_opinion = serializers.BooleanField()
    checkable_reasons = serializers.ListField(child=serializers.CharField())
    attributions = serializers.JSONField(
        help_text=(
            "name, title, role, quote, kind, source_id, source_name, score, new_source, "
            "candidates[{id, name, kind, score}]."
        )
    )
    duplicates = serializers.JSONField(help_text="Similar existing claims: claim_id, score (0-1), text.")
    linked_claim = serializers.IntegerField(source="linked_claim_id", allow_null=True)
    decision = serializers.CharField()
    claim = serializers.IntegerField(source="claim_id", allow_null=True, help_text="The claim created or linked to.")


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    final_url = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    progress = serializers.SerializerMethodField()
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    proposals = ProposalOutput(many=True, source="proposals.all")

    def get_progress(self, batch) -> dict:
        return {"done": batch.progress_done, "total": batch.progress_total}


def _refused(exc: IntakeRefused) -> Problem:
    return Problem(
        413 if exc.code == "too_large" else 400, str(exc), code=exc.code, title=gettext("Cannot read this article")
    )


def batch_response(batch_id: int, status_code: int = 200, headers: dict | None = None) -> Response:
    batch = IntakeBatch.objects.prefetch_related("proposals").filter(pk=batch_id).first()
    if batch is None:
        raise not_found(gettext("Intake batch"), batch_id)
    return Response(BatchOutput(batch).data, status=status_code, headers=headers)


class IntakeView(ApiView):
    read_scope = write_scope = "review"  # pasted articles and drafts are internal
    problem_codes = (413,)

    @extend_schema(
        tags=TAGS,
        operation_id="intake_create",
        request=IntakeInput,
        responses={
            202: BatchOutput,
            413: OpenApiResponse(description="Over CLAIMDESK_INTAKE_MAX_BYTES."),
        },
        summary="Submit an article (text or URL) to propose claims from",
    )
    def post(self, request):
        serializer = IntakeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            batch = intake.submit(acting_user(request), **serializer.validated_data)
        except IntakeRefused as exc:
            raise _refused(exc) from None
        location = reverse("api-intake-batch", args=[batch.pk])
        return batch_response(batch.pk, status.HTTP_202_ACCEPTED, {"Location": location})


class IntakeBatchView(ApiView):
    read_scope = write_scope = "review"

    @extend_schema(
        tags=TAGS,
        operation_id="intake_retrieve",
        responses=BatchOutput,
        summary="A batch's progress and, once done, its proposals",
    )
    def get(self, request, pk: int):
        return batch_response(pk)


class ProposalActionView(ApiView):
    read_scope = write_scope = "review"
    problem_codes = (409,)

    def respond(self, pk: int) -> Response:
        proposal = Proposal.objects.filter(pk=pk).first()
        return Response(ProposalOutput(proposal).data)

    def require(self, pk: int) -> None:
        if not Proposal.objects.filter(pk=pk).exists():
            raise not_found(gettext("Proposal"), pk)


class ConfirmView(ProposalActionView):
    @extend_schema(
        tags=TAGS,
        operation_id="intake_proposal_confirm",
        request=ConfirmInput,
        responses=ProposalOutput,
        summary="Confirm a proposal, as proposed or edited: it enters the queue",
    )
    def post(self, request, pk: int):
        self.require(pk)
        serializer = ConfirmInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        options = {}
        if "text" in data:
            options["text"] = data["text"]
        if "attributions" in data:
            options["choices"] = [intake_review.AttributionChoice(**item) for item in data["attributions"]]
        if "link_to" in data:
            options["link_to"] = data["link_to"]
        intake_review.confirm(acting_user(request), pk, **options)
        return self.respond(pk)


class DropView(ProposalActionView):
    @extend_schema(
        tags=TAGS,
        operation_id="intake_proposal_drop",
        request=None,
        responses=ProposalOutput,
        summary="Drop a proposal: nothing is written",
    )
    def post(self, request, pk: int):
        self.require(pk)
        intake_review.drop(acting_user(request), pk)
        return self.respond(pk)
