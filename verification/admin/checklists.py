"""Verification checklists, defined here by admins, and the desk's
collaboration rows (comments, their revisions, checklist ticks), shown here
read-only: they are written on the desk and through the API only
(verification.workflow.discussion and .checklists), and never changed."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from verification.admin.base import Admin, AppendOnlyAdmin, AppendOnlyInline, TabularInline
from verification.models import ChecklistItem, ChecklistTemplate, ChecklistTick, Comment, CommentRevision


class ChecklistItemInline(TabularInline):
    model = ChecklistItem
    fields = ["order", "text", "required", "active"]
    ordering = ["order", "id"]
    extra = 3

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.pk else self.extra  # a new list starts with a few empty rows


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(Admin):
    """A list of what reviewers must do on a claim; the desk shows it on every claim, or on
    the claims with its tag. Items are shown in ``order`` (lower first: number them 10, 20,
    30 to leave room). A list or item someone ticked cannot be deleted: untick ``active``."""

    list_display = ["name", "applies_to", "active", "item_count", "required_count", "created_at"]
    list_filter = ["active", "tag"]
    search_fields = ["name", "items__text"]
    autocomplete_fields = ["tag"]
    fields = ["name", "tag", "active"]
    inlines = [ChecklistItemInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("tag")
            .annotate(
                items_n=Count("items", filter=Q(items__active=True), distinct=True),
                required_n=Count("items", filter=Q(items__active=True, items__required=True), distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("applies to"), ordering="tag__name")
    def applies_to(self, template):
        return f"claims tagged “{template.tag.name}”" if template.tag_id else "every claim"

    @admin.display(description=gettext_lazy("items"), ordering="items_n")
    def item_count(self, template):
        return template.items_n

    @admin.display(description=gettext_lazy("required"), ordering="required_n")
    def required_count(self, template):
        return template.required_n


@admin.register(ChecklistItem)
class ChecklistItemAdmin(Admin):
    """Every item of every list, to reorder or retire across lists (each list's page edits its own)."""

    list_display = ["text", "template", "order", "required", "active"]
    list_editable = ["order", "required", "active"]
    list_filter = ["active", "required", "template"]
    list_select_related = ["template__tag"]
    search_fields = ["text", "template__name"]
    ordering = ["template__name", "template_id", "order", "id"]


class _CollaborationRowAdmin(AppendOnlyAdmin):
    def has_view_permission(self, request, obj=None):
        # Whoever may see claims may see their discussion and ticks (the roles need no new permission).
        return request.user.has_perm("verification.view_claim")


class CommentRevisionInline(AppendOnlyInline):
    model = CommentRevision
    fields = ["number", "created_at", "body"]
    ordering = ["number"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("verification.view_claim")


@admin.register(Comment)
class CommentAdmin(_CollaborationRowAdmin):
    list_display = ["created_at", "claim", "author", "version", "edited_at"]
    list_select_related = ["claim", "author"]
    search_fields = ["claim__text", "body"]
    inlines = [CommentRevisionInline]


@admin.register(CommentRevision)
class CommentRevisionAdmin(_CollaborationRowAdmin):
    list_display = ["created_at", "comment", "number"]
    list_select_related = ["comment"]
    search_fields = ["body"]


@admin.register(ChecklistTick)
class ChecklistTickAdmin(_CollaborationRowAdmin):
    list_display = ["created_at", "claim", "item", "ticked", "actor"]
    list_select_related = ["claim", "item", "actor"]
    list_filter = ["ticked"]
    search_fields = ["claim__text", "item__text"]
