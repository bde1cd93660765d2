"""Refusals made before any other middleware runs, answered as problems on
/api/ paths so that API clients get problem+json whatever went wrong.

First in MIDDLEWARE, it checks, in order:
1. the URL's length: over MAX_URL_CHARS is 414 (plain text outside /api/).
   gunicorn's --limit-request-line (docs/production.md) sits just above, so
   the app answers before gunicorn would answer its own HTML 414;
2. on /api/ paths, the Host: one not in ALLOWED_HOSTS is a 400 problem even
   with DEBUG on (handler400 covers the rest of Django, in production only);
3. on /api/ paths with SECURE_SSL_REDIRECT on, plain HTTP is a 403 problem
   rather than SecurityMiddleware's redirect, which clients follow with a GET
   and so lose a POST's body; the desk's pages keep the redirect.
"""

import logging
import re

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from verification.api.errors import HOST_NOT_ALLOWED, problem

API_PREFIX = "/api/"
# Django logs an unknown host here; so do we, so the same log filters apply.
host_log = logging.getLogger("django.security.DisallowedHost")


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before LocaleMiddleware: a refusal here speaks the Accept-Language itself.
        language = translation.get_language_from_request(request)
        with translation.override(language):
            refused = refusal(request)
        if refused is None:
            return self.get_response(request)
        refused["Content-Language"] = language
        patch_vary_headers(refused, ("Accept-Language",))
        return refused


def refusal(request):
    api = request.path.startswith(API_PREFIX)
    limit = settings.MAX_URL_CHARS
    if len(request.get_full_path()) > limit:
        if not api:
            text = gettext("URL too long: at most %(limit)d characters.") % {"limit": limit}
            return HttpResponse(text, status=414, content_type="text/plain")
        # No instance: the path itself may be what is too long.
        return problem(
            414,
            gettext(
                "The URL is longer than %(limit)d characters. Send long lists in a request body instead "
                "(POST /api/v1/status/bulk for lookups)."
            )
            % {"limit": limit},
        )
    if not api:
        return None
    try:
        host = request.get_host()
    except DisallowedHost as exc:
        host_log.error(str(exc), extra={"status_code": 400, "request": request})
        return problem(
            400, HOST_NOT_ALLOWED, code="host_not_allowed", title=gettext("Unknown host"), instance=request.path
        )
    if settings.SECURE_SSL_REDIRECT and not request.is_secure() and not _exempt(request.path):
        return problem(
            403,
            gettext(
                "Use %(url)s: this API answers over HTTPS only. Nothing was done; "
                "a redirect would have lost the body of your request."
            )
            % {"url": f"https://{host}{request.get_full_path()}"},
            code="https_required",
            title=gettext("HTTPS required"),
            instance=request.path,
        )
    return None


def _exempt(path: str) -> bool:
    # SecurityMiddleware's own exemptions, so both agree on which paths may stay on HTTP.
    relative = path.lstrip("/")
    return any(re.search(pattern, relative) for pattern in settings.SECURE_REDIRECT_EXEMPT)
