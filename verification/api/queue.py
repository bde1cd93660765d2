"""Queue actions (scope ``review``): each is an input serializer, one call to
a transition function, and the claim's detail as output.

Every body carries the ``version`` the caller read; a stale one answers 409
naming what changed and who changed it (see verification.workflow.transitions).
"""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from verification.api.auth import acting_user
from verification.api.base import ApiView, not_found
from verification.api.claims import claim_response
from verification.api.serializers import (
    AssessSerializer,
    ClaimDetailSerializer,
    NoteSerializer,
    ReopenSerializer,
    ReturnSerializer,
    VersionSerializer,
)
from verification.models import Claim
from verification.workflow import transitions


class QueueNextView(ApiView):
    problem_codes = (409,)

    @extend_schema(
        operation_id="queue_next",
        request=None,
        summary="Lease the next claim to review",
        responses={200: ClaimDetailSerializer, 204: OpenApiResponse(description="Nothing is queued.")},
        description="A reviewer already holding a lease gets that claim back, so the call is safe to repeat.",
    )
    def post(self, request):
        claim = transitions.take_next(acting_user(request))
        if claim is None:
            return Response(status=204)
        return claim_response(request, claim.pk)


class ClaimActionView(ApiView):
    """Subclasses name the input serializer and call one transition in ``act``."""

    input_serializer = VersionSerializer
    problem_codes = (409,)

    def run(self, request, pk: int):
        if not Claim.objects.filter(pk=pk).exists():
            raise not_found(gettext("Claim"), pk)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.act(acting_user(request), pk, serializer.validated_data)
        return claim_response(request, pk)

    def act(self, user, pk: int, data: dict):
        raise NotImplementedError


def _action_schema(name: str, serializer, summary: str, description: str = ""):
    return extend_schema(
        operation_id=f"claims_{name}",
        request=serializer,
        responses={200: ClaimDetailSerializer},
        summary=summary,
        description=description,
    )


class ReleaseView(ClaimActionView):
    input_serializer = NoteSerializer

    @_action_schema(
        "release",
        NoteSerializer,
        "Give a leased claim back to the queue",
        "The lease holder, or an editor for someone else's lease.",
    )
    def post(self, request, pk: int):
        return self.run(request, pk)

    def act(self, user, pk, data):
        transitions.release(user, pk, expected_version=data["version"], note=data["note"])


class ExtendView(ClaimActionView):
    @_action_schema("extend", VersionSerializer, "Restart your lease's clock")
    def post(self, request, pk: int):
        return self.run(request, pk)

    def act(self, user, pk, data):
        transitions.extend(user, pk, expected_version=data["version"])


class AssessView(ClaimActionView):
    input_serializer = AssessSerializer

    @_action_schema(
        "assess",
        AssessSerializer,
        "Record a verdict for sign-off",
        "The lease holder only; a second person signs it off.",
    )
    def post(self, request, pk: int):
        return self.run(request, pk)

    def act(self, user, pk, data):
        transitions.assess(
            user,
            pk,
            verdict=data["verdict"],
            confidence=data["confidence"],
            rationale=data["rationale"],
            credibility=data["credibility"],
            expected_version=data["version"],
        )


class SignOffView(ClaimActionView):
    input_serializer = NoteSerializer

    @_action_schema("signoff", NoteSerializer, "Publish the pending verdict (editors; not the assessor)")
    def post(self, request, pk: int):
        return self.run(request, pk)

    def act(self, user, pk, data):
        transitions.sign_off(user, pk, expected_version=data["version"], note=data["note"])


class ReturnView(ClaimActionView):
    input_serializer = ReturnSerializer

    @_action_schema("return", ReturnSerializer, "Send the pending verdict back to its reviewer (editors)")
    def post(self, request, pk: int):
        return self.run(request, pk)

    def act(self, user, pk, data):
        transitions.return_for_changes(user, pk, data["comment"], expected_version=data["version"])


class ReopenView(ClaimActionView):
    input_serializer = ReopenSerializer

    @_action_schema(
        "reopen",
        ReopenSerializer,
        "Reopen a published claim (editors)",
        "Its published verdict stays visible until a new one is signed off.",
    )
    def post(self, request, pk: int):
        return self.run(request, pk)

    def act(self, user, pk, data):
        transitions.reopen(user, pk, data["reason"], expected_version=data["version"])
