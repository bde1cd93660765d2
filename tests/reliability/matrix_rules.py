"""Who may call what: one rule per (URL name, method) of the URL configuration.

test_authorisation_matrix.py walks get_resolver() and fails for any route or
API method without a rule here, so a new endpoint cannot ship unguarded by
accident: its author must say who may call it.

Each rule names an access level (the expected outcome per role) and builds
one request on fresh objects (see matrix_world.World). ``writes`` says the
request, when let in, really changes something, which the test checks: a
caller let in can do the thing, a caller refused leaves everything as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

OK, LOGIN, REFUSED = "ok", "login", "refused"

_ROLES = ("anonymous", "read_key", "revoked_key", "no_role", "fact_checker", "editor", "admin")


def _level(**cells) -> dict:
    assert set(cells) == set(_ROLES), cells
    return cells


PUBLIC = _level(anonymous=OK, read_key=OK, revoked_key=OK, no_role=OK, fact_checker=OK, editor=OK, admin=OK)
# API: no key 401, a revoked key 401 wherever it is sent, scopes below.
API_READ = _level(anonymous=401, read_key=OK, revoked_key=401, no_role=403, fact_checker=OK, editor=OK, admin=OK)
API_REVIEW = API_READ | {"read_key": 403}
API_EDITOR = API_REVIEW | {"fact_checker": 403}
API_ADMIN = API_EDITOR | {"editor": 403}
API_DOCS = PUBLIC | {"revoked_key": 401}
API_MISSING = {role: 404 for role in _ROLES}
# Desk pages use sessions: a key is no login; no role is no desk.
DESK = _level(anonymous=LOGIN, read_key=LOGIN, revoked_key=LOGIN, no_role=403, fact_checker=OK, editor=OK, admin=OK)
DESK_EDITOR = DESK | {"fact_checker": 403}
DESK_EDITOR_SOFT = DESK | {"fact_checker": REFUSED}  # refused with a message on the page, not a 403
LOGOUT = {role: LOGIN for role in _ROLES}  # everyone ends on the login page
ADMIN_SITE = _level(
    anonymous=LOGIN, read_key=LOGIN, revoked_key=LOGIN, no_role=LOGIN, fact_checker=LOGIN, editor=LOGIN, admin=OK
)


@dataclass
class Rule:
    name: str  # URL name ("" for the unnamed /api/v1/ catch-all)
    method: str
    expect: dict
    build: Callable  # World -> (path, body, headers); body: dict (JSON for API, form for desk) or None
    writes: bool = False
    multipart: bool = False
    extra: dict = field(default_factory=dict)


def _v(claim) -> dict:
    return {"version": claim.version}


def _assess_body(claim) -> dict:
    return {
        **_v(claim),
        "verdict": "misleading",
        "confidence": 0.7,
        "rationale": "Cut from a longer video.",
        "credibility": 3,
    }


def _desk_assess(claim) -> dict:
    return {
        **_v(claim),
        "verdict": "misleading",
        "confidence": "0.7",
        "rationale": "Cut from a longer video.",
        "credibility": "",
    }


def _get(path):
    return lambda w: (path.format(w=w), None, {})


def _corrected_text(claim) -> str:
    return claim.text.rstrip(".") + " (spelling fixed)."


def _pending_correction(w, own: bool):
    """A published claim with a pending correction: proposed by the caller when
    ``own`` and the caller is an editor (withdraw is the proposer's), else by
    frank, so the caller may approve or reject it (four eyes)."""
    from verification.workflow import corrections

    claim = w.claim("published")
    may_propose = w.actor is not None and w.actor.has_perm("verification.signoff_claim")
    proposer = w.actor if own and may_propose else w.users["frank"]
    correction = corrections.propose(proposer, claim.pk, text=_corrected_text(claim), reason="Typo.")
    return claim.__class__.objects.get(pk=claim.pk), correction


def _correction_decision(action: str, api: bool, own: bool = False):
    def build(w):
        claim, correction = _pending_correction(w, own)
        if api:
            path = f"/api/v1/claims/{claim.pk}/corrections/{correction.pk}/{action}"
        else:
            path = f"/desk/claims/{claim.pk}/corrections/{correction.pk}/{action}"
        return path, {**_v(claim), "note": "Checked against the original."}, {}

    return build


def _propose_correction(api: bool):
    def build(w):
        claim = w.claim("published")
        path = f"/api/v1/claims/{claim.pk}/corrections" if api else f"/desk/claims/{claim.pk}/corrections"
        return path, {**_v(claim), "text": _corrected_text(claim), "reason": "Typo."}, {}

    return build


def _claim_path(state: str, suffix: str, body=lambda c: {}, headers=lambda c: {}):
    def build(w):
        claim = w.claim(state)
        return f"/api/v1/claims/{claim.pk}{suffix}", body(claim), headers(claim)

    return build


def _desk_claim(state: str, suffix: str, body=lambda w, c: {}):
    def build(w):
        claim = w.claim(state)
        return f"/desk/claims/{claim.pk}/{suffix}", body(w, claim), {}

    return build


def _queue_next(w):
    w.free_reviewer()
    w.claim()
    return "/api/v1/queue/next", {}, {}


def _desk_take_next(w):
    w.free_reviewer()
    w.claim()
    return "/desk/take-next", {}, {}


def _new_claim_form(w):
    return (
        "/desk/claims/new",
        {
            "text": "A bridge in the city was closed on Monday.",
            "priority": "50",
            "language": "en",
            "tags": "",
            "attr-TOTAL_FORMS": "0",
            "attr-INITIAL_FORMS": "0",
        },
        {},
    )


def _evidence(suffix: str, body=lambda w: {}, with_file=False, api=False):
    def build(w):
        item = w.evidence(with_file=with_file)
        return f"/desk/evidence/{item.pk}/{suffix}", body(w), {}

    return build


def _previewed(w, claim_state: str = "queued", public: bool = False):
    """An uploaded picture with its preview made, on a claim in ``claim_state``
    (``published`` adds it to an assessed claim, then signs it off)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.evidence.preview_media import png
    from verification.evidence import previews
    from verification.evidence.writes import add_evidence_file
    from verification.workflow import transitions

    claim = w.claim("assessed" if claim_state == "published" else claim_state)
    upload = SimpleUploadedFile(f"gate-{claim.pk}.png", png(40 + claim.pk % 50, 30), "image/png")
    item = add_evidence_file(w.users["alice"], claim.pk, upload, title="Gate")
    previews.make(item.stored_file_id)
    if claim_state == "published":
        transitions.sign_off(w.users["frank"], claim.pk)
    path = f"/claims/{claim.pk}/evidence/{item.pk}/preview" if public else f"/desk/evidence/{item.pk}/preview"
    return path, None, {}


def _media_review(api: bool):
    """A picture uploaded to a fresh claim, and a MediaReview rating of it at the claim's version."""

    def build(w):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.evidence.preview_media import png
        from verification.evidence.writes import add_evidence_file

        claim = w.claim()
        upload = SimpleUploadedFile(f"camp-{claim.pk}.png", png(30 + claim.pk % 50, 20), "image/png")
        item = add_evidence_file(w.users["alice"], claim.pk, upload, title="Camp still")
        claim.refresh_from_db()
        body = {**_v(claim), "category": "decontextualized", "rationale": "Filmed in 2022, not this week."}
        base = "/api/v1/evidence" if api else "/desk/evidence"
        return f"{base}/{item.pk}/media-review", body, {}

    return build


def _archived(suffix: str):
    """A URL captured for real from a one-page server on loopback, with its web archive."""

    def build(w):
        from tests.evidence.archive_support import capture_from_loopback

        snapshot = capture_from_loopback(w.users["alice"], w.claim())
        return f"/desk/evidence/{snapshot.evidence_id}/snapshots/{snapshot.pk}/{suffix}", None, {}

    return build


def _keyframed(suffix: str):
    """A two-scene video uploaded to a fresh claim, its keyframes extracted as the worker would."""

    def build(w):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.evidence.preview_media import two_scene_video
        from verification.evidence import keyframes
        from verification.evidence.writes import add_evidence_file

        claim = w.claim()
        upload = SimpleUploadedFile(f"camp-{claim.pk}.mp4", two_scene_video(seconds=2.0, cut=1.0), "video/mp4")
        item = add_evidence_file(w.users["alice"], claim.pk, upload, title="Camp video")
        keyframes.extract(item.stored_file_id)
        return f"/desk/evidence/{item.pk}/keyframes{suffix}", None, {}

    return build


def _timestamped(w):
    """An item with a stored token (the authority's exchange is tests/evidence/test_trusted_time.py's)."""
    from django.utils import timezone

    from verification.models import TrustedTimestamp

    item = w.evidence(with_file=True)
    row = TrustedTimestamp.objects.create(
        evidence=item, sha256=item.sha256, status="stamped", token=b"0\x03\x02\x01\x00", gen_time=timezone.now()
    )
    return f"/desk/evidence/{item.pk}/timestamps/{row.pk}.tsr", None, {}


def _upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = w.claim()
    return (
        f"/desk/claims/{claim.pk}/evidence/file",
        {
            "file": SimpleUploadedFile("photo-notes.txt", b"notes from the scene\n", "text/plain"),
            "title": "Scene notes",
            "stance": "supports",
            "credibility": "",
            "kind": "",
        },
        {},
    )


def _api_upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = w.claim()
    return (
        f"/api/v1/claims/{claim.pk}/evidence",
        {"file": SimpleUploadedFile("scene.txt", b"api notes from the scene\n", "text/plain"), "title": "Scene"},
        {},
    )


def _proposal(suffix: str, api: bool):
    def build(w):
        proposal = w.proposal()
        base = "/api/v1/intake/proposals" if api else "/desk/intake/proposals"
        return f"{base}/{proposal.pk}/{suffix}", ({} if api else {"link": "new"}), {}

    return build


def _batch(fmt: str):
    def build(w):
        return fmt.format(pk=w.proposal().batch_id), None, {}

    return build


def _webhook(fmt: str, body=None):
    def build(w):
        return fmt.format(pk=w.endpoint().pk), body, {}

    return build


def _redeliver(w):
    return f"/api/v1/webhooks/deliveries/{w.delivered().pk}/redeliver", {}, {}


def _mark_read(w):
    return "/desk/notifications/read", {"id": str(w.notification().pk)}, {}


def _bulk(w):
    claim = w.claim()
    return "/desk/bulk", {"ids": [str(claim.pk)], "action": "assign", "assignee": str(w.users["bob"].pk)}, {}


def _assign(w):
    claim = w.claim()
    return f"/desk/claims/{claim.pk}/assign", {"assignee": str(w.users["bob"].pk)}, {}


def _etag(claim) -> dict:
    return {"HTTP_IF_MATCH": f'"{claim.pk}-{claim.version}"'}


def _own_comment(w):
    """A comment on a fresh claim, by the caller when they may comment (only its author edits), else by alice."""
    from verification.workflow import discussion

    claim = w.claim()
    may = w.actor is not None and w.actor.has_perm(discussion.PERMISSION)
    comment = discussion.post_comment(w.actor if may else w.users["alice"], claim.pk, "Matrix comment.")
    prefix = f"comment-{comment.pk}"
    body = {f"{prefix}-body": "Matrix comment, edited.", f"{prefix}-version": "1"}
    return f"/desk/claims/{claim.pk}/comments/{comment.pk}/edit", body, {}


def _checklist_tick(w):
    """A fresh claim under a fresh (optional) checklist item, ticked."""
    from verification.models import ChecklistTemplate

    item = ChecklistTemplate.objects.create(name="Matrix list").items.create(text="Matrix step", required=False)
    claim = w.claim()
    return f"/desk/claims/{claim.pk}/checklist/{item.pk}", {"ticked": "1"}, {}


API = [
    Rule("api-claims", "get", API_READ, _get("/api/v1/claims")),
    Rule(
        "api-claims",
        "post",
        API_REVIEW,
        lambda w: (
            "/api/v1/claims",
            {
                "text": "The minister said the dam was breached.",
                "attributions": [{"source": w.source.pk, "role": "stated"}],
            },
            {},
        ),
        writes=True,
    ),
    Rule("api-claim", "get", API_READ, lambda w: (f"/api/v1/claims/{w.shared().pk}", None, {})),
    Rule("api-claim", "patch", API_EDITOR, _claim_path("queued", "", lambda c: {"priority": 77}, _etag), writes=True),
    Rule("api-claim-status", "get", API_READ, lambda w: (f"/api/v1/claims/{w.shared().pk}/status", None, {})),
    Rule("api-claim-claimreview", "get", API_READ, lambda w: (f"/api/v1/claims/{w.shared().pk}/claimreview", None, {})),
    Rule("api-claim-release", "post", API_REVIEW, _claim_path("leased", "/release", _v), writes=True),
    Rule("api-claim-extend", "post", API_REVIEW, _claim_path("leased", "/extend", _v), writes=True),
    Rule("api-claim-assess", "post", API_REVIEW, _claim_path("leased", "/assess", _assess_body), writes=True),
    Rule("api-claim-signoff", "post", API_EDITOR, _claim_path("assessed", "/signoff", _v), writes=True),
    Rule(
        "api-claim-return",
        "post",
        API_EDITOR,
        _claim_path("assessed", "/return", lambda c: {**_v(c), "comment": "Cite the original upload."}),
        writes=True,
    ),
    Rule(
        "api-claim-reopen",
        "post",
        API_EDITOR,
        _claim_path("published", "/reopen", lambda c: {**_v(c), "reason": "New footage."}),
        writes=True,
    ),
    Rule("api-claim-evidence", "get", API_READ, lambda w: (f"/api/v1/claims/{w.shared().pk}/evidence", None, {})),
    Rule("api-claim-evidence", "post", API_REVIEW, _api_upload, writes=True, multipart=True),
    Rule("api-evidence-media-review", "post", API_EDITOR, _media_review(api=True), writes=True),
    Rule(
        "api-evidence-matches", "get", API_REVIEW, lambda w: (f"/api/v1/evidence/{w.evidence().pk}/matches", None, {})
    ),
    Rule("api-queue-next", "post", API_REVIEW, _queue_next, writes=True),
    Rule("api-status", "get", API_READ, _get("/api/v1/status?url=https%3A%2F%2Fnews.example.org%2Fa%2F1")),
    Rule("api-status-bulk", "post", API_READ, lambda w: ("/api/v1/status/bulk", {"ids": [w.shared().pk]}, {})),
    Rule("api-claims-search", "get", API_READ, _get("/api/v1/claims:search?query=North+Korean+troops")),
    Rule("api-export-csv", "get", API_READ, _get("/api/v1/export/claims.csv")),
    Rule("api-export-json", "get", API_READ, _get("/api/v1/export/claims.json")),
    Rule("api-webhooks", "get", API_ADMIN, _get("/api/v1/webhooks")),
    Rule(
        "api-webhooks",
        "post",
        API_ADMIN,
        lambda w: ("/api/v1/webhooks", {"url": "http://127.0.0.1:9/new-hook", "event_types": []}, {}),
        writes=True,
    ),
    Rule("api-webhook", "get", API_ADMIN, _webhook("/api/v1/webhooks/{pk}")),
    Rule("api-webhook", "patch", API_ADMIN, _webhook("/api/v1/webhooks/{pk}", {"description": "changed"}), writes=True),
    Rule("api-webhook", "delete", API_ADMIN, _webhook("/api/v1/webhooks/{pk}"), writes=True),
    Rule("api-webhook-ping", "post", API_ADMIN, _webhook("/api/v1/webhooks/{pk}/ping", {}), writes=True),
    Rule("api-webhook-deliveries", "get", API_ADMIN, _webhook("/api/v1/webhooks/{pk}/deliveries")),
    Rule("api-webhook-redeliver", "post", API_ADMIN, _redeliver, writes=True),
    Rule("api-sources", "get", API_READ, _get("/api/v1/sources")),
    Rule(
        "api-sources",
        "post",
        API_ADMIN,
        lambda w: ("/api/v1/sources", {"name": "Matrix Ministry", "kind": "ministry"}, {}),
        writes=True,
    ),
    Rule("api-source", "get", API_READ, lambda w: (f"/api/v1/sources/{w.source.pk}", None, {})),
    Rule(
        "api-source",
        "patch",
        API_ADMIN,
        lambda w: (f"/api/v1/sources/{w.source.pk}", {"homepage": "https://ministry.example.org/"}, {}),
        writes=True,
    ),
    Rule(
        "api-intake",
        "post",
        API_REVIEW,
        lambda w: ("/api/v1/intake", {"text": "The mayor said on Monday that the bridge is closed."}, {}),
        writes=True,
    ),
    Rule("api-intake-batch", "get", API_REVIEW, _batch("/api/v1/intake/{pk}")),
    Rule("api-intake-confirm", "post", API_REVIEW, _proposal("confirm", api=True), writes=True),
    Rule("api-intake-drop", "post", API_REVIEW, _proposal("drop", api=True), writes=True),
    Rule(
        "api-claim-corrections", "get", API_REVIEW, lambda w: (f"/api/v1/claims/{w.shared().pk}/corrections", None, {})
    ),
    Rule("api-claim-corrections", "post", API_EDITOR, _propose_correction(api=True), writes=True),
    Rule("api-claim-correction-approve", "post", API_EDITOR, _correction_decision("approve", api=True), writes=True),
    Rule("api-claim-correction-reject", "post", API_EDITOR, _correction_decision("reject", api=True), writes=True),
    Rule(
        "api-claim-correction-withdraw",
        "post",
        API_EDITOR,
        _correction_decision("withdraw", api=True, own=True),
        writes=True,
    ),
    Rule("api-claim-comments", "get", API_REVIEW, lambda w: (f"/api/v1/claims/{w.shared().pk}/comments", None, {})),
    Rule(
        "api-claim-comments",
        "post",
        API_REVIEW,
        _claim_path("queued", "/comments", lambda c: {"body": "Matrix comment."}),
        writes=True,
    ),
    Rule("api-schema", "get", API_DOCS, _get("/api/schema/")),
    Rule("api-docs", "get", API_DOCS, _get("/api/docs/")),
    Rule("", "get", API_MISSING, _get("/api/v1/no-such-endpoint")),
    Rule("", "post", API_MISSING, lambda w: ("/api/v1/no-such-endpoint", {}, {})),
]

DESK_RULES = [
    Rule("desk-queue", "get", DESK, _get("/desk/")),
    Rule("desk-take-next", "post", DESK, _desk_take_next, writes=True),
    Rule("desk-bulk", "post", DESK_EDITOR, _bulk, writes=True),
    Rule("desk-claim-new", "get", DESK, _get("/desk/claims/new")),
    Rule("desk-claim-new", "post", DESK, _new_claim_form, writes=True),
    Rule("desk-claim", "get", DESK, lambda w: (f"/desk/claims/{w.shared().pk}/", None, {})),
    Rule("desk-claim-assess", "post", DESK, _desk_claim("leased", "assess", lambda w, c: _desk_assess(c)), writes=True),
    Rule(
        "desk-claim-signoff", "post", DESK_EDITOR, _desk_claim("assessed", "signoff", lambda w, c: _v(c)), writes=True
    ),
    Rule(
        "desk-claim-return",
        "post",
        DESK_EDITOR,
        _desk_claim("assessed", "return", lambda w, c: {**_v(c), "comment": "Cite the source."}),
        writes=True,
    ),
    Rule(
        "desk-claim-reopen",
        "post",
        DESK_EDITOR,
        _desk_claim("published", "reopen", lambda w, c: {**_v(c), "reason": "New footage."}),
        writes=True,
    ),
    Rule(
        "desk-claim-edit",
        "post",
        DESK_EDITOR,
        _desk_claim(
            "queued", "edit", lambda w, c: {**_v(c), "text": "Edited: the bridge was closed.", "priority": "60"}
        ),
        writes=True,
    ),
    Rule(
        "desk-claim-translate",
        "post",
        DESK_EDITOR,
        _desk_claim(
            "published",
            "translate",
            lambda w, c: {**_v(c), "language": "uk", "text": "Міст закрили.", "rationale": "Відео з 2019 року."},
        ),
        writes=True,
    ),
    Rule("desk-claim-live", "get", DESK, _desk_claim("leased", "live")),
    Rule(
        "desk-claim-comment",
        "post",
        DESK,
        _desk_claim("queued", "comments", lambda w, c: {"body": "Matrix comment."}),
        writes=True,
    ),
    Rule("desk-claim-comment-edit", "post", DESK, _own_comment, writes=True),
    Rule("desk-claim-checklist-tick", "post", DESK, _checklist_tick, writes=True),
    Rule("desk-claim-lease", "get", DESK, _desk_claim("leased", "lease")),
    Rule("desk-claim-extend", "post", DESK, _desk_claim("leased", "extend"), writes=True),
    Rule("desk-claim-release", "post", DESK, _desk_claim("leased", "release"), writes=True),
    Rule("desk-claim-assign", "post", DESK_EDITOR_SOFT, _assign, writes=True),
    Rule("desk-dashboard", "get", DESK, _get("/desk/dashboard")),
    Rule("desk-notifications", "get", DESK, _get("/desk/notifications")),
    Rule("desk-profile", "get", DESK, _get("/desk/profile")),
    Rule("desk-profile", "post", DESK, lambda w: ("/desk/profile", {"time_zone": "Europe/Kyiv"}, {}), writes=True),
    Rule("desk-notifications-read", "post", DESK, _mark_read, writes=True),
    Rule("desk-source-suggest", "get", DESK, _get("/desk/sources/suggest?q=Minis")),
    Rule("desk-evidence-panel", "get", DESK, _desk_claim("queued", "evidence")),
    Rule(
        "desk-evidence-add-url",
        "post",
        DESK,
        _desk_claim(
            "queued",
            "evidence/url",
            lambda w, c: {
                "url": "https://example.org/report",
                "kind": "article",
                "title": "Report",
                "stance": "context",
            },
        ),
        writes=True,
    ),
    Rule("desk-evidence-add-file", "post", DESK, _upload, writes=True, multipart=True),
    Rule(
        "desk-evidence-add-note",
        "post",
        DESK,
        _desk_claim(
            "queued",
            "evidence/note",
            lambda w, c: {"notes": "Called the ministry.", "kind": "testimony", "title": "Call", "stance": "refutes"},
        ),
        writes=True,
    ),
    Rule("desk-evidence-stance", "post", DESK, _evidence("stance", lambda w: {"stance": "supports"}), writes=True),
    Rule(
        "desk-evidence-credibility", "post", DESK, _evidence("credibility", lambda w: {"credibility": "2"}), writes=True
    ),
    Rule("desk-evidence-recapture", "post", DESK, _evidence("recapture")),
    Rule("desk-evidence-download", "get", DESK, _evidence("download", with_file=True), writes=True),
    Rule("desk-evidence-preview", "get", DESK, _previewed),
    Rule("desk-evidence-warc", "get", DESK, _archived("warc"), writes=True),  # the download is logged
    Rule("desk-evidence-archived-text", "get", DESK, _archived("text")),
    Rule("desk-evidence-keyframes", "get", DESK, _keyframed("")),
    Rule("desk-keyframe", "get", DESK, _keyframed("/0")),
    Rule("desk-keyframe-download", "get", DESK, _keyframed("/0/download")),
    Rule("desk-keyframe-attach", "post", DESK, _keyframed("/0/attach"), writes=True),
    Rule("desk-evidence-timestamp", "get", DESK, _timestamped),
    Rule(
        "desk-evidence-public-note",
        "post",
        DESK,
        _evidence("public-note", lambda w: {"public_note": "Shared by the ministry's press office."}),
        writes=True,
    ),
    Rule("desk-evidence-media-review", "post", DESK_EDITOR_SOFT, _media_review(api=False), writes=True),
    Rule("desk-intake", "get", DESK, _get("/desk/intake/")),
    Rule(
        "desk-intake",
        "post",
        DESK,
        lambda w: ("/desk/intake/", {"text": "The mayor said the bridge is closed."}, {}),
        writes=True,
    ),
    Rule("desk-intake-batches", "get", DESK, _get("/desk/intake/batches")),
    Rule("desk-intake-batch", "get", DESK, _batch("/desk/intake/{pk}/")),
    Rule("desk-intake-progress", "get", DESK, _batch("/desk/intake/{pk}/progress")),
    Rule("desk-intake-confirm", "post", DESK, _proposal("confirm", api=False), writes=True),
    Rule("desk-intake-drop", "post", DESK, _proposal("drop", api=False), writes=True),
    Rule("desk-claim-correct", "post", DESK_EDITOR, _propose_correction(api=False), writes=True),
    Rule("desk-claim-correction-approve", "post", DESK_EDITOR, _correction_decision("approve", api=False), writes=True),
    Rule("desk-claim-correction-reject", "post", DESK_EDITOR, _correction_decision("reject", api=False), writes=True),
    Rule(
        "desk-claim-correction-withdraw",
        "post",
        DESK_EDITOR,
        _correction_decision("withdraw", api=False, own=True),
        writes=True,
    ),
]

PUBLIC_RULES = [
    # 503 is an answer here (no worker in this test), not a failure: it says which check is down.
    Rule("healthz", "get", PUBLIC, _get("/healthz"), extra={"ok_statuses": (503,)}),
    Rule("home", "get", PUBLIC, _get("/")),
    Rule("favicon", "get", PUBLIC, _get("/favicon.ico")),
    Rule("public-claim", "get", PUBLIC, lambda w: (f"/claims/{w.shared().pk}/", None, {})),
    Rule("public-evidence-preview", "get", PUBLIC, lambda w: _previewed(w, "published", public=True)),
    Rule("source-page", "get", DESK, lambda w: (f"/sources/{w.source.pk}/", None, {})),
    Rule("login", "get", PUBLIC, _get("/accounts/login/")),
    Rule("login", "post", PUBLIC, lambda w: ("/accounts/login/", {"username": "nobody", "password": "wrong"}, {})),
    Rule("admin:index", "get", ADMIN_SITE, _get("/admin/")),
    Rule("logout", "post", LOGOUT, lambda w: ("/accounts/logout/", {}, {})),  # last: it ends the session
]

RULES = API + DESK_RULES + PUBLIC_RULES
