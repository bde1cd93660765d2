"""Admin for claims: text and metadata are edited through verification.workflow.claims,
state only ever moves through verification.workflow.transitions (so it is read-only
here), and assessments and events are history, shown and never changed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from verification.admin.base import Admin, AppendOnlyAdmin, AppendOnlyInline, TabularInline
from verification.admin.evidence import EvidenceInline
from verification.models import Appearance, Assessment, Attribution, Claim, ClaimEvent, Tag
from verification.workflow.claims import EDITABLE_FIELDS, ClaimInput, create_claim, edit_claim
from verification.workflow.errors import NotAllowed, StaleVersion


class AttributionInline(TabularInline):
    model = Attribution
    fields = ["source", "role", "quote", "relays", "appeared_in", "appeared_url", "appeared_at"]
    autocomplete_fields = ["source", "appeared_in"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "appeared_in", "relays__source")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A relayed attribution can only point at another attribution of the same claim.
        relays = formset.form.base_fields["relays"]
        relays.queryset = (
            Attribution.objects.filter(claim=obj).select_related("source") if obj else Attribution.objects.none()
        )
        return formset


class AppearanceInline(TabularInline):
    model = Appearance
    fields = ["url", "outlet", "published_at", "title"]
    autocomplete_fields = ["outlet"]
    extra = 0


class AssessmentInline(AppendOnlyInline):
    model = Assessment
    fields = ["created_at", "reviewer", "verdict", "confidence", "credibility", "rationale"]
    verbose_name_plural = "assessments (history)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


class ClaimEventInline(AppendOnlyInline):
    model = ClaimEvent
    fields = ["created_at", "kind", "actor", "from_state", "to_state", "verdict", "confidence", "note", "version"]
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ClaimAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = ["text", "language", "first_made_at", "tags", "priority", "reach", "due_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean_text(self):
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise ValidationError("A claim needs its statement: the text may not be empty.")
        return text

    def clean_priority(self):
        priority = self.cleaned_data.get("priority")
        if priority is not None and not 0 <= priority <= 100:
            raise ValidationError("Priority is a number from 0 (low) to 100 (urgent).")
        return priority

    def clean(self):
        data = super().clean()
        expected = data.get("expected_version")
        if self.instance.pk and expected is not None and expected != self.instance.version:
            raise ValidationError(
                f"Someone changed this claim while you had it open (it is now at version {self.instance.version}, "
                f"you opened version {expected}). Reload the page and apply your edit again."
            )
        return data


@admin.register(Claim)
class ClaimAdmin(Admin):
    form = ClaimAdminForm
    list_display = ["id", "short_text", "state", "verdict", "confidence", "priority", "due_at", "lease_owner"]
    list_display_links = ["id", "short_text"]
    list_select_related = ["lease_owner"]
    list_filter = ["state", "verdict", "language", "tags"]
    search_fields = ["text", "attributions__source__name"]
    autocomplete_fields = ["tags"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "state",
        "verdict",
        "confidence",
        "credibility",
        "published_assessment",
        "pending_assessment",
        "published_at",
        "first_published_at",
        "lease_owner",
        "lease_expires_at",
        "last_reviewer",
        "escalated_at",
        "view_count",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "text",
                    "language",
                    "first_made_at",
                    "tags",
                    "priority",
                    "reach",
                    "due_at",
                    "expected_version",
                ]
            },
        ),
        (
            "Workflow (changed only by the review queue)",
            {
                "fields": [
                    "state",
                    "verdict",
                    "confidence",
                    "credibility",
                    "published_assessment",
                    "pending_assessment",
                    "published_at",
                    "first_published_at",
                    "lease_owner",
                    "lease_expires_at",
                    "last_reviewer",
                    "escalated_at",
                ]
            },
        ),
        ("Record", {"fields": ["view_count", "version", "created_by", "created_at", "updated_at"]}),
    ]
    inlines = [AttributionInline, AppearanceInline, EvidenceInline, AssessmentInline, ClaimEventInline]

    @admin.display(description="claim")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    def save_model(self, request, obj, form, change):
        """New claims go through create_claim, edits through edit_claim (version check, event row)."""
        data = form.cleaned_data
        if not change:
            claim = create_claim(
                request.user,
                ClaimInput(
                    text=data["text"],
                    language=data["language"],
                    first_made_at=data["first_made_at"],
                    priority=data["priority"],
                    reach=data["reach"],
                    due_at=data["due_at"],
                ),
            )
            obj.pk = claim.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return
        changes = {name: data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        if changes:
            expected = data.get("expected_version") or obj.version
            try:
                edit_claim(request.user, obj.pk, expected, changes, note="Edited in the admin.")
            except (StaleVersion, NotAllowed) as exc:
                self.message_user(request, str(exc), messages.ERROR)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        formset.actor = request.user  # evidence custody rows name who added or re-judged an item
        super().save_formset(request, form, formset, change)


@admin.register(Attribution)
class AttributionAdmin(Admin):
    list_display = ["claim", "source", "role", "appeared_in", "appeared_at"]
    list_select_related = ["claim", "source", "appeared_in"]
    list_filter = ["role"]
    search_fields = ["source__name", "claim__text", "quote"]
    autocomplete_fields = ["claim", "source", "appeared_in"]
    raw_id_fields = ["relays"]


@admin.register(Appearance)
class AppearanceAdmin(Admin):
    list_display = ["url", "outlet", "published_at", "claim"]
    list_select_related = ["outlet", "claim"]
    search_fields = ["url", "title", "claim__text"]
    autocomplete_fields = ["claim", "outlet"]
    readonly_fields = ["normalised_url"]


@admin.register(Tag)
class TagAdmin(Admin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Assessment)
class AssessmentAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "claim", "reviewer", "verdict", "confidence", "credibility"]
    list_select_related = ["claim", "reviewer"]
    list_filter = ["verdict"]
    search_fields = ["claim__text", "rationale"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "claim", "kind", "actor", "from_state", "to_state", "version"]
    list_select_related = ["claim", "actor"]
    list_filter = ["kind"]
    search_fields = ["claim__text", "note"]
