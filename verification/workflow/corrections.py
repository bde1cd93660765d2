"""Corrections: typo fixes to a published claim's text, with four eyes.

A published claim's text is frozen (verification.workflow.claims): changing
what it says needs a reopen, a review and a new sign-off. A fix that does not
change the meaning (spelling, punctuation, a name's transliteration, a link)
is a correction instead: one editor proposes the new text with a reason, a
second editor approves it (or rejects it with a reason; the proposer may
withdraw it). The approving editor judges whether it really is a typo;
docs/corrections.md says what counts as which.

Every function here follows the steps of verification.workflow.transitions:
1. check the actor's right, then in ``transaction.atomic()`` lock the claim
   (and the correction),
2. check the claim's state and version (one clear exception per refusal),
3. return early when nothing would change (a resent form),
4. write the change and one ClaimEvent through ``history.record``,
5. announce it through the webhook outbox, in the same transaction.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from verification.models import Claim, ClaimEvent, Correction
from verification.status import rfc3339, status_fields
from verification.webhooks import outbox
from verification.workflow.errors import IllegalMove, NotAllowed, Refused, require_permission, stale_version
from verification.workflow.history import record

Outcome = Correction.Outcome
PERMISSION = "verification.signoff_claim"  # editors: the same right as signing off a verdict
_DIGITS = re.compile(r"\d")


class CorrectionPending(Refused):
    code = "correction_pending"


class CorrectionDecided(Refused):
    code = "correction_decided"


class PublishedTextChanged(Refused):
    code = "published_text_changed"


def propose(actor, claim_id: int, *, text: str, reason: str, expected_version: int | None = None) -> Correction:
    """An editor proposes new text for a published claim; it waits for another editor."""
    require_permission(actor, PERMISSION, "propose corrections to published claims", ask="an admin")
    text, reason = (text or "").strip(), (reason or "").strip()
    with transaction.atomic():
        claim = _lock(claim_id)
        pending = claim.corrections.filter(outcome=Outcome.PENDING).first()
        if pending and pending.proposed_by_id == actor.pk and pending.new_text == text:
            return pending  # the same proposal sent twice
        if expected_version is not None and claim.version != expected_version:
            raise stale_version(claim, expected_version)
        if claim.state != Claim.State.PUBLISHED:
            raise IllegalMove(
                gettext(
                    "Only a published claim takes corrections; this one is %(lower)s. Edit its text while it "
                    "is under review; the next sign-off publishes it."
                )
                % {"lower": claim.get_state_display().lower()}
            )
        _validate(claim.public_text, text, reason)
        if pending:
            raise CorrectionPending(
                gettext(
                    "Correction %(pending_pk)s by %(get_username)s is still waiting for a decision. Approve or "
                    "reject it (or ask its author to withdraw it) before proposing another."
                )
                % {"pending_pk": pending.pk, "get_username": pending.proposed_by.get_username()}
            )
        correction = Correction.objects.create(
            claim=claim, proposed_by=actor, old_text=claim.public_text, new_text=text, reason=reason
        )
        record(
            claim,
            ClaimEvent.Kind.CORRECTION_PROPOSED,
            actor,
            note=reason,
            changes={"correction_id": correction.pk, "text": {"from": correction.old_text, "to": text}},
        )
        return correction


def _validate(old: str, new: str, reason: str) -> None:
    errors = {}
    if not new:
        errors["text"] = [gettext("Give the corrected text of the claim.")]
    elif new == old:
        errors["text"] = [gettext("That is the published text already: fix the typo in it, then send it.")]
    elif _DIGITS.findall(new) != _DIGITS.findall(old):
        errors["text"] = [
            "A correction may not change numbers or dates: that changes what is claimed. Reopen the claim instead."
        ]
    if not reason:
        errors["reason"] = [gettext("Say what the correction fixes; readers see it on the public page.")]
    if errors:
        raise ValidationError(errors)


def approve(actor, claim_id: int, correction_id: int, *, expected_version: int | None = None, note: str = ""):
    """A second editor approves: the published text changes, readers see the
    correction listed, ClaimReview gets ``dateModified``, webhooks get
    ``claim.corrected``."""
    require_permission(actor, PERMISSION, "approve corrections", ask="an admin")
    with transaction.atomic():
        claim, correction = _lock_both(claim_id, correction_id)
        if correction.outcome == Outcome.APPROVED:
            return correction
        _check_pending(claim, correction, expected_version)
        if correction.proposed_by_id == actor.pk:
            raise NotAllowed(gettext("You proposed this correction; another editor must approve it."))
        if claim.state != Claim.State.PUBLISHED:
            raise IllegalMove(
                gettext(
                    "The claim is %(lower)s now, so its text is edited in review and published by the next "
                    "sign-off. Reject this correction."
                )
                % {"lower": claim.get_state_display().lower()}
            )
        if claim.public_text != correction.old_text:
            raise PublishedTextChanged(
                gettext(
                    "The published text changed since this correction was proposed. Reject it, and propose the "
                    "fix again on the current text."
                )
            )
        now = timezone.now()
        _decide(correction, Outcome.APPROVED, actor, now, note)
        claim.text = claim.published_text = correction.new_text
        claim.corrected_at = now
        claim.save(update_fields=["published_text", "corrected_at"])  # history.record saves ``text``
        record(
            claim,
            ClaimEvent.Kind.CORRECTED,
            actor,
            note=correction.reason,
            changes={
                "correction_id": correction.pk,
                "text": {"from": correction.old_text, "to": correction.new_text},
                "proposed_by": correction.proposed_by_id,
            },
        )
        outbox.emit("claim.corrected", corrected_payload(claim, correction))
        return correction


def corrected_payload(claim: Claim, correction: Correction) -> dict:
    """The claim's status fields, as every claim event has, and the correction."""
    return {
        **status_fields(claim),
        "correction_id": correction.pk,
        "reason": correction.reason,
        "old_text": correction.old_text,
        "new_text": correction.new_text,
        "corrected_at": rfc3339(correction.decided_at),
    }


def reject(actor, claim_id: int, correction_id: int, *, reason: str, expected_version: int | None = None):
    """Another editor turns the correction down, saying why (it changes the
    meaning, say: then the claim needs a reopen)."""
    require_permission(actor, PERMISSION, "reject corrections", ask="an admin")
    return _close(actor, claim_id, correction_id, Outcome.REJECTED, reason, expected_version)


def withdraw(actor, claim_id: int, correction_id: int, *, reason: str, expected_version: int | None = None):
    """Its author takes a pending correction back."""
    require_permission(actor, PERMISSION, "withdraw corrections", ask="an admin")
    return _close(actor, claim_id, correction_id, Outcome.WITHDRAWN, reason, expected_version)


_CLOSE_EVENTS = {
    Outcome.REJECTED: ClaimEvent.Kind.CORRECTION_REJECTED,
    Outcome.WITHDRAWN: ClaimEvent.Kind.CORRECTION_WITHDRAWN,
}


def _close(actor, claim_id, correction_id, outcome, reason, expected_version) -> Correction:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": [gettext("Say why, so the proposer knows what to do next.")]})
    with transaction.atomic():
        claim, correction = _lock_both(claim_id, correction_id)
        if correction.outcome == outcome:
            return correction
        _check_pending(claim, correction, expected_version)
        own = correction.proposed_by_id == actor.pk
        if outcome == Outcome.REJECTED and own:
            raise NotAllowed(gettext("You proposed this correction: withdraw it instead of rejecting it."))
        if outcome == Outcome.WITHDRAWN and not own:
            raise NotAllowed(gettext("Only the editor who proposed a correction can withdraw it; reject it instead."))
        _decide(correction, outcome, actor, timezone.now(), reason)
        record(claim, _CLOSE_EVENTS[outcome], actor, note=reason, changes={"correction_id": correction.pk})
        return correction


def _lock(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
    return claim


def _lock_both(claim_id: int, correction_id: int) -> tuple[Claim, Correction]:
    claim = _lock(claim_id)
    correction = (
        Correction.objects.select_for_update().select_related("proposed_by").filter(pk=correction_id, claim=claim)
    ).first()
    if correction is None:
        raise Correction.DoesNotExist(
            gettext("Claim %(claim_id)s has no correction %(correction_id)s.")
            % {"claim_id": claim_id, "correction_id": correction_id}
        )
    return claim, correction


def _check_pending(claim: Claim, correction: Correction, expected_version: int | None) -> None:
    if correction.outcome != Outcome.PENDING:
        who = correction.decided_by.get_username() if correction.decided_by_id else "someone"
        raise CorrectionDecided(
            gettext("Correction %(correction_pk)s was already %(correction_outcome)s by %(who)s; nothing to do.")
            % {"correction_pk": correction.pk, "correction_outcome": correction.outcome, "who": who}
        )
    if expected_version is not None and claim.version != expected_version:
        raise stale_version(claim, expected_version)


def _decide(correction: Correction, outcome: str, actor, when, note: str) -> None:
    correction.outcome = outcome
    correction.decided_by = actor
    correction.decided_at = when
    correction.decision_note = (note or "").strip()
    correction.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
