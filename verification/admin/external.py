"""Admin for other fact-checkers' verdicts: external reviews and their import runs.

Both are read-only here: reviews change only through an import
(verification.workflow.external_reviews), which the "Import ClaimReview" page
on the review list runs from an uploaded file or a URL, as the
import_claimreview command does.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from sources.errors import Refused
from verification.admin.base import AppendOnlyAdmin
from verification.intake.claimreview_import import URL_MAX_BYTES, parse, read_url
from verification.matching import search_form
from verification.models import ExternalReview, ExternalReviewImport
from verification.workflow.external_reviews import PERMISSION, ImportRefused, import_reviews


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text=gettext_lazy(
            "A JSON-LD file (a ClaimReview, a list of them, an @graph), a schema.org DataFeed, or a "
            "saved HTML page. UTF-8."
        ),
        label=gettext_lazy("File"),
    )
    url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        label=gettext_lazy("or URL"),
        help_text=gettext_lazy(
            "A fact-check page or a feed on the public web; addresses inside our network are refused."
        ),
    )
    dry_run = forms.BooleanField(
        required=False,
        label=gettext_lazy("Check only"),
        help_text=gettext_lazy("Report what would change; write nothing."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(gettext("Give either a file or a URL, not both."))
        upload = data.get("file")
        if upload and upload.size > URL_MAX_BYTES:
            self.add_error(
                "file",
                gettext("The file is over %(value)s MB; use the command instead.")
                % {"value": URL_MAX_BYTES // (1024 * 1024)},
            )
        return data


@admin.register(ExternalReview)
class ExternalReviewAdmin(AppendOnlyAdmin):
    list_display = ["claim", "publisher_name", "textual_rating", "review_date", "language", "review_link"]
    list_filter = ["publisher_name", "textual_rating", "language"]
    search_fields = ["claim_reviewed", "publisher_name", "publisher_site"]
    fields = [
        "claim_reviewed",
        "claimant",
        "claim_date",
        "publisher_name",
        "publisher_site",
        "review_link",
        "title",
        "review_date",
        "textual_rating",
        "rating_value",
        "rating_best",
        "rating_worst",
        "language",
        "licence",
        "imported_at",
        "imported_by",
        "import_run",
        "record",
    ]
    readonly_fields = ["review_link", "record"]

    @admin.display(description=gettext_lazy("claim reviewed"), ordering="claim_reviewed")
    def claim(self, obj):
        return obj.claim_reviewed[:120]

    @admin.display(description=gettext_lazy("review"))
    def review_link(self, obj):
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url)

    @admin.display(description=gettext_lazy("record as read"))
    def record(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.raw, indent=2, ensure_ascii=False))

    def get_search_results(self, request, queryset, search_term):
        """Also match the matcher's spelling, so 'Budanov' finds 'Буданов'."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = search_form(search_term)
        if key:
            results |= queryset.filter(search_text__contains=key)
        return results, may_have_duplicates

    # --- import ------------------------------------------------------------------

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="verification_externalreview_import"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form, errors = ImportForm(request.POST if posted else None, request.FILES if posted else None), []
        if posted and form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            parsed = read_url(data["url"]) if data["url"] else parse(upload.read(), upload.name)
            try:
                result = import_reviews(request.user, parsed, dry_run=data["dry_run"])
            except ImportRefused as exc:
                errors = exc.errors
            except Refused as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                values = {
                    "source": parsed.source,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "repeated": result.repeated,
                }
                counts = gettext("%(created)d new, %(updated)d updated, %(unchanged)d unchanged") % values
                if result.repeated:
                    counts += gettext(", %(repeated)d given twice (imported once)") % values
                values["counts"] = counts
                if data["dry_run"]:
                    checked = gettext("Checked %(source)s, nothing written: %(counts)s.") % values
                    self.message_user(request, checked, messages.INFO)
                else:
                    self.message_user(request, gettext("Imported %(source)s: %(counts)s.") % values, messages.SUCCESS)
                    return redirect("admin:verification_externalreview_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import ClaimReview",
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
        }
        template = "admin/verification/externalreview/import.html"
        return TemplateResponse(request, template, context, status=400 if errors else 200)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "import_url": reverse("admin:verification_externalreview_import"),
            "can_import": self.has_import_permission(request),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})


@admin.register(ExternalReviewImport)
class ExternalReviewImportAdmin(AppendOnlyAdmin):
    list_display = ["started_at", "source", "format", "created", "updated", "unchanged", "status", "imported_by"]
    list_select_related = ["imported_by"]
    list_filter = ["status", "format"]
    search_fields = ["source"]
