"""The three roles and exactly what each may do (least privilege).

Called by a data migration, so the groups exist on a fresh database, and by
tests after a flush. Idempotent: permissions are set, not added.
"""

FACT_CHECKERS = "fact-checkers"
EDITORS = "editors"
ADMINS = "admins"

_VIEW_ALL = [
    "verification.view_claim", "verification.view_attribution", "verification.view_appearance",
    "verification.view_evidence", "verification.view_assessment", "verification.view_claimevent",
    "verification.view_tag", "sources.view_source", "sources.view_sourcealias", "sources.view_sourcegrade",
    "sources.view_conflict", "sources.view_conflictparty", "sources.view_sourcerelation", "sources.view_trackrecord",
]
_FACT_CHECKER = _VIEW_ALL + [
    "verification.add_claim", "verification.add_attribution", "verification.add_appearance",
    "verification.add_evidence", "verification.change_evidence", "verification.review_claim",
]
_EDITOR = _FACT_CHECKER + [
    "verification.change_claim", "verification.signoff_claim", "verification.assign_claim",
    "verification.reopen_claim", "verification.change_attribution",
]
_ADMIN = _EDITOR + [
    "sources.add_source", "sources.change_source", "sources.grade_source", "sources.merge_source",
    "sources.add_sourcealias", "sources.change_sourcealias", "sources.delete_sourcealias",
    "sources.add_conflict", "sources.change_conflict", "sources.add_conflictparty", "sources.change_conflictparty",
    "sources.delete_conflictparty", "sources.add_sourcerelation", "sources.change_sourcerelation",
    "sources.delete_sourcerelation", "sources.add_sourcegrade", "sources.view_sourceevent",
    "verification.view_apikey", "verification.change_apikey", "verification.view_webhookendpoint",
    "verification.add_webhookendpoint", "verification.change_webhookendpoint", "verification.delete_webhookendpoint",
    "verification.view_webhookdelivery", "verification.view_webhookevent", "verification.view_custodyevent",
    "verification.view_storedfile", "verification.view_snapshot", "verification.add_tag", "verification.change_tag",
]
ROLE_PERMISSIONS = {FACT_CHECKERS: _FACT_CHECKER, EDITORS: _EDITOR, ADMINS: _ADMIN}


def ensure_roles(group_model=None, permission_model=None) -> None:
    if group_model is None:
        from django.contrib.auth.models import Group as group_model, Permission as permission_model
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.append(permission_model.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
