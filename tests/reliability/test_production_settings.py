"""Production settings, as a visitor meets them (DEBUG=0, secrets from the
environment): HTTPS only with HSTS, secure cookies, CSRF on forms, security
headers, no debug pages and no tracebacks, unknown hosts refused. And no
start at all without a secret key. (`manage.py check --deploy` itself is
tests/test_check_deploy.py.)
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "secret-internal-detail 4f9a"


def production_env(tmp_path: Path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "CLAIMDESK_ALLOW_LOOPBACK_FETCH", "SECRET_KEY")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        CLAIMDESK_VAR_DIR=str(tmp_path / "var"),
    )
    return env | extra


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    env = production_env(tmp)
    collected = run(["manage.py", "collectstatic", "--noinput", "-v0"], env)  # the manifest DEBUG=0 pages need
    assert collected.returncode == 0, collected.stderr[-2000:]
    probe = run([str(ROOT / "tests" / "reliability" / "prod_probe.py")], env)
    assert probe.returncode == 0, probe.stderr[-3000:]
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_it_runs_production_with_debug_off_and_secrets_from_the_environment(seen):
    assert seen["debug"] is False and seen["secret_from_env"] is True
    assert seen["loopback_fetch"] is False  # webhooks and captures may not reach the host's own services


def test_it_sends_plain_http_to_https(seen):
    assert seen["http"]["status"] == 301
    assert seen["http"]["headers"]["Location"] == "https://example.org/accounts/login/"


def test_it_sends_hsts_and_the_security_headers(seen):
    headers = seen["login"]["headers"]
    assert seen["login"]["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_marks_cookies_secure_and_the_session_cookie_http_only(seen):
    assert seen["login"]["cookies"]["csrftoken"]["secure"] is True
    assert seen["session_cookie_secure"] and seen["session_cookie_httponly"] and seen["csrf_cookie_secure"]


def test_it_refuses_a_form_post_without_the_csrf_token(seen):
    refused = seen["login_post_without_csrf"]
    assert refused["status"] == 403 and "CSRF" in refused["body"]
    assert "Traceback" not in refused["body"] and "settings.py" not in refused["body"]


@pytest.mark.parametrize("page", ["missing_page", "page_error", "missing_api", "api_error", "bad_host"])
def test_it_shows_no_debug_page_and_no_traceback(seen, page):
    body = seen[page]["body"]
    expected = {"missing_page": 404, "page_error": 500, "missing_api": 404, "api_error": 500, "bad_host": 400}[page]
    assert seen[page]["status"] == expected
    for leak in ("Traceback", SECRET, "Using the URLconf", "DEBUG = True", "django.core", 'File "', "SECRET_KEY"):
        assert leak not in body, (page, leak)
    if page.startswith(("missing_api", "api_")):
        assert seen[page]["headers"]["Content-Type"] == "application/problem+json"


def test_it_will_not_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0 and "DEBUG=0 needs SECRET_KEY" in result.stderr
    env = production_env(tmp_path, SECRET_KEY="short")
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0 and "at least 50 characters" in result.stderr
