"""The three roles and exactly what each may do (least privilege).

Called by data migrations, after every migrate (post_migrate, sources/apps.py),
and by tests after a flush. Idempotent: permissions are set, not added.
"""

from django.utils.translation import gettext

from sources.errors import NotAllowed

FACT_CHECKERS = "fact-checkers"
EDITORS = "editors"
ADMINS = "admins"

_VIEW_ALL = [
    "verification.view_claim",
    "verification.view_attribution",
    "verification.view_appearance",
    "verification.view_evidence",
    "verification.view_assessment",
    "verification.view_claimevent",
    "verification.view_tag",
    "sources.view_source",
    "sources.view_sourcealias",
    "sources.view_sourcegrade",
    "sources.view_conflict",
    "sources.view_conflictparty",
    "sources.view_sourcerelation",
    "sources.view_trackrecord",
]
_FACT_CHECKER = _VIEW_ALL + [
    "verification.add_claim",
    "verification.add_attribution",
    "verification.add_appearance",
    "verification.add_evidence",
    "verification.change_evidence",
    "verification.review_claim",
    # Collaboration on a claim (docs/collaboration.md): the discussion, and ticking checklist items.
    "verification.add_comment",
    "verification.add_checklisttick",
]
_EDITOR = _FACT_CHECKER + [
    "verification.change_claim",
    "verification.signoff_claim",
    "verification.assign_claim",
    "verification.reopen_claim",
    "verification.change_attribution",
    # Translations of a published verdict for readers (docs/languages.md): editors, like the sign-off.
    "verification.add_verdicttranslation",
    # MediaReview ratings of media evidence, shown to readers (docs/media_review.md): editors, like the sign-off.
    "verification.add_mediareview",
]
_ADMIN = _EDITOR + [
    "sources.add_source",
    "sources.change_source",
    "sources.grade_source",
    "sources.merge_source",
    "sources.add_sourcealias",
    "sources.change_sourcealias",
    "sources.delete_sourcealias",
    "sources.add_conflict",
    "sources.change_conflict",
    "sources.add_conflictparty",
    "sources.change_conflictparty",
    "sources.delete_conflictparty",
    "sources.add_sourcerelation",
    "sources.change_sourcerelation",
    "sources.delete_sourcerelation",
    "sources.add_sourcegrade",
    "sources.view_sourceevent",
    "verification.view_apikey",
    "verification.change_apikey",
    "verification.view_webhookendpoint",
    "verification.add_webhookendpoint",
    "verification.change_webhookendpoint",
    "verification.delete_webhookendpoint",
    "verification.view_webhookdelivery",
    "verification.view_webhookevent",
    "verification.view_idempotentrequest",
    "verification.view_custodyevent",
    "verification.view_storedfile",
    "verification.view_snapshot",
    "verification.view_preview",  # derived pictures of stored files, read-only (docs/evidence_previews.md)
    "verification.view_mediametadata",  # what stored files say about themselves, read-only
    "verification.view_mediahash",  # perceptual hashes of stored files, read-only (docs/evidence_hashes.md)
    "verification.view_keyframeset",  # video keyframe extractions, read-only (docs/evidence_keyframes.md)
    "verification.view_keyframe",
    "verification.view_trustedtimestamp",  # RFC 3161 tokens of evidence hashes, read-only (docs/evidence.md)
    "verification.add_tag",
    "verification.change_tag",
    # Read-only in the admin: who has accounts and roles, what was notified, which workers are alive.
    "verification.view_notification",
    "verification.view_workerheartbeat",
    # A user's desk time zone: set on /desk/profile; an admin may set it for someone who asks.
    "verification.view_deskprofile",
    "verification.change_deskprofile",
    "verification.view_brokerfailure",
    "auth.view_user",
    "auth.view_group",
    "verification.view_calibrationsnapshot",
    "verification.view_suggestionmodel",
    # Verification checklists are defined in the admin; a list or item someone ticked is retired
    # (``active``), never deleted (PROTECT), so deleting is for items nobody ticked yet.
    "verification.view_checklisttemplate",
    "verification.add_checklisttemplate",
    "verification.change_checklisttemplate",
    "verification.view_checklistitem",
    "verification.add_checklistitem",
    "verification.change_checklistitem",
    "verification.delete_checklistitem",
    "verification.view_intakebatch",
    "verification.view_proposal",
    # Other fact-checkers' verdicts: admins import them (file, feed or page) and see each run.
    "verification.view_externalreview",
    "verification.add_externalreview",
    "verification.view_externalreviewimport",
    # Login lockout (django-axes): who failed and from where, successful logins, and
    # deleting an access attempt, which lifts its lockout (the lockout page says to ask an admin).
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
]
ROLE_PERMISSIONS = {FACT_CHECKERS: _FACT_CHECKER, EDITORS: _EDITOR, ADMINS: _ADMIN}


def ensure_roles(group_model=None, permission_model=None) -> list[str]:
    """Set each role's permissions; return the codes not granted because their
    permission does not exist yet. A data migration runs before later models
    (and their permissions) exist, so it grants what it can; the post_migrate
    hook in sources/apps.py grants the rest when migrate finishes."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
        from django.contrib.auth.models import Permission as permission_model
    codes = {code for wanted in ROLE_PERMISSIONS.values() for code in wanted}
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in permission_model.objects.select_related("content_type").filter(
            codename__in={code.split(".")[1] for code in codes}
        )
    }
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([found[code] for code in wanted if code in found])
    return sorted(codes - set(found))


def require_permission(actor, perm: str, what: str, ask: str = "an editor") -> None:
    """The one permission check for every write, in both apps. A missing actor
    is refused like anyone else: functions the system may call without a
    person (the seed loader, a re-review) say so at the call site."""
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(gettext("You do not have the right to %(what)s. Ask %(ask)s.") % {"what": what, "ask": ask})
