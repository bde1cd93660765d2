"""Every API error as RFC 9457 ``application/problem+json``.

One body shape for all of them: ``type`` (a stable URN clients can switch on),
``title``, ``status``, ``detail`` (what to do next), ``instance`` (the path),
and extension members where they help: ``errors`` {field: [messages]} on
validation, ``current_version``/``changed_by``/``change`` on 409 and 412.
Unexpected exceptions are logged with their traceback and answered with a
plain 500 problem: no stack trace ever reaches a client, even with DEBUG on.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import set_rollback

from verification.workflow.errors import Refused, StaleVersion

log = logging.getLogger(__name__)

PROBLEM_TYPE = "urn:claimdesk:problem:"
CONTENT_TYPE = "application/problem+json"

# status -> (code, title) for problems without a more specific code.
STATUS_PROBLEMS = {
    400: ("invalid_request", _("Your request is not valid")),
    401: ("not_authenticated", _("Authentication required")),
    403: ("forbidden", _("Not allowed")),
    404: ("not_found", _("Not found")),
    405: ("method_not_allowed", _("Method not allowed")),
    406: ("not_acceptable", _("Not acceptable")),
    409: ("conflict", _("Conflict with the current state")),
    412: ("precondition_failed", _("The resource changed since you read it")),
    413: ("too_large", _("Request too large")),
    414: ("uri_too_long", _("URL too long")),
    415: ("unsupported_media_type", _("Unsupported media type")),
    428: ("precondition_required", _("If-Match required")),
    429: ("throttled", _("Too many requests")),
    500: ("server_error", _("Server error")),
    503: ("database_unavailable", _("Service unavailable")),
}
# While the database restarts or fails over, every query raises one of these.
DATABASE_DOWN = _(
    "The database is unavailable for a moment. Try again in a few seconds; if you were changing "
    "something, reload it first to see whether your change was saved."
)


SERVER_ERROR = _("Something went wrong on our side. It has been logged; try again later.")
UNREADABLE = _("The request could not be read; check its body and headers.")
HOST_NOT_ALLOWED = _(
    "This server does not answer to the host name in your request. Use the API's own address, as given in its "
    "documentation."
)


class Problem(exceptions.APIException):
    """Raise from a view for any problem with a code of its own and extension members."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        title: str | None = None,
        headers: dict | None = None,
        **extra,
    ):
        self.status_code = status
        default_code, default_title = STATUS_PROBLEMS.get(status, ("error", _("Error")))
        self.problem_code = code or default_code
        self.title = title or default_title
        self.headers = headers or {}
        self.extra = extra
        super().__init__(detail)


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    headers: dict | None = None,
    **extra,
) -> JsonResponse:
    default_code, default_title = STATUS_PROBLEMS.get(status, ("error", _("Error")))
    code = code or default_code
    # title and detail in the request's language (LocaleMiddleware: Accept-Language); type and fields never change.
    title, detail = str(title or default_title), str(detail)
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def too_many_fields(part: str, exc: Exception | None = None) -> Problem:
    """Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (or _FILES) refused ``part``, the body or the query."""
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        detail = ngettext(
            "The request has more than %(limit)d file.", "The request has more than %(limit)d files.", limit
        )
        error = ngettext(
            "More than %(limit)d file; send at most %(limit)d, or send JSON.",
            "More than %(limit)d files; send at most %(limit)d, or send JSON.",
            limit,
        )
    else:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        detail = ngettext(
            "The request has more than %(limit)d field.", "The request has more than %(limit)d fields.", limit
        )
        error = ngettext(
            "More than %(limit)d field; send at most %(limit)d, or send JSON.",
            "More than %(limit)d fields; send at most %(limit)d, or send JSON.",
            limit,
        )
    return Problem(
        400,
        detail % {"limit": limit},
        code="too_many_fields",
        title=gettext("Too many fields"),
        errors={part: [error % {"limit": limit}]},
    )


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as flat {"attributions.0.source": [messages]}: a
    dotted path, list items by index."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        for index, item in enumerate(detail):
            if item:
                out.update(flatten_errors(item, f"{prefix}.{index}"))
    else:
        items = detail if isinstance(detail, list) else [detail]
        out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in items)
    return out


def _validation_problem(errors: dict[str, list[str]], instance: str | None) -> JsonResponse:
    fields = ", ".join(sorted(errors))
    return problem(
        400,
        gettext("Correct these fields and send the request again: %(fields)s.") % {"fields": fields},
        code="validation_error",
        instance=instance,
        errors=errors,
    )


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: map every exception to a problem response."""
    request = context.get("request")
    response = logged_problem(exc, request.path if request is not None else None)
    set_rollback()
    return response


def logged_problem(exc, instance: str | None) -> JsonResponse:
    """``to_problem``, logging the traceback of anything that becomes a 5xx."""
    response = to_problem(exc, instance)
    if response.status_code >= 500:
        log.error("API error on %s", instance, exc_info=exc)
    return response


def to_problem(exc, instance: str | None = None) -> JsonResponse:  # noqa: C901 - one flat table of cases
    if isinstance(exc, Problem):
        return problem(
            exc.status_code,
            str(exc.detail),
            code=exc.problem_code,
            title=exc.title,
            instance=instance,
            headers=exc.headers,
            **exc.extra,
        )
    if isinstance(exc, StaleVersion):
        return problem(
            409,
            str(exc),
            code=exc.code,
            title=gettext("Someone changed this claim"),
            instance=instance,
            current_version=exc.current_version,
            changed_by=exc.changed_by,
            change=exc.change,
        )
    if isinstance(exc, Refused):
        return problem(exc.http_status, str(exc), code=exc.code, instance=instance)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_problem(flatten_errors(exc.detail), instance)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _validation_problem({k: list(v) for k, v in errors.items()}, instance)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        detail = str(exc.detail)
        if isinstance(exc, exceptions.NotAuthenticated):
            detail = gettext("Send an API key as 'Authorization: Bearer <key>', or sign in.")
        return problem(401, detail, instance=instance, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        return problem(
            429,
            ngettext(
                "Too many requests for this key. Try again in %(wait)d second.",
                "Too many requests for this key. Try again in %(wait)d seconds.",
                wait,
            )
            % {"wait": wait},
            instance=instance,
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return problem(405, f"{exc.detail}", instance=instance)
    if isinstance(exc, (Http404, ObjectDoesNotExist, exceptions.NotFound)):
        return problem(404, _not_found_detail(exc), instance=instance)
    if isinstance(exc, (exceptions.PermissionDenied, DjangoPermissionDenied)):
        detail = str(getattr(exc, "detail", "") or exc or gettext("You do not have the right to do this."))
        return problem(403, detail, instance=instance)
    if isinstance(exc, RequestDataTooBig):
        return problem(413, gettext("The request body is too large."), instance=instance)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):  # raised outside the parsers, which name the part
        return to_problem(too_many_fields("request", exc), instance)
    if isinstance(exc, DisallowedHost):
        return problem(400, HOST_NOT_ALLOWED, code="host_not_allowed", title=gettext("Unknown host"), instance=instance)
    if isinstance(exc, SuspiciousOperation):  # a bad multipart body…
        return problem(400, UNREADABLE, instance=instance)
    if isinstance(exc, exceptions.APIException):
        return problem(exc.status_code, str(exc.detail), instance=instance)
    if isinstance(exc, (OperationalError, InterfaceError)):
        return problem(503, DATABASE_DOWN, instance=instance, headers={"Retry-After": "5"})
    return problem(500, SERVER_ERROR, instance=instance)


def _not_found_detail(exc) -> str:
    # Views raise NotFound with a message naming what is missing; Django's own
    # Http404 messages name models and query internals, so those get ours.
    if isinstance(exc, exceptions.NotFound) and str(exc.detail) != str(exceptions.NotFound.default_detail):
        return str(exc.detail)
    return gettext("Nothing exists at this address. Check the id and the path (API paths have no trailing slash).")


# --- Django-level handlers for /api/ paths outside DRF views -----------------


@csrf_exempt  # a POST to a wrong path is a 404, not a CSRF failure page
def api_not_found(request, *args, **kwargs):
    """The catch-all route for unknown /api/v1/ paths, so even with DEBUG on
    they answer a problem, never an HTML page or a slash redirect."""
    detail = gettext("There is no API endpoint at %(path)s.") % {"path": request.path}
    if request.path.endswith("/"):
        detail += " " + gettext("API paths have no trailing slash: try %(path)s.") % {"path": request.path.rstrip("/")}
    return problem(404, detail, instance=request.path)


def handler400(request, exception=None):
    """Django answers a SuspiciousOperation raised outside a view (an unknown
    Host, too many fields read by a middleware) with this; in production only,
    as DEBUG shows its own page (verification/api/middleware.py covers the host
    on /api/ paths whatever DEBUG says)."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, SuspiciousOperation):
        return to_problem(exception, request.path)  # a 400 for every SuspiciousOperation
    return problem(400, UNREADABLE, instance=request.path)


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):  # raised outside a DRF view
            return problem(503, DATABASE_DOWN, instance=request.path, headers={"Retry-After": "5"})
        return problem(500, SERVER_ERROR, instance=request.path)
    return defaults.server_error(request)
