"""Every HTML page of the desk and the public verdict page (the API has verification/api/urls.py)."""

from django.urls import path
from django.views.generic import RedirectView

from verification.desk import (
    archives,
    claim,
    collaboration,
    dashboard,
    evidence,
    intake,
    keyframes,
    lease,
    live,
    notifications,
    profile,
    public,
    queue,
    sources,
    submit,
    timestamps,
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk-queue"), name="home"),
    path("claims/<int:pk>/", public.public_claim, name="public-claim"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/preview", public.evidence_preview, name="public-evidence-preview"),
    path("desk/", queue.queue, name="desk-queue"),
    path("desk/take-next", queue.take_next, name="desk-take-next"),
    path("desk/bulk", queue.bulk, name="desk-bulk"),
    path("desk/claims/new", submit.new_claim, name="desk-claim-new"),
    path("desk/claims/<int:pk>/", claim.claim_page, name="desk-claim"),
    path("desk/claims/<int:pk>/assess", claim.assess, name="desk-claim-assess"),
    path("desk/claims/<int:pk>/signoff", claim.sign_off, name="desk-claim-signoff"),
    path("desk/claims/<int:pk>/return", claim.return_for_changes, name="desk-claim-return"),
    path("desk/claims/<int:pk>/reopen", claim.reopen, name="desk-claim-reopen"),
    path("desk/claims/<int:pk>/edit", claim.edit, name="desk-claim-edit"),
    path("desk/claims/<int:pk>/translate", claim.translate, name="desk-claim-translate"),
    path("desk/claims/<int:pk>/corrections", claim.propose_correction, name="desk-claim-correct"),
    path(
        "desk/claims/<int:pk>/corrections/<int:cid>/approve",
        claim.approve_correction,
        name="desk-claim-correction-approve",
    ),
    path(
        "desk/claims/<int:pk>/corrections/<int:cid>/reject",
        claim.reject_correction,
        name="desk-claim-correction-reject",
    ),
    path(
        "desk/claims/<int:pk>/corrections/<int:cid>/withdraw",
        claim.withdraw_correction,
        name="desk-claim-correction-withdraw",
    ),
    # Discussion and checklist (verification/desk/collaboration.py).
    path("desk/claims/<int:pk>/comments", collaboration.post_comment, name="desk-claim-comment"),
    path("desk/claims/<int:pk>/comments/<int:cid>/edit", collaboration.edit_comment, name="desk-claim-comment-edit"),
    path("desk/claims/<int:pk>/checklist/<int:item_id>", collaboration.tick_item, name="desk-claim-checklist-tick"),
    # The claim page's live status, polled (verification/desk/live.py, docs/live_pages.md).
    path("desk/claims/<int:pk>/live", live.live_status, name="desk-claim-live"),
    path("desk/claims/<int:pk>/lease", lease.lease_panel, name="desk-claim-lease"),
    path("desk/claims/<int:pk>/extend", lease.extend, name="desk-claim-extend"),
    path("desk/claims/<int:pk>/release", lease.release, name="desk-claim-release"),
    path("desk/claims/<int:pk>/assign", lease.assign, name="desk-claim-assign"),
    path("desk/dashboard", dashboard.dashboard, name="desk-dashboard"),
    path("desk/notifications", notifications.notifications, name="desk-notifications"),
    path("desk/profile", profile.profile, name="desk-profile"),
    path("desk/notifications/read", notifications.mark_read, name="desk-notifications-read"),
    path("sources/<int:pk>/", sources.source_page, name="source-page"),
    path("desk/sources/suggest", submit.source_suggestions, name="desk-source-suggest"),
    # Evidence panel (verification/desk/evidence.py).
    path("desk/claims/<int:pk>/evidence", evidence.panel, name="desk-evidence-panel"),
    path("desk/claims/<int:pk>/evidence/url", evidence.add_url, name="desk-evidence-add-url"),
    path("desk/claims/<int:pk>/evidence/file", evidence.add_file, name="desk-evidence-add-file"),
    path("desk/claims/<int:pk>/evidence/note", evidence.add_note, name="desk-evidence-add-note"),
    path("desk/evidence/<int:pk>/stance", evidence.change_stance, name="desk-evidence-stance"),
    path("desk/evidence/<int:pk>/credibility", evidence.change_credibility, name="desk-evidence-credibility"),
    path("desk/evidence/<int:pk>/recapture", evidence.recapture, name="desk-evidence-recapture"),
    path("desk/evidence/<int:pk>/download", evidence.download, name="desk-evidence-download"),
    path("desk/evidence/<int:pk>/preview", evidence.preview, name="desk-evidence-preview"),
    # A video's keyframes (verification/desk/keyframes.py; attaching one is a write in desk/evidence.py).
    path("desk/evidence/<int:pk>/keyframes", keyframes.strip, name="desk-evidence-keyframes"),
    path("desk/evidence/<int:pk>/keyframes/<int:index>", keyframes.picture, name="desk-keyframe"),
    path("desk/evidence/<int:pk>/keyframes/<int:index>/download", keyframes.download, name="desk-keyframe-download"),
    path("desk/evidence/<int:pk>/keyframes/<int:index>/attach", evidence.attach_frame, name="desk-keyframe-attach"),
    # A capture's web archive (verification/desk/archives.py).
    path("desk/evidence/<int:pk>/snapshots/<int:snapshot_pk>/warc", archives.download_warc, name="desk-evidence-warc"),
    path(
        "desk/evidence/<int:pk>/snapshots/<int:snapshot_pk>/text",
        archives.archived_text,
        name="desk-evidence-archived-text",
    ),
    # An item's RFC 3161 timestamp token (verification/desk/timestamps.py).
    path(
        "desk/evidence/<int:pk>/timestamps/<int:timestamp_pk>.tsr",
        timestamps.download_token,
        name="desk-evidence-timestamp",
    ),
    path("desk/evidence/<int:pk>/public-note", evidence.change_public_note, name="desk-evidence-public-note"),
    path("desk/evidence/<int:pk>/media-review", evidence.rate_media, name="desk-evidence-media-review"),
    # Intake: article to proposed claims (verification/desk/intake.py).
    path("desk/intake/", intake.intake_page, name="desk-intake"),
    path("desk/intake/batches", intake.batch_list, name="desk-intake-batches"),
    path("desk/intake/<int:pk>/", intake.batch_page, name="desk-intake-batch"),
    path("desk/intake/<int:pk>/progress", intake.batch_progress, name="desk-intake-progress"),
    path("desk/intake/proposals/<int:pk>/confirm", intake.confirm, name="desk-intake-confirm"),
    path("desk/intake/proposals/<int:pk>/drop", intake.drop, name="desk-intake-drop"),
]
