"""Bad settings fail at start-up with the variable's name; production refuses
to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
SETUP = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
    "django.setup(); print('started')"
)
GOOD_KEY = "k3y-" + "x7Qp9" * 11


def start(**env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        # The tests' own loopback allowance (tests/envplugin.py) is refused when DEBUG=0.
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "CLAIMDESK_ALLOW_LOOPBACK_FETCH"}
    }
    base["CLAIMDESK_VAR_DIR"] = str(settings.VAR_DIR)
    return subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("raw, value", [("1", True), ("yes", True), ("off", False), ("0", False), ("", False)])
def test_it_reads_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("CLAIMDESK_FLAG", raw)
    assert env_bool("CLAIMDESK_FLAG", not value) is value


def test_it_names_the_variable_with_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("CLAIMDESK_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"CLAIMDESK_FLAG='maybe' is not a boolean"):
        env_bool("CLAIMDESK_FLAG")


def test_it_names_the_variable_with_a_bad_number(monkeypatch):
    monkeypatch.setenv("CLAIMDESK_LEASE_SECONDS", "half an hour")
    with pytest.raises(ImproperlyConfigured, match=r"CLAIMDESK_LEASE_SECONDS='half an hour' is not a whole number"):
        env_int("CLAIMDESK_LEASE_SECONDS", 1800)
    monkeypatch.setenv("CLAIMDESK_LEASE_SECONDS", "0")
    with pytest.raises(ImproperlyConfigured, match=r"CLAIMDESK_LEASE_SECONDS=0 is below the minimum of 1"):
        env_int("CLAIMDESK_LEASE_SECONDS", 1800, minimum=1)


def test_it_reads_lists_and_defaults(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " desk.example.org, ,api.example.org ")
    monkeypatch.delenv("CLAIMDESK_UNSET", raising=False)
    assert env_list("ALLOWED_HOSTS") == ["desk.example.org", "api.example.org"]
    assert env_str("CLAIMDESK_UNSET", "fallback") == "fallback" and env_int("CLAIMDESK_UNSET", 7) == 7


@pytest.mark.parametrize(
    "env, named",
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps'"),
        ({"CLAIMDESK_LANGUAGE": "de"}, "CLAIMDESK_LANGUAGE='de'"),
    ],
)
def test_it_refuses_to_start_with_bad_production_settings(env, named):
    result = start(**env)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr.splitlines()[-1]


def test_it_starts_in_production_mode_with_its_secrets():
    result = start(DEBUG="0", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"
