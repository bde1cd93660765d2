"""Keys act with their user's rights today, not the rights the user had when
the key was made."""

import json

import pytest
from django.contrib.auth.models import Group

from sources.models import Source
from tests.api.core_support import key_client, make_key, problem_of, session_client


@pytest.mark.django_db
def test_it_caps_an_admin_key_by_its_users_current_role(adam, make_claim):
    claim = make_claim()
    client = key_client(make_key("admin", adam))
    body = json.dumps({"name": "Before demotion"})
    assert client.post("/api/v1/sources", body, content_type="application/json").status_code == 201

    adam.groups.set([Group.objects.get(name="fact-checkers")])
    adam.is_staff = False
    adam.save()
    body = problem_of(
        client.post("/api/v1/sources", json.dumps({"name": "After"}), content_type="application/json"), 403
    )
    assert "role" in body["detail"]
    assert not Source.objects.filter(name="After").exists()
    assert client.get(f"/api/v1/claims/{claim.pk}").status_code == 200  # still reads


@pytest.mark.django_db
def test_it_refuses_the_key_of_a_disabled_account(alice, make_claim):
    claim = make_claim()
    client = key_client(make_key("review", alice))
    alice.is_active = False
    alice.save()
    assert "disabled" in problem_of(client.get(f"/api/v1/claims/{claim.pk}/status"), 401)["detail"]
    problem_of(client.post("/api/v1/queue/next"), 401)


@pytest.mark.django_db
def test_it_gives_a_signed_in_user_without_a_role_no_scope(carol, make_claim):
    claim = make_claim()
    client = session_client(carol)
    problem_of(client.get("/api/v1/claims"), 403)
    problem_of(client.get(f"/api/v1/claims/{claim.pk}/status"), 403)


@pytest.mark.django_db
def test_it_lets_a_read_key_act_as_nobody(alice, make_claim):
    claim = make_claim()
    client = key_client(make_key("read", alice))  # a read key remembers its owner but acts as nobody
    problem_of(client.post("/api/v1/queue/next"), 403)
    detail = client.get(f"/api/v1/claims/{claim.pk}").json()
    assert "lease_owner" not in detail and all("actor" not in e for e in detail["history"])
