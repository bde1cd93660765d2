"""The errors every write of the workflow raises, one class per kind of refusal.

Every refusal is a ``sources.errors.Refused``; views and the API map them to responses in one place each (the desk's
``report_error``, the API's ``to_problem``); ``code`` is stable for API
clients and the message is written for people.
"""

from sources.errors import NotAllowed, Refused
from sources.roles import require_permission
from verification.models import Claim

__all__ = [
    "IllegalMove",
    "NotAllowed",
    "NotPublished",
    "Refused",
    "StaleVersion",
    "require_permission",
    "stale_version",
]


class IllegalMove(Refused):
    code = "illegal_move"


class NotPublished(Refused):
    """Something only a published verdict can have (a translation for readers)."""

    code = "not_published"


# How a StaleVersion message says what happened: "<who> <did> at <when>".
_DID = {
    "taken": "took it",
    "expired": "returned it to the queue when the lease expired",
    "priority": "re-prioritised it",
    "evidence": "added or changed its evidence",
    "edited": "edited it",
    "correction_proposed": "proposed a correction to it",
    "corrected": "approved a correction to it",
    "correction_rejected": "rejected a correction to it",
    "correction_withdrawn": "withdrew a correction to it",
    "commented": "commented on it",
    "comment_edited": "edited a comment on it",
    "checklist_ticked": "ticked a checklist item of it",
    "checklist_unticked": "unticked a checklist item of it",
    "translated": "translated its verdict",
}


class StaleVersion(Refused):
    """The caller's copy is out of date. Carries ``current_version``,
    ``changed_by`` and ``change`` so every caller can say who changed what;
    build it with ``stale_version``, which reads them."""

    code = "stale_version"

    def __init__(
        self, claim_id: int, expected: int, current_version: int, changed_by: str, change: str, when: str = ""
    ):
        self.current_version = current_version
        self.changed_by = changed_by
        self.change = change
        did = _DID.get(change, f"{change} it")
        at = f" at {when}" if when else ""
        super().__init__(
            f"Claim {claim_id} is at version {current_version}, not {expected}: {changed_by} {did}{at}. "
            "Reload the claim and apply your change again."
        )


def stale_version(claim: Claim, expected: int) -> StaleVersion:
    """The StaleVersion for ``claim``, naming its last change and who made it."""
    last = claim.events.select_related("actor").order_by("-id").first()
    if last is None:
        return StaleVersion(claim.pk, expected, claim.version, "someone", "changed")
    who = last.actor.get_username() if last.actor else "the system"
    return StaleVersion(claim.pk, expected, claim.version, who, last.kind, last.created_at.isoformat())
