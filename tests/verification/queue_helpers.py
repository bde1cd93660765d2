"""Helpers shared by the review-queue tests (not fixtures: plain functions)."""

from datetime import timedelta

from django.utils import timezone

from verification.models import Claim, Evidence
from verification.workflow import transitions


def kinds(claim) -> list[str]:
    return list(claim.events.order_by("id").values_list("kind", flat=True))


def last_event(claim):
    return claim.events.order_by("-id").first()


def fresh(claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def assessed(claim, reviewer, verdict="unproven", confidence=0.4, rationale="Only one side says so."):
    """Take ``claim`` (it must be the next in the queue) and assess it."""
    taken = transitions.take_next(reviewer)
    assert taken.pk == claim.pk, "the claim under test should be the only one queued"
    return transitions.assess(reviewer, claim.pk, verdict=verdict, confidence=confidence, rationale=rationale)


def published(claim, reviewer, editor, **assessment):
    assessed(claim, reviewer, **assessment)
    return transitions.sign_off(editor, claim.pk)


def expire_now(claim) -> None:
    """Pretend the lease ran out a minute ago."""
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))


def add_evidence(claim, title="Satellite images of the border crossing", **fields) -> Evidence:
    return Evidence.objects.create(
        claim=claim, kind=Evidence.Kind.IMAGE, title=title, notes=fields.pop("notes", "Analyst's notes"), **fields
    )
