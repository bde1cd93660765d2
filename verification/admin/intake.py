"""Admin for derived and worker-written records: article intake, reviewer
calibration and the suggestion's fitted models. Read-only: proposals are decided
on the intake page (through verification.workflow.claims), calibration and the
suggestion's model are recomputed by tasks."""

from django.contrib import admin

from verification.admin.base import AppendOnlyAdmin, AppendOnlyInline
from verification.models import CalibrationSnapshot, IntakeBatch, Proposal, SuggestionModel


class ProposalInline(AppendOnlyInline):
    model = Proposal
    fields = ["position", "text", "is_opinion", "decision", "claim", "decided_by", "decided_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "decided_by")


@admin.register(IntakeBatch)
class IntakeBatchAdmin(AppendOnlyAdmin):
    list_display = ["id", "title", "url", "status", "progress_done", "progress_total", "created_by", "created_at"]
    list_select_related = ["created_by"]
    list_filter = ["status"]
    search_fields = ["title", "url"]
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(AppendOnlyAdmin):
    list_display = ["text", "batch", "position", "is_opinion", "decision", "claim", "decided_by"]
    list_select_related = ["batch", "claim", "decided_by"]
    list_filter = ["decision", "is_opinion"]
    search_fields = ["text"]


@admin.register(CalibrationSnapshot)
class CalibrationSnapshotAdmin(AppendOnlyAdmin):
    list_display = ["reviewer", "count", "confirmed", "brier", "ece", "computed_at"]
    list_select_related = ["reviewer"]
    search_fields = ["reviewer__username"]


@admin.register(SuggestionModel)
class SuggestionModelAdmin(AppendOnlyAdmin):
    """The fits behind the suggested credibility (verification.credibility.fitting): the newest is in use."""

    list_display = ["fitted_at", "verdicts", "through_event"]
    fields = ["fitted_at", "verdicts", "through_event", "held_out", "parameters"]
