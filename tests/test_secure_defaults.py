"""Defaults that are safe without anyone thinking about them: production refuses
the development key from the repository, and loopback fetching is never on
unless a developer asks for it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env_vars) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "CLAIMDESK_ALLOW_LOOPBACK_FETCH"}
    }
    env.update(ALLOWED_HOSTS="example.org", CLAIMDESK_VAR_DIR=str(settings.VAR_DIR), **env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_the_development_key_in_production():
    result = manage("check", "--deploy", DEBUG="0", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "refuses the development SECRET_KEY" in result.stderr and "token_urlsafe" in result.stderr


def test_it_fails_the_deployment_checklist_with_loopback_fetching_on():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        CLAIMDESK_ALLOW_LOOPBACK_FETCH="1",
    )
    assert result.returncode != 0
    assert "claimdesk.W001" in result.stderr + result.stdout and "Unset CLAIMDESK_ALLOW_LOOPBACK_FETCH" in (
        result.stderr + result.stdout
    )


def test_it_keeps_loopback_fetching_off_in_development_unless_asked():
    probe = "from django.conf import settings; print(settings.DEBUG, settings.ALLOW_LOOPBACK_FETCH)"
    result = manage("shell", "--no-imports", "-c", probe, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["True", "False"]
