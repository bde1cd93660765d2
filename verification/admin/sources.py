"""Admin for the people who manage source records.

Grades are added through ``grade_source`` (an "add grade" form under the
read-only history), merges through ``merge_sources``; neither is ever a
plain model save. CSV import and export live on the source list.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from sources.actions import grade_source
from sources.admiralty import RELIABILITY_MEANING, reliability_help
from sources.csv_io import CsvImportError, export_sources, import_sources
from sources.models import (
    Conflict,
    ConflictParty,
    Reliability,
    Source,
    SourceAlias,
    SourceEvent,
    SourceGrade,
    SourceRelation,
    TrackRecord,
)
from sources.text import normalise_name
from verification.admin.base import Admin, AppendOnlyAdmin, AppendOnlyInline, StackedInline, TabularInline
from verification.workflow.source_merge import merge_sources

# --- Filters ----------------------------------------------------------------


class ConflictPartyFilter(admin.SimpleListFilter):
    title = gettext_lazy("party to conflict")
    parameter_name = "party"

    def lookups(self, request, model_admin):
        sides = (
            ConflictParty.objects.values_list("conflict_id", "conflict__name", "side")
            .distinct()
            .order_by("conflict__name", "side")
        )
        return [("none", gettext("Not a party to any conflict"))] + [
            (f"{cid}:{side}", f"{name} — {side}") for cid, name, side in sides
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(conflict_parties__isnull=True)
        if value and ":" in value:
            conflict_id, side = value.split(":", 1)
            if conflict_id.isdigit():
                return queryset.filter(conflict_parties__conflict_id=int(conflict_id), conflict_parties__side=side)
        return queryset


class GradeFilter(admin.SimpleListFilter):
    title = gettext_lazy("reliability grade")
    parameter_name = "grade"

    def lookups(self, request, model_admin):
        return [*Reliability.choices, ("none", gettext("Not graded yet"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(reliability="")
        if self.value() in Reliability.values:
            return queryset.filter(reliability=self.value())
        return queryset


class LiveFilter(admin.SimpleListFilter):
    title = gettext_lazy("record")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        return [("live", gettext("Live records")), ("merged", gettext("Merged into another"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(merged_into__isnull=True)
        if self.value() == "merged":
            return queryset.filter(merged_into__isnull=False)
        return queryset


# --- Inlines ----------------------------------------------------------------


class AliasInline(TabularInline):
    model = SourceAlias
    fields = ["name", "language", "normalised"]
    readonly_fields = ["normalised"]
    extra = 1


class ConflictPartyInline(TabularInline):
    model = ConflictParty
    fields = ["conflict", "side"]
    autocomplete_fields = ["conflict"]
    extra = 0


class GradeHistoryInline(AppendOnlyInline):
    model = SourceGrade
    fields = ["graded_at", "grade", "rationale", "graded_by"]
    verbose_name = gettext_lazy("grade")
    verbose_name_plural = gettext_lazy("grade history (newest first; grades are never edited, add a new one below)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("graded_by").order_by("-graded_at", "-id")


class AddGradeForm(forms.ModelForm):
    # Blank by default, so saving other changes to the source never adds a grade by accident.
    grade = forms.ChoiceField(
        choices=[("", gettext_lazy("— keep the current grade —")), *Reliability.choices],
        required=False,
        help_text=reliability_help(),
        label=gettext_lazy("Grade"),
    )

    class Meta:
        model = SourceGrade
        fields = ["grade", "rationale"]
        help_texts = {
            "rationale": "Why this grade: what the source got right or wrong, and where. The next grader reads this."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rationale"].required = False

    def clean(self):
        data = super().clean()
        if data.get("grade") and not (data.get("rationale") or "").strip():
            self.add_error("rationale", gettext("Say why: a grade needs its rationale."))
        if not data.get("grade") and (data.get("rationale") or "").strip():
            self.add_error("grade", gettext("Choose the grade this rationale is for."))
        source = self.instance.source if self.instance.source_id else None
        if source is not None and source.merged_into_id:
            raise ValidationError(
                gettext("This record was merged into record %(source_merged_into_id)s; grade that one.")
                % {"source_merged_into_id": source.merged_into_id}
            )
        return data


class AddGradeInline(StackedInline):
    """An empty form only: saving it calls grade_source (see SourceAdmin.save_formset)."""

    model = SourceGrade
    form = AddGradeForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = gettext_lazy("add a grade")
    verbose_name_plural = gettext_lazy("add a grade")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("sources.grade_source") and not (obj and obj.merged_into_id)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


# --- Sources ----------------------------------------------------------------


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label=gettext_lazy("Record to keep"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Why these are duplicates")
    )

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(s.pk, f"{s.name} ({s.country or 'no country'}, id {s.pk})") for s in sources]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: name, kind, parent, country, homepage, aliases, conflict, side, reliability, notes. UTF-8."
        ),
    )


@admin.register(Source)
class SourceAdmin(Admin):
    list_display = ["name", "kind", "country", "parent", "reliability", "record_status", "updated_at"]
    list_select_related = ["parent", "merged_into"]
    list_filter = ["kind", "country", ConflictPartyFilter, GradeFilter, LiveFilter]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["reliability_meaning", "merged_into", "created_at", "updated_at"]
    fields = [
        "name",
        "kind",
        "parent",
        "country",
        "homepage",
        "notes",
        "reliability_meaning",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    inlines = [AliasInline, ConflictPartyInline, GradeHistoryInline, AddGradeInline]
    actions = ["merge_selected", "export_selected"]

    @admin.display(description=gettext_lazy("current grade"))
    def reliability_meaning(self, obj):
        if not obj.reliability:
            return gettext("Not graded yet: add a grade below.")
        return f"{obj.reliability} – {RELIABILITY_MEANING[obj.reliability]}"

    @admin.display(description=gettext_lazy("record"))
    def record_status(self, obj):
        if obj.merged_into_id:
            return gettext("merged into %(record)s") % {"record": obj.merged_into}
        return gettext("live")

    def get_search_results(self, request, queryset, search_term):
        """Also match the normalised spelling, so 'Budanov' finds 'Буданов'."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if normalise_name(search_term):
            results |= queryset.filter(pk__in=Source.objects.named(search_term).values("pk"))
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        kind = SourceEvent.Kind.EDITED if change else SourceEvent.Kind.CREATED
        SourceEvent.objects.create(source=obj, kind=kind, actor=request.user, data={"fields": form.changed_data})

    def save_formset(self, request, form, formset, change):
        if formset.model is not SourceGrade:
            return super().save_formset(request, form, formset, change)
        # Grades are never saved as plain rows; the admin's change log still
        # expects these lists on every formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for grade_form in formset.forms:
            if grade_form.has_changed() and grade_form.cleaned_data.get("grade"):
                row, created = grade_source(
                    request.user,
                    form.instance.pk,
                    grade_form.cleaned_data["grade"],
                    grade_form.cleaned_data["rationale"],
                )
                if created:
                    formset.new_objects.append(row)
                else:
                    self.message_user(
                        request,
                        gettext("That grade and rationale are already the latest; nothing added."),
                        messages.INFO,
                    )

    # --- merge ---------------------------------------------------------------

    def has_merge_permission(self, request):
        return request.user.has_perm("sources.merge_source")

    @admin.action(description=gettext_lazy("Merge selected duplicates…"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        sources = list(
            queryset.filter(merged_into__isnull=True)
            .select_related("parent")
            .annotate(
                n_attributions=Count("attributions", distinct=True),
                n_aliases=Count("aliases", distinct=True),
                n_grades=Count("grades", distinct=True),
                n_children=Count("children", distinct=True),
            )
            .order_by("pk")
        )
        if len(sources) < 2:
            self.message_user(request, gettext("Select at least two live records to merge."), messages.WARNING)
            return None
        form = MergeForm(
            request.POST if request.POST.get("confirm") else None,
            sources=sources,
            initial={"keep": max(sources, key=lambda s: (s.n_attributions, -s.pk)).pk},
        )
        if form.is_bound and form.is_valid():
            try:
                keep, counts = merge_sources(
                    request.user, form.cleaned_data["keep"], [s.pk for s in sources], form.cleaned_data["note"]
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            moved = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items() if n)
            merged = len(sources) - 1
            self.message_user(
                request,
                ngettext(
                    "Merged %(count)d record into %(keep)s; moved %(moved)s.",
                    "Merged %(count)d records into %(keep)s; moved %(moved)s.",
                    merged,
                )
                % {"count": merged, "keep": keep, "moved": moved or gettext("nothing else")},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate sources",
            "opts": self.model._meta,
            "sources": sources,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sources/source/merge_confirm.html", context)

    # --- CSV -----------------------------------------------------------------

    @admin.action(description=gettext_lazy("Export selected as CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return _csv_response(export_sources(queryset))

    def get_urls(self):
        own = [
            path("import-csv/", self.admin_site.admin_view(self.import_csv_view), name="sources_source_import_csv"),
            path("export-csv/", self.admin_site.admin_view(self.export_csv_view), name="sources_source_export_csv"),
        ]
        return own + super().get_urls()

    def export_csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _csv_response(export_sources())

    def import_csv_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_sources(request.user, upload.read(), filename=upload.name)
            except CsvImportError as exc:
                errors = exc.errors
            else:
                self.message_user(
                    request,
                    gettext(
                        "Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                        "%(graded)d graded."
                    )
                    % {
                        "file": upload.name,
                        "created": len(result.created),
                        "updated": len(result.updated),
                        "unchanged": result.unchanged,
                        "graded": result.graded,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:sources_source_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import sources from CSV"),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/sources/source/import_csv.html", context, status=400 if errors else 200)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "import_url": reverse("admin:sources_source_import_csv"),
            "export_url": reverse("admin:sources_source_export_csv"),
            "can_import": self.has_add_permission(request) and self.has_change_permission(request),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})


def _csv_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sources-{stamp}.csv"'
    return response


# --- The rest of the source graph ---------------------------------------------


@admin.register(Conflict)
class ConflictAdmin(Admin):
    list_display = ["name", "party_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_parties=Count("parties"))

    @admin.display(description=gettext_lazy("parties"), ordering="n_parties")
    def party_count(self, obj):
        return obj.n_parties


@admin.register(SourceAlias)
class SourceAliasAdmin(Admin):
    list_display = ["name", "normalised", "source"]
    list_select_related = ["source"]
    search_fields = ["name", "normalised", "source__name"]
    autocomplete_fields = ["source"]
    readonly_fields = ["normalised"]


@admin.register(ConflictParty)
class ConflictPartyAdmin(Admin):
    list_display = ["source", "conflict", "side"]
    list_select_related = ["source", "conflict"]
    list_filter = ["conflict", "side"]
    search_fields = ["source__name", "conflict__name", "side"]
    autocomplete_fields = ["source", "conflict"]


@admin.register(SourceRelation)
class SourceRelationAdmin(Admin):
    list_display = ["from_source", "kind", "to_source"]
    list_select_related = ["from_source", "to_source"]
    list_filter = ["kind"]
    search_fields = ["from_source__name", "to_source__name"]
    autocomplete_fields = ["from_source", "to_source"]


@admin.register(SourceGrade)
class SourceGradeAdmin(AppendOnlyAdmin):
    """Grades are added on the source's page (through grade_source), never here."""

    list_display = ["source", "grade", "graded_by", "graded_at"]
    list_select_related = ["source", "graded_by"]
    list_filter = ["grade"]
    search_fields = ["source__name", "rationale"]


@admin.register(SourceEvent)
class SourceEventAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "source", "kind", "actor", "note"]
    list_select_related = ["source", "actor"]
    list_filter = ["kind"]
    search_fields = ["source__name", "note"]


@admin.register(TrackRecord)
class TrackRecordAdmin(AppendOnlyAdmin):
    """Derived data, recomputed by a task; shown for checking, not edited."""

    list_display = ["source", "mean", "interval_low", "interval_high", "count", "computed_at"]
    list_select_related = ["source"]
    search_fields = ["source__name"]
