"""The errors every write of the workflow raises, one class per kind of refusal.

Every refusal is a ``sources.errors.Refused``; views and the API map them to responses in one place each (the desk's
``report_error``, the API's ``to_problem``); ``code`` is stable for API
clients and the message is written for people.
"""

from django.utils.translation import gettext, gettext_lazy

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
    "changed": gettext_lazy("changed it"),
    "created": gettext_lazy("created it"),
    "taken": gettext_lazy("took it"),
    "released": gettext_lazy("released it"),
    "extended": gettext_lazy("extended it"),
    "reassigned": gettext_lazy("reassigned it"),
    "assessed": gettext_lazy("assessed it"),
    "published": gettext_lazy("published it"),
    "returned": gettext_lazy("returned it"),
    "reopened": gettext_lazy("reopened it"),
    "escalated": gettext_lazy("escalated it"),
    "expired": gettext_lazy("returned it to the queue when the lease expired"),
    "priority": gettext_lazy("re-prioritised it"),
    "evidence": gettext_lazy("added or changed its evidence"),
    "edited": gettext_lazy("edited it"),
    "correction_proposed": gettext_lazy("proposed a correction to it"),
    "corrected": gettext_lazy("approved a correction to it"),
    "correction_rejected": gettext_lazy("rejected a correction to it"),
    "correction_withdrawn": gettext_lazy("withdrew a correction to it"),
    "commented": gettext_lazy("commented on it"),
    "comment_edited": gettext_lazy("edited a comment on it"),
    "checklist_ticked": gettext_lazy("ticked a checklist item of it"),
    "checklist_unticked": gettext_lazy("unticked a checklist item of it"),
    "translated": gettext_lazy("translated its verdict"),
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
        values = {
            "number": claim_id,
            "current": current_version,
            "expected": expected,
            "who": changed_by,
            "did": _DID.get(change, change),
            "when": when,
        }
        if when:
            message = gettext(
                "Claim %(number)s is at version %(current)s, not %(expected)s: %(who)s %(did)s at %(when)s. "
                "Reload the claim and apply your change again."
            )
        else:
            message = gettext(
                "Claim %(number)s is at version %(current)s, not %(expected)s: %(who)s %(did)s. "
                "Reload the claim and apply your change again."
            )
        super().__init__(message % values)


def stale_version(claim: Claim, expected: int) -> StaleVersion:
    """The StaleVersion for ``claim``, naming its last change and who made it."""
    last = claim.events.select_related("actor").order_by("-id").first()
    if last is None:
        return StaleVersion(claim.pk, expected, claim.version, gettext("someone"), "changed")
    who = last.actor.get_username() if last.actor else gettext("the system")
    return StaleVersion(claim.pk, expected, claim.version, who, last.kind, last.created_at.isoformat())
