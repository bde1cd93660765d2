"""Editors' bulk actions on selected claims: assign, release, export."""

import csv
import io
import json

import pytest

from verification.models import Claim
from verification.workflow import transitions


@pytest.fixture
def three(make_claim):
    return [make_claim(f"Bulk claim {i}", tags=["bulk"]) for i in range(3)]


@pytest.mark.django_db
def test_it_assigns_the_selected_claims(login, erin, bob, three):
    ids = [three[0].pk, three[1].pk]
    response = login(erin).post(
        "/desk/bulk", {"ids": ids, "action": "assign", "assignee": bob.pk, "next": "/desk/?tab=all"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/?tab=all"
    assert list(Claim.objects.filter(lease_owner=bob).order_by("id").values_list("id", flat=True)) == ids
    assert Claim.objects.get(pk=three[2].pk).lease_owner is None


@pytest.mark.django_db
def test_it_reports_each_claim_it_could_not_change(login, erin, alice, three):
    transitions.take_next(alice)
    response = login(erin).post("/desk/bulk", {"ids": [c.pk for c in three], "action": "release"}, follow=True)
    html = response.content.decode()
    assert "Released: 1 claim" in html
    assert html.count("Only a claim in review can be released") == 2
    assert Claim.objects.filter(lease_owner__isnull=False).count() == 0


@pytest.mark.django_db
def test_it_asks_whom_to_assign_to(login, erin, three):
    response = login(erin).post("/desk/bulk", {"ids": [three[0].pk], "action": "assign"}, follow=True)
    assert "Choose whom to assign" in response.content.decode()
    assert Claim.objects.filter(lease_owner__isnull=False).count() == 0


@pytest.mark.django_db
def test_it_exports_the_selected_claims_as_csv(login, erin, three):
    response = login(erin).post("/desk/bulk", {"ids": [three[0].pk, three[2].pk], "action": "export_csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["text"] for r in rows] == ["Bulk claim 0", "Bulk claim 2"]
    assert (
        rows[0]["state"] == "queued"
        and rows[0]["tags"] == "bulk"
        and rows[0]["url"].endswith(f"/claims/{three[0].pk}/")
    )


@pytest.mark.django_db
def test_it_exports_the_selected_claims_as_json(login, erin, three):
    response = login(erin).post("/desk/bulk", {"ids": [three[1].pk], "action": "export_json"})
    data = json.loads(response.content)
    assert data == [{**data[0], "id": three[1].pk, "text": "Bulk claim 1", "verdict": None, "tags": ["bulk"]}]


@pytest.mark.django_db
def test_it_refuses_bulk_actions_to_a_fact_checker(login, alice, bob, three):
    response = login(alice).post("/desk/bulk", {"ids": [three[0].pk], "action": "assign", "assignee": bob.pk})
    assert response.status_code == 403
    assert Claim.objects.filter(lease_owner__isnull=False).count() == 0
