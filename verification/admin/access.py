"""Admin for API keys, webhooks, notifications, desk profiles, worker heartbeats and idempotency keys.

Key digests and webhook secrets are never shown: a key is seen once, by
whoever created it; a webhook secret once, right after the endpoint is added.
Outbox events and deliveries are read-only records of what was sent.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from verification.admin.base import Admin, AppendOnlyAdmin, https_urls
from verification.models import (
    ApiKey,
    BrokerFailure,
    DeskProfile,
    IdempotentRequest,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WorkerHeartbeat,
)
from verification.webhooks import delivery as webhooks
from verification.webhooks.outbox import EVENT_TYPES


class KeyStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", gettext("Active")), ("revoked", gettext("Revoked")), ("expired", gettext("Expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(Admin):
    list_display = ["name", "prefix", "scope", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["user"]
    list_filter = ["scope", KeyStatusFilter]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["name", "prefix", "scope", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "scope", "user", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # keys are issued where the secret can be shown once, never stored

    @admin.action(description=gettext_lazy("Revoke selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "Revoked %(count)d key; it stops working on its next request.",
                "Revoked %(count)d keys; they stop working on their next request.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class WebhookEndpointForm(forms.ModelForm):
    class Meta:
        model = WebhookEndpoint
        formfield_callback = https_urls
        fields = ["url", "description", "event_types", "active"]
        help_texts = {
            "event_types": 'A JSON list of event types, e.g. ["claim.published"]; '
            f"[] means all of: {', '.join(EVENT_TYPES)}."
        }

    def clean_url(self):
        url = self.cleaned_data["url"]
        if reason := webhooks.check_target(url):
            raise ValidationError(
                gettext(
                    "This URL cannot receive webhooks: %(reason)s. Give the address of a receiver on the "
                    "public internet."
                )
                % {"reason": reason}
            )
        return url

    def clean_event_types(self):
        value = self.cleaned_data.get("event_types") or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(gettext("Give a JSON list of event type names."))
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValidationError(
                gettext("Unknown event type(s): %(unknown)s. Known: %(event_types)s.")
                % {"unknown": ", ".join(unknown), "event_types": ", ".join(EVENT_TYPES)}
            )
        return value


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(Admin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "active", "event_types", "created_by", "created_at"]
    list_select_related = ["created_by"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    readonly_fields = ["secret_hint", "created_by", "created_at"]

    @admin.display(description=gettext_lazy("secret"))
    def secret_hint(self, obj):
        return f"{obj.secret[:10]}… (shown once, when the endpoint was added)" if obj.secret else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = webhooks.new_secret()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                gettext("Signing secret for %(url)s: %(secret)s — copy it now, it is not shown again.")
                % {"url": obj.url, "secret": obj.secret},
                messages.WARNING,
            )


@admin.register(WebhookEvent)
class WebhookEventAdmin(AppendOnlyAdmin):
    list_display = ["id", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["id"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AppendOnlyAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at"]
    list_select_related = ["event", "endpoint"]
    list_filter = ["status"]
    search_fields = ["event__id", "endpoint__url"]
    actions = ["redeliver"]

    def has_redeliver_permission(self, request):
        return request.user.has_perm("verification.change_webhookendpoint")

    @admin.action(description=gettext_lazy("Deliver selected again (same event id)"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        done, skipped = 0, 0
        for delivery_id in queryset.values_list("id", flat=True):
            try:
                webhooks.redeliver(delivery_id)
                done += 1
            except webhooks.NotRedeliverable:
                skipped += 1
        self.message_user(
            request,
            ngettext(
                "Queued %(done)d delivery again; %(skipped)d still pending were left alone.",
                "Queued %(done)d deliveries again; %(skipped)d still pending were left alone.",
                done,
            )
            % {"done": done, "skipped": skipped},
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(Notification)
class NotificationAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "user", "kind", "claim", "read_at"]
    list_select_related = ["user", "claim"]
    list_filter = ["kind"]
    search_fields = ["user__username", "message"]


@admin.register(DeskProfile)
class DeskProfileAdmin(Admin):
    """Users choose their zone on /desk/profile; an admin can set it for someone who asks."""

    list_display = ["user", "time_zone", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "time_zone"]
    readonly_fields = ["user", "updated_at"]

    def has_add_permission(self, request):
        return False  # made on a user's first choice; blank means the desk's default


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AppendOnlyAdmin):
    list_display = ["hostname", "seen_at"]


@admin.register(BrokerFailure)
class BrokerFailureAdmin(AppendOnlyAdmin):
    """Tasks the broker refused after their write had committed; the reconciler redid the work."""

    list_display = ["created_at", "task", "args", "error"]
    list_filter = ["task"]
    date_hierarchy = "created_at"


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(AppendOnlyAdmin):
    """Create requests already answered (API Idempotency-Key, desk form token): kept
    IDEMPOTENCY_HOURS so a retry gets the first answer instead of a second claim."""

    list_display = ["created_at", "key", "api_key", "user", "response_status"]
    list_select_related = ["api_key", "user"]
    search_fields = ["key", "user__username", "api_key__prefix"]
    date_hierarchy = "created_at"
