"""Shared admin pieces: https by default for typed URLs, and append-only
history that is shown, never changed."""

from django.contrib import admin
from django.db import models

# A URL typed without a scheme means https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def https_urls(db_field, **kwargs):
    """Meta.formfield_callback for ModelForms declared outside a ModelAdmin."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class Admin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS


class TabularInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS


class StackedInline(admin.StackedInline):
    formfield_overrides = HTTPS_URLS


class AppendOnlyAdmin(Admin):
    """History, grades, assessments, custody and outbox rows are only ever
    added by the code that makes the change; nobody edits or deletes them
    here, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppendOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields
