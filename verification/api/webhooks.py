"""Webhook endpoints API (scope admin): register receivers, see the delivery
log, ping an endpoint, redeliver an event. Sending lives in verification/webhooks/delivery.py.

The secret is returned once, in the answer to the POST that creates the
endpoint; afterwards it is never shown. Target URLs are checked against SSRF
here (create and update) and again by the task on every send.
"""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from verification.api.auth import acting_user
from verification.api.base import ApiView, not_found
from verification.api.errors import Problem
from verification.api.inputs import HttpURLField, StrictInput
from verification.api.pagination import CappedCursorPagination, ordering_parameter
from verification.models import WebhookDelivery, WebhookEndpoint
from verification.webhooks import delivery as webhooks
from verification.webhooks.outbox import EVENT_TYPES

TAGS = ["webhooks"]
LIST_PARAMETERS = [ordering_parameter(CappedCursorPagination.orderings)]  # newest first by default


# --- Serializers (input and output kept apart) ---------------------------------------


class WebhookEndpointInput(StrictInput, serializers.Serializer):
    url = HttpURLField(
        max_length=2000,
        help_text="Where events are POSTed. Loopback, private, link-local and cloud-metadata addresses are refused.",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        required=False,
        default=list,
        max_length=len(EVENT_TYPES),
        help_text="Events to receive; empty means every event type.",
    )
    active = serializers.BooleanField(required=False, default=True)

    def validate_url(self, value):
        if reason := webhooks.check_target(value):
            raise serializers.ValidationError(
                gettext(
                    "This URL cannot receive webhooks: %(reason)s. Give the address of a receiver on the "
                    "public internet."
                )
                % {"reason": reason}
            )
        return value

    def validate_event_types(self, value):
        return list(dict.fromkeys(value))  # keep the order given, drop repeats


class WebhookEndpointOutput(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "active", "created_at"]


class WebhookEndpointCreated(WebhookEndpointOutput):
    secret = serializers.CharField(
        help_text="Standard Webhooks signing secret (whsec_…). Shown only in this answer: store it now."
    )

    class Meta(WebhookEndpointOutput.Meta):
        fields = [*WebhookEndpointOutput.Meta.fields, "secret"]


class WebhookDeliveryOutput(serializers.ModelSerializer):
    event_id = serializers.CharField(help_text="Sent as webhook-id, the same on every retry and redelivery.")
    event_type = serializers.ChoiceField(source="event.type", choices=[*EVENT_TYPES, webhooks.PING])
    endpoint_id = serializers.IntegerField()
    payload = serializers.JSONField(source="event.payload", help_text="The body sent: {type, timestamp, data}.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint_id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "payload",
        ]


# --- Views ---------------------------------------------------------------------------


class AdminView(ApiView, GenericAPIView):
    """Every webhook path needs the admin scope, to read as well as to write.
    GenericAPIView only lends its pagination hooks (and their schema)."""

    read_scope = write_scope = "admin"
    pagination_class = CappedCursorPagination

    def paginated(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


def endpoint_or_404(pk) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first()
    if endpoint is None:
        raise not_found(gettext("Webhook endpoint"), pk)
    return endpoint


class EndpointListView(AdminView):
    serializer_class = WebhookEndpointOutput

    @extend_schema(
        tags=TAGS, operation_id="webhooks_list", parameters=LIST_PARAMETERS, responses=WebhookEndpointOutput(many=True)
    )
    def get(self, request):
        return self.paginated(WebhookEndpoint.objects.all(), WebhookEndpointOutput)

    @extend_schema(
        tags=TAGS, operation_id="webhooks_create", request=WebhookEndpointInput, responses={201: WebhookEndpointCreated}
    )
    def post(self, request):
        data = _valid(WebhookEndpointInput(data=request.data))
        endpoint = WebhookEndpoint.objects.create(**data, secret=webhooks.new_secret(), created_by=acting_user(request))
        return Response(
            WebhookEndpointCreated(endpoint).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{request.path}/{endpoint.id}")},
        )


class EndpointDetailView(AdminView):
    serializer_class = WebhookEndpointOutput

    @extend_schema(tags=TAGS, operation_id="webhooks_retrieve")
    def get(self, request, pk: int):
        return Response(WebhookEndpointOutput(endpoint_or_404(pk)).data)

    @extend_schema(tags=TAGS, operation_id="webhooks_partial_update", request=WebhookEndpointInput(partial=True))
    def patch(self, request, pk: int):
        endpoint = endpoint_or_404(pk)
        changes = _valid(WebhookEndpointInput(data=request.data, partial=True))
        for name, value in changes.items():
            setattr(endpoint, name, value)
        if changes:
            endpoint.save(update_fields=list(changes))
        return Response(WebhookEndpointOutput(endpoint).data)

    @extend_schema(tags=TAGS, operation_id="webhooks_destroy", responses={204: None})
    def delete(self, request, pk: int):
        endpoint_or_404(pk).delete()  # its deliveries go with it; queued tasks find nothing and stop
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointPingView(AdminView):
    serializer_class = WebhookDeliveryOutput
    problem_codes = (409,)

    @extend_schema(
        tags=TAGS,
        operation_id="webhooks_ping",
        request=None,
        responses={
            202: OpenApiResponse(
                WebhookDeliveryOutput,
                description="A webhook.ping event is queued for this endpoint only; follow it in the delivery log.",
            )
        },
    )
    def post(self, request, pk: int):
        endpoint = endpoint_or_404(pk)
        _refuse_if_disabled(endpoint, "ping it")
        delivery = webhooks.ping(endpoint)
        return Response(WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class EndpointDeliveriesView(AdminView):
    serializer_class = WebhookDeliveryOutput

    @extend_schema(
        tags=TAGS,
        operation_id="webhooks_deliveries_list",
        parameters=LIST_PARAMETERS,
        responses=WebhookDeliveryOutput(many=True),
    )
    def get(self, request, pk: int):
        endpoint = endpoint_or_404(pk)
        return self.paginated(endpoint.deliveries.select_related("event"), WebhookDeliveryOutput)


class RedeliverView(AdminView):
    serializer_class = WebhookDeliveryOutput
    problem_codes = (409,)

    @extend_schema(
        tags=TAGS,
        operation_id="webhooks_deliveries_redeliver",
        request=None,
        responses={
            202: OpenApiResponse(
                WebhookDeliveryOutput,
                description=(
                    "Queued again with the same event id (webhook-id); 409 while it is still pending or its "
                    "endpoint is disabled."
                ),
            )
        },
    )
    def post(self, request, pk: int):
        delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=pk).first()
        if delivery is None:
            raise not_found(gettext("Webhook delivery"), pk)
        _refuse_if_disabled(delivery.endpoint, "redeliver")
        try:
            delivery = webhooks.redeliver(delivery.id)
        except webhooks.NotRedeliverable as exc:
            raise Problem(
                409, str(exc), code="delivery_pending", title=gettext("This delivery is still pending")
            ) from None
        return Response(WebhookDeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


def _refuse_if_disabled(endpoint: WebhookEndpoint, then: str) -> None:
    if not endpoint.active:
        raise Problem(
            409,
            gettext(
                'Webhook endpoint %(endpoint_id)s is disabled; enable it with PATCH {"active": true}, then %(then)s.'
            )
            % {"endpoint_id": endpoint.id, "then": then},
            code="webhook_endpoint_disabled",
            title=gettext("This webhook endpoint is disabled"),
        )


def _valid(serializer) -> dict:
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
