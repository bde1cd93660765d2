"""Admin for claims: text, metadata, attributions and appearances are edited
through verification.workflow.claims (so a published claim's are frozen here
too, with the same message), state only ever moves through
verification.workflow.transitions (so it is read-only here), and assessments,
corrections and events are history, shown and never changed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext, gettext_lazy

from verification.admin.base import Admin, AppendOnlyAdmin, AppendOnlyInline, TabularInline
from verification.admin.evidence import EvidenceInline
from verification.models import (
    Appearance,
    Assessment,
    Attribution,
    Claim,
    ClaimEvent,
    Correction,
    Tag,
    VerdictTranslation,
)
from verification.workflow.claims import (
    EDITABLE_FIELDS,
    FROZEN_FIELDS,
    ClaimInput,
    create_claim,
    edit_claim,
    edit_related,
    frozen,
    frozen_fields,
)
from verification.workflow.errors import Refused

# The rows that say who made a claim and where: frozen with the claim's text.
RELATED = {Attribution: "attributions", Appearance: "appearances"}
ADMIN_NOTE = "Edited in the admin."


def _published(claim) -> bool:
    return claim is not None and claim.pk is not None and claim.state == Claim.State.PUBLISHED


class FrozenWhenPublishedFormSet(BaseInlineFormSet):
    """Refuses any change to a published claim's attributions or appearances,
    as an error on the page: nothing of the whole form is saved."""

    def clean(self):
        super().clean()
        changed = any(form.has_changed() or self._should_delete_form(form) for form in self.forms)
        if changed and _published(self.instance):
            raise ValidationError(str(frozen(self.instance.pk, RELATED[self.model])))


def _formset_summary(formset) -> dict:
    """What an inline formset saved, for the claim's 'edited' event."""
    summary = {}
    if formset.new_objects:
        summary["added"] = [str(o) for o in formset.new_objects]
    if formset.changed_objects:
        summary["changed"] = {str(o): list(fields) for o, fields in formset.changed_objects}
    if formset.deleted_objects:
        summary["removed"] = [str(o) for o in formset.deleted_objects]
    return summary


class AttributionInline(TabularInline):
    model = Attribution
    formset = FrozenWhenPublishedFormSet
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
    formset = FrozenWhenPublishedFormSet
    fields = ["url", "outlet", "published_at", "title"]
    autocomplete_fields = ["outlet"]
    extra = 0


class AssessmentInline(AppendOnlyInline):
    model = Assessment
    fields = ["created_at", "reviewer", "verdict", "confidence", "credibility", "rationale"]
    verbose_name_plural = gettext_lazy("assessments (history)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


class CorrectionInline(AppendOnlyInline):
    """Proposed and decided on the desk or the API (verification.workflow.corrections), never here."""

    model = Correction
    fields = [
        "proposed_at",
        "proposed_by",
        "old_text",
        "new_text",
        "reason",
        "outcome",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    verbose_name_plural = gettext_lazy("corrections (history)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by", "decided_by")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("verification.view_claim")


class ClaimEventInline(AppendOnlyInline):
    model = ClaimEvent
    fields = ["created_at", "kind", "actor", "from_state", "to_state", "verdict", "confidence", "note", "version"]
    verbose_name_plural = gettext_lazy("history")

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
            raise ValidationError(gettext("A claim needs its statement: the text may not be empty."))
        return text

    def clean_priority(self):
        priority = self.cleaned_data.get("priority")
        if priority is not None and not 0 <= priority <= 100:
            raise ValidationError(gettext("Priority is a number from 0 (low) to 100 (urgent)."))
        return priority

    def clean(self):
        data = super().clean()
        expected = data.get("expected_version")
        if self.instance.pk and expected is not None and expected != self.instance.version:
            raise ValidationError(
                gettext(
                    "Someone changed this claim while you had it open (it is now at version "
                    "%(instance_version)s, you opened version %(expected)s). Reload the page and apply your "
                    "edit again."
                )
                % {"instance_version": self.instance.version, "expected": expected}
            )
        said = set(FROZEN_FIELDS) & set(self.changed_data)
        if said and _published(self.instance):
            raise ValidationError(str(frozen_fields(self.instance.pk, said)))
        return data


# Shown, never edited here: the review queue changes the workflow fields, the
# database the record fields.
WORKFLOW_FIELDS = [
    "state",
    "verdict",
    "confidence",
    "credibility",
    "published_assessment",
    "pending_assessment",
    "published_at",
    "first_published_at",
    "published_text",
    "corrected_at",
    "lease_owner",
    "lease_expires_at",
    "last_reviewer",
    "escalated_at",
]
RECORD_FIELDS = ["view_count", "version", "created_by", "created_at", "updated_at"]


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
    readonly_fields = [*WORKFLOW_FIELDS, *RECORD_FIELDS]
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
            {"fields": WORKFLOW_FIELDS},
        ),
        ("Record", {"fields": RECORD_FIELDS}),
    ]
    inlines = [AttributionInline, AppearanceInline, EvidenceInline, AssessmentInline, ClaimEventInline]

    def get_inlines(self, request, obj):
        # Only a claim that was ever published can have corrections; the
        # others' forms need no management form for an inline they cannot use.
        if obj is not None and obj.first_published_at is not None:
            return [*self.inlines, CorrectionInline]
        return self.inlines

    @admin.display(description=gettext_lazy("claim"))
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
                edit_claim(request.user, obj.pk, expected, changes, note=ADMIN_NOTE)
            except Refused as exc:  # stale, not allowed, or published meanwhile (the form checked before)
                self.message_user(request, str(exc), messages.ERROR)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        formset.actor = request.user  # evidence custody rows name who added or re-judged an item
        what = RELATED.get(formset.model)
        if what is None:
            return super().save_formset(request, form, formset, change)
        save = super().save_formset

        def write():
            save(request, form, formset, change)
            return _formset_summary(formset)

        try:
            edit_related(request.user, form.instance.pk, what, write, note=ADMIN_NOTE)
        except Refused as exc:  # published between the form's check and now: nothing was saved
            self.message_user(request, str(exc), messages.ERROR)


class ClaimRowForm(forms.ModelForm):
    """An attribution or appearance on its own admin page: refused on a published claim."""

    def clean(self):
        data = super().clean()
        claim = data.get("claim") or (self.instance.claim if self.instance.pk else None)
        if _published(claim):
            raise ValidationError(str(frozen(claim.pk, RELATED[self._meta.model])))
        return data


class ClaimRowAdmin(Admin):
    """Attributions and appearances edited on their own pages: frozen with a
    published claim, recorded in the claim's history, never moved to another claim."""

    form = ClaimRowForm

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(["claim"] if obj is not None else [])]

    def has_delete_permission(self, request, obj=None):
        return not _published(obj.claim if obj else None) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        verb = "changed" if change else "added"
        self._edit(request, obj, lambda: (obj.save(), {verb: [str(obj)]})[1])

    def delete_model(self, request, obj):
        label = str(obj)
        self._edit(request, obj, lambda: (obj.delete(), {"removed": [label]})[1])

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("claim"):
            self.delete_model(request, obj)

    def _edit(self, request, obj, write):
        try:
            edit_related(request.user, obj.claim_id, RELATED[self.model], write, note=ADMIN_NOTE)
        except Refused as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(Attribution)
class AttributionAdmin(ClaimRowAdmin):
    list_display = ["claim", "source", "role", "appeared_in", "appeared_at"]
    list_select_related = ["claim", "source", "appeared_in"]
    list_filter = ["role"]
    search_fields = ["source__name", "claim__text", "quote"]
    autocomplete_fields = ["claim", "source", "appeared_in"]
    raw_id_fields = ["relays"]


@admin.register(Appearance)
class AppearanceAdmin(ClaimRowAdmin):
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


@admin.register(Correction)
class CorrectionAdmin(AppendOnlyAdmin):
    """Proposed and decided on the desk or the API (verification.workflow.corrections), never here."""

    list_display = ["proposed_at", "claim", "outcome", "proposed_by", "decided_by", "decided_at"]
    list_select_related = ["claim", "proposed_by", "decided_by"]
    list_filter = ["outcome"]
    search_fields = ["claim__text", "old_text", "new_text", "reason"]

    def has_view_permission(self, request, obj=None):
        # Whoever may see claims may see their corrections (the roles need no new permission).
        return request.user.has_perm("verification.view_claim")


@admin.register(VerdictTranslation)
class VerdictTranslationAdmin(AppendOnlyAdmin):
    """Written by editors on the claim page (verification.workflow.translations), never here."""

    list_display = ["claim", "language", "translated_by", "updated_at"]
    list_select_related = ["claim", "translated_by"]
    list_filter = ["language"]
    search_fields = ["claim__text", "text", "rationale"]

    def has_view_permission(self, request, obj=None):
        # Whoever may see claims may see their translations, as with corrections.
        return request.user.has_perm("verification.view_claim")
