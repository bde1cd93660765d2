from django.urls import path
from django.views.generic import RedirectView

from verification import evidence_views, pages_intake
from verification import (
    pages_claim, pages_dashboard, pages_lease, pages_notifications, pages_queue, pages_submit, public,
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk-queue"), name="home"),
    path("claims/<int:pk>/", public.public_claim, name="public-claim"),
    path("desk/", pages_queue.queue, name="desk-queue"),
    path("desk/take-next", pages_queue.take_next, name="desk-take-next"),
    path("desk/bulk", pages_queue.bulk, name="desk-bulk"),
    path("desk/claims/new", pages_submit.new_claim, name="desk-claim-new"),
    path("desk/claims/<int:pk>/", pages_claim.claim_page, name="desk-claim"),
    path("desk/claims/<int:pk>/assess", pages_claim.assess, name="desk-claim-assess"),
    path("desk/claims/<int:pk>/signoff", pages_claim.sign_off, name="desk-claim-signoff"),
    path("desk/claims/<int:pk>/return", pages_claim.return_for_changes, name="desk-claim-return"),
    path("desk/claims/<int:pk>/reopen", pages_claim.reopen, name="desk-claim-reopen"),
    path("desk/claims/<int:pk>/edit", pages_claim.edit, name="desk-claim-edit"),
    path("desk/claims/<int:pk>/lease", pages_lease.lease_panel, name="desk-claim-lease"),
    path("desk/claims/<int:pk>/extend", pages_lease.extend, name="desk-claim-extend"),
    path("desk/claims/<int:pk>/release", pages_lease.release, name="desk-claim-release"),
    path("desk/claims/<int:pk>/assign", pages_lease.assign, name="desk-claim-assign"),
    path("desk/dashboard", pages_dashboard.dashboard, name="desk-dashboard"),
    path("desk/notifications", pages_notifications.notifications, name="desk-notifications"),
    path("desk/notifications/read", pages_notifications.mark_read, name="desk-notifications-read"),
    path("desk/sources/suggest", pages_submit.source_suggestions, name="desk-source-suggest"),
    # Evidence panel (verification/evidence_views.py).
    path("desk/claims/<int:pk>/evidence", evidence_views.panel, name="desk-evidence-panel"),
    path("desk/claims/<int:pk>/evidence/url", evidence_views.add_url, name="desk-evidence-add-url"),
    path("desk/claims/<int:pk>/evidence/file", evidence_views.add_file, name="desk-evidence-add-file"),
    path("desk/claims/<int:pk>/evidence/note", evidence_views.add_note, name="desk-evidence-add-note"),
    path("desk/evidence/<int:pk>/stance", evidence_views.change_stance, name="desk-evidence-stance"),
    path("desk/evidence/<int:pk>/credibility", evidence_views.change_credibility, name="desk-evidence-credibility"),
    path("desk/evidence/<int:pk>/recapture", evidence_views.recapture, name="desk-evidence-recapture"),
    path("desk/evidence/<int:pk>/download", evidence_views.download, name="desk-evidence-download"),
    # Intake: article to proposed claims (verification/pages_intake.py).
    path("desk/intake/", pages_intake.intake_page, name="desk-intake"),
    path("desk/intake/batches", pages_intake.batch_list, name="desk-intake-batches"),
    path("desk/intake/<int:pk>/", pages_intake.batch_page, name="desk-intake-batch"),
    path("desk/intake/<int:pk>/progress", pages_intake.batch_progress, name="desk-intake-progress"),
    path("desk/intake/proposals/<int:pk>/confirm", pages_intake.confirm, name="desk-intake-confirm"),
    path("desk/intake/proposals/<int:pk>/drop", pages_intake.drop, name="desk-intake-drop"),
]
