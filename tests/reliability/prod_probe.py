"""Run as a script under production settings (DEBUG=0), print what a
visitor's browser would see, as JSON. test_production_settings.py reads it.

Requests go through Django's test client: no server, no database (the pages
probed need none), no network.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def boom(request):
    raise RuntimeError("secret-internal-detail 4f9a")  # must never reach the visitor


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import clear_url_caches, path

    from config import urls

    # Two views that fail, for the error pages (before the /api/v1/ catch-all).
    urls.urlpatterns[:0] = [path("api/v1/probe-boom", boom), path("probe-boom", boom)]
    clear_url_caches()
    client = Client(raise_request_exception=False, HTTP_HOST="example.org")
    secure = {"secure": True}

    def seen(response) -> dict:
        return {
            "status": response.status_code,
            "headers": dict(response.headers),
            "body": response.content.decode()[:4000],
            "cookies": {
                name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
                for name, c in response.cookies.items()
            },
        }

    return {
        "debug": settings.DEBUG,
        "secret_from_env": settings.SECRET_KEY == os.environ["SECRET_KEY"],
        "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
        "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
        "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
        "loopback_fetch": settings.ALLOW_LOOPBACK_FETCH,
        "http": seen(client.get("/accounts/login/")),
        "login": seen(client.get("/accounts/login/", **secure)),
        "login_post_without_csrf": seen(
            Client(enforce_csrf_checks=True, HTTP_HOST="example.org").post(
                "/accounts/login/", {"username": "x", "password": "y"}, **secure
            )
        ),
        "missing_page": seen(client.get("/no/such/page/", **secure)),
        "missing_api": seen(client.get("/api/v1/no-such-thing", **secure)),
        "page_error": seen(client.get("/probe-boom", **secure)),
        "api_error": seen(client.get("/api/v1/probe-boom", **secure)),
        "bad_host": seen(
            Client(raise_request_exception=False, HTTP_HOST="evil.example").get("/accounts/login/", **secure)
        ),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
