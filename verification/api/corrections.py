"""Corrections of a published claim's text (verification.workflow.corrections):
GET|POST /claims/{id}/corrections and POST …/corrections/{cid}/approve|reject|withdraw.

Reading needs the ``review`` scope (corrections name the editors who made
them; readers see approved ones on the public page); writing needs an
editor's rights as well. Every write carries the claim ``version`` the caller
read and answers the correction with the claim's new version.
"""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from verification.api.auth import acting_user, require_perm
from verification.api.base import ApiView, not_found
from verification.api.conditional import etag_for
from verification.api.serializers import (
    CorrectionDecisionSerializer,
    CorrectionProposeSerializer,
    CorrectionResultSerializer,
    CorrectionSerializer,
)
from verification.models import Claim, Correction
from verification.workflow import corrections

LIST_LIMIT = 100  # one pending at a time, each decided by two editors: a claim never gets near this


def _claim_version(pk: int) -> int:
    version = Claim.objects.filter(pk=pk).values_list("version", flat=True).first()
    if version is None:
        raise not_found(gettext("Claim"), pk)
    return version


def _answer(pk: int, correction_id: int, status: int = 200, headers: dict | None = None) -> Response:
    """The correction as stored, with the claim's new version (body and ETag) for the next write."""
    correction = Correction.objects.select_related("proposed_by", "decided_by").get(pk=correction_id)
    version = _claim_version(pk)
    correction.claim_version = version
    return Response(
        CorrectionResultSerializer(correction).data,
        status=status,
        headers={"ETag": etag_for(pk, version), **(headers or {})},
    )


class CorrectionListView(ApiView):
    read_scope = "review"
    problem_codes = (409,)

    @extend_schema(
        operation_id="claims_corrections_list",
        responses=CorrectionSerializer(many=True),
        summary="A claim's corrections, oldest first",
        description=gettext("Scope `review`. At most %(list_limit)s; approved ones are also on the public page.")
        % {"list_limit": LIST_LIMIT},
    )
    def get(self, request, pk: int):
        _claim_version(pk)
        rows = Correction.objects.filter(claim_id=pk).select_related("proposed_by", "decided_by")
        return Response(CorrectionSerializer(rows.order_by("proposed_at", "id")[:LIST_LIMIT], many=True).data)

    @extend_schema(
        operation_id="claims_corrections_create",
        request=CorrectionProposeSerializer,
        responses={201: CorrectionResultSerializer},
        summary="Propose a correction of a published claim's text (editors)",
        description=(
            "A typo fix that does not change the meaning (docs/corrections.md); another editor "
            "approves it. Anything else needs a reopen. 409 when the claim is not published, a "
            "correction is already pending, or `version` is stale."
        ),
    )
    def post(self, request, pk: int):
        _claim_version(pk)
        require_perm(request, corrections.PERMISSION, "propose corrections (editors can)")
        serializer = CorrectionProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        correction = corrections.propose(
            acting_user(request), pk, text=data["text"], reason=data["reason"], expected_version=data["version"]
        )
        location = f"/api/v1/claims/{pk}/corrections/{correction.pk}"
        return _answer(pk, correction.pk, status=201, headers={"Location": location})


class CorrectionReasonSerializer(CorrectionDecisionSerializer):
    """Rejecting and withdrawing: the note is the reason, and the domain refuses
    a blank one (the schema says so)."""

    requires_any_of = ("note",)


class CorrectionDecisionView(ApiView):
    """Subclasses name the decision; the body is ``{version, note}``."""

    problem_codes = (409,)
    input_serializer = CorrectionDecisionSerializer

    def decide(self, request, pk: int, cid: int):
        _claim_version(pk)
        require_perm(request, corrections.PERMISSION, "decide on corrections (editors can)")
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.act(acting_user(request), pk, cid, data["version"], data["note"])
        return _answer(pk, cid)

    def act(self, user, pk: int, cid: int, version: int, note: str):
        raise NotImplementedError


def _decision_schema(name: str, summary: str, description: str, request=CorrectionDecisionSerializer):
    return extend_schema(
        operation_id=f"claims_corrections_{name}",
        request=request,
        responses={200: CorrectionResultSerializer},
        summary=summary,
        description=description,
    )


class ApproveView(CorrectionDecisionView):
    @_decision_schema(
        "approve",
        "Approve a pending correction (another editor than its author)",
        "The published text changes, the public page lists the correction, ClaimReview gets dateModified and "
        "webhooks receive claim.corrected.",
    )
    def post(self, request, pk: int, cid: int):
        return self.decide(request, pk, cid)

    def act(self, user, pk, cid, version, note):
        corrections.approve(user, pk, cid, expected_version=version, note=note)


class RejectView(CorrectionDecisionView):
    input_serializer = CorrectionReasonSerializer

    @_decision_schema(
        "reject",
        "Reject a pending correction, saying why (editors)",
        "`note` is required: the reason.",
        request=CorrectionReasonSerializer,
    )
    def post(self, request, pk: int, cid: int):
        return self.decide(request, pk, cid)

    def act(self, user, pk, cid, version, note):
        corrections.reject(user, pk, cid, reason=note, expected_version=version)


class WithdrawView(CorrectionDecisionView):
    input_serializer = CorrectionReasonSerializer

    @_decision_schema(
        "withdraw",
        "Withdraw your own pending correction",
        "`note` is required: why it is withdrawn.",
        request=CorrectionReasonSerializer,
    )
    def post(self, request, pk: int, cid: int):
        return self.decide(request, pk, cid)

    def act(self, user, pk, cid, version, note):
        corrections.withdraw(user, pk, cid, reason=note, expected_version=version)
