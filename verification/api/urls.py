"""Every /api/v1/ path. No trailing slashes, and no redirect to one."""

from django.urls import path

from verification.api import claims as claim_views
from verification.api import comments as comment_views
from verification.api import corrections as correction_views
from verification.api import evidence as evidence_views
from verification.api import exports as export_views
from verification.api import factcheck as factcheck_views
from verification.api import intake as intake_views
from verification.api import media_reviews as media_review_views
from verification.api import queue as queue_views
from verification.api import sources as source_views
from verification.api import status as status_views
from verification.api import webhooks as webhook_views

urlpatterns = [
    # Claims, status, queue actions, exports (API core).
    path("claims", claim_views.ClaimListView.as_view(), name="api-claims"),
    # Google Fact Check Tools' claims:search, answered from this desk (verification/api/factcheck.py).
    path("claims:search", factcheck_views.FactCheckSearchView.as_view(), name="api-claims-search"),
    path("claims/<int:pk>", claim_views.ClaimDetailView.as_view(), name="api-claim"),
    path("claims/<int:pk>/status", status_views.ClaimStatusView.as_view(), name="api-claim-status"),
    path("claims/<int:pk>/claimreview", claim_views.ClaimReviewView.as_view(), name="api-claim-claimreview"),
    path("claims/<int:pk>/release", queue_views.ReleaseView.as_view(), name="api-claim-release"),
    path("claims/<int:pk>/extend", queue_views.ExtendView.as_view(), name="api-claim-extend"),
    path("claims/<int:pk>/assess", queue_views.AssessView.as_view(), name="api-claim-assess"),
    path("claims/<int:pk>/signoff", queue_views.SignOffView.as_view(), name="api-claim-signoff"),
    path("claims/<int:pk>/return", queue_views.ReturnView.as_view(), name="api-claim-return"),
    path("claims/<int:pk>/reopen", queue_views.ReopenView.as_view(), name="api-claim-reopen"),
    path("queue/next", queue_views.QueueNextView.as_view(), name="api-queue-next"),
    # Corrections of a published claim's text (verification/api/corrections.py).
    path("claims/<int:pk>/corrections", correction_views.CorrectionListView.as_view(), name="api-claim-corrections"),
    path(
        "claims/<int:pk>/corrections/<int:cid>/approve",
        correction_views.ApproveView.as_view(),
        name="api-claim-correction-approve",
    ),
    path(
        "claims/<int:pk>/corrections/<int:cid>/reject",
        correction_views.RejectView.as_view(),
        name="api-claim-correction-reject",
    ),
    path(
        "claims/<int:pk>/corrections/<int:cid>/withdraw",
        correction_views.WithdrawView.as_view(),
        name="api-claim-correction-withdraw",
    ),
    # A claim's discussion, internal to the desk (verification/api/comments.py).
    path("claims/<int:pk>/comments", comment_views.CommentListView.as_view(), name="api-claim-comments"),
    path("status", status_views.StatusLookupView.as_view(), name="api-status"),
    path("status/bulk", status_views.StatusBulkView.as_view(), name="api-status-bulk"),
    path("export/claims.csv", export_views.ExportCsvView.as_view(), name="api-export-csv"),
    path("export/claims.json", export_views.ExportJsonView.as_view(), name="api-export-json"),
    # Webhooks (webhook endpoints).
    path("webhooks", webhook_views.EndpointListView.as_view(), name="api-webhooks"),
    path("webhooks/<int:pk>", webhook_views.EndpointDetailView.as_view(), name="api-webhook"),
    path("webhooks/<int:pk>/ping", webhook_views.EndpointPingView.as_view(), name="api-webhook-ping"),
    path("webhooks/<int:pk>/deliveries", webhook_views.EndpointDeliveriesView.as_view(), name="api-webhook-deliveries"),
    path("webhooks/deliveries/<int:pk>/redeliver", webhook_views.RedeliverView.as_view(), name="api-webhook-redeliver"),
    # Evidence (evidence intake).
    path("claims/<int:pk>/evidence", evidence_views.ClaimEvidenceView.as_view(), name="api-claim-evidence"),
    path(
        "evidence/<int:pk>/media-review", media_review_views.MediaReviewView.as_view(), name="api-evidence-media-review"
    ),
    path("evidence/<int:pk>/matches", evidence_views.EvidenceMatchesView.as_view(), name="api-evidence-matches"),
    # Sources (source records).
    path("sources", source_views.SourceListView.as_view(), name="api-sources"),
    path("sources/<int:pk>", source_views.SourceDetailView.as_view(), name="api-source"),
    # Intake: article to proposed claims (verification/api/intake.py).
    path("intake", intake_views.IntakeView.as_view(), name="api-intake"),
    path("intake/<int:pk>", intake_views.IntakeBatchView.as_view(), name="api-intake-batch"),
    path("intake/proposals/<int:pk>/confirm", intake_views.ConfirmView.as_view(), name="api-intake-confirm"),
    path("intake/proposals/<int:pk>/drop", intake_views.DropView.as_view(), name="api-intake-drop"),
]
