"""`manage.py apikey create|list|revoke`."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.api.core_support import key_client
from verification.api.keys import revoke_key
from verification.models import ApiKey


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("apikey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_prints_the_new_key_alone_and_stores_only_its_digest(make_claim):
    claim = make_claim()
    out, err = run("create", "--name", "CMS", "--scope", "read")
    raw = out.strip()
    assert out == raw + "\n" and raw.startswith("cd_") and len(raw) >= 40
    key = ApiKey.objects.get()
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest() and key.prefix == raw[:11]
    assert raw not in str(list(ApiKey.objects.values_list()))  # the raw key is nowhere in the row
    assert key.prefix in err and key.scope == "read" and key.user is None and key.expires_at is None
    assert key_client(raw).get(f"/api/v1/claims/{claim.pk}/status").status_code == 200


@pytest.mark.django_db
def test_it_needs_a_user_for_review_and_admin_keys(alice):
    with pytest.raises(CommandError, match="--user"):
        run("create", "--name", "bot", "--scope", "review")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("create", "--name", "bot", "--scope", "admin", "--user", "nobody")
    assert not ApiKey.objects.exists()
    out, _ = run("create", "--name", "alice bot", "--scope", "review", "--user", "alice", "--expires", "30")
    key = ApiKey.objects.get()
    assert key.user == alice and key.scope == "review"
    assert timedelta(days=29, hours=23) < key.expires_at - timezone.now() <= timedelta(days=30)
    response = key_client(out.strip()).post("/api/v1/queue/next")
    assert response.status_code == 204  # acts as alice: may take work, none is queued


@pytest.mark.django_db
def test_it_lists_keys_by_prefix_with_their_state(alice):
    active, _ = run("create", "--name", "one", "--scope", "read")
    revoked, _ = run("create", "--name", "two", "--scope", "review", "--user", "alice")
    run("revoke", revoked.strip()[:11])
    out, _ = run("list")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["prefix", "scope", "state"]
    assert any(line.startswith(active.strip()[:11]) and " active " in line for line in lines)
    assert any(line.startswith(revoked.strip()[:11]) and " revoked " in line and "alice" in line for line in lines)
    assert active.strip() not in out and revoked.strip() not in out


@pytest.mark.django_db
def test_it_revokes_by_prefix_at_once_and_idempotently(make_claim):
    claim = make_claim()
    raw = run("create", "--name", "feed", "--scope", "read")[0].strip()
    client = key_client(raw)
    assert client.get(f"/api/v1/claims/{claim.pk}/status").status_code == 200
    out, _ = run("revoke", raw[:11])
    assert "Revoked" in out
    first = ApiKey.objects.get().revoked_at
    assert first is not None
    assert client.get(f"/api/v1/claims/{claim.pk}/status").status_code == 401
    out, _ = run("revoke", raw[:11] + "…")
    assert "already revoked" in out and ApiKey.objects.get().revoked_at == first
    assert revoke_key(raw[:11]).revoked_at == first  # the admin's entry point agrees
    with pytest.raises(CommandError, match="No API key"):
        run("revoke", "cd_missing")
