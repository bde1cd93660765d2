"""The claim page's live fragment (verification/desk/live.py): out-of-band swaps of
small status elements, 304 when nothing changed, a pinned query count, and nothing
for people without a desk role."""

import pytest

from tests.evidence.conftest import (  # noqa: F401  (fixtures)
    loopback_http_server,
    media_root,
    no_outside_connections,
)
from verification.evidence.writes import add_evidence_url
from verification.models import Claim, Evidence
from verification.tasks import capture_evidence
from verification.workflow import transitions
from verification.workflow.claims import edit_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_outside_connections", "media_root")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def live(client, claim, seen=None, **headers):
    seen = claim.version if seen is None else seen
    return client.get(f"/desk/claims/{claim.pk}/live?seen={seen}", **HTMX, **headers)


def test_it_answers_small_out_of_band_swaps_and_no_form_to_type_in(login, alice, taken):
    response = live(login(alice), taken)
    html = response.content.decode()
    assert response.status_code == 200
    for element in ("claim-state", "claim-version", "live-conflict", "lease-status", "claim-history"):
        assert f'id="{element}"' in html and html.count('hx-swap-oob="true"') >= 5
    assert f'<span id="claim-version" hx-swap-oob="true">{taken.version}</span>' in html
    assert "You hold this claim" in html and "Someone else changed" not in html
    assert "<textarea" not in html and 'type="text"' not in html and "<select" not in html
    assert response["ETag"].startswith('"') and "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_answers_304_until_something_it_shows_changes(login, alice, erin, taken):
    client = login(alice)
    first = live(client, taken)
    again = live(client, taken, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]

    edit_claim(erin, taken.pk, taken.version, {"priority": 95})
    changed = live(client, taken, HTTP_IF_NONE_MATCH=first["ETag"])
    html = changed.content.decode()
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert f'<span id="claim-version" hx-swap-oob="true">{taken.version + 1}</span>' in html
    assert "erin edited this claim" in html and "priority" in html
    assert Claim.objects.get(pk=taken.pk).priority == 95


def test_it_turns_pending_into_captured_when_the_capture_task_has_run(login, alice, taken, loopback_http_server):
    client = login(alice)
    evidence = add_evidence_url(alice, taken.pk, loopback_http_server.url("/page"), title="Pentagon briefing")
    before = live(client, taken)
    assert f'id="capture-{evidence.pk}"' in before.content.decode()
    assert "Capture: <strong>Pending</strong>" in before.content.decode()

    capture_evidence(evidence.pk)  # the task body a worker runs

    after = live(client, taken, HTTP_IF_NONE_MATCH=before["ETag"])
    html = after.content.decode()
    assert after.status_code == 200 and "Capture: <strong>Captured</strong>" in html
    assert "Snapshot" in html and f"/desk/evidence/{evidence.pk}/download?snapshot=" in html
    assert f'name="next" value="/desk/claims/{taken.pk}/"' in html  # "Capture again" returns to the page
    assert Evidence.objects.get(pk=evidence.pk).capture_status == "captured"


def test_it_warns_of_what_others_changed_but_not_of_the_users_own_evidence(login, alice, erin, taken):
    client = login(alice)
    add_evidence_url(alice, taken.pk, "https://example.org/report", title="Report")
    own = live(client, taken).content.decode()
    assert "Someone else changed" not in own
    assert f'<span id="claim-version" hx-swap-oob="true">{taken.version + 1}</span>' in own

    edit_claim(erin, taken.pk, taken.version + 1, {"priority": 95})
    html = live(client, taken).content.decode()
    assert "Someone else changed this claim while you were working" in html
    assert f"You opened version {taken.version}; it is now at version {taken.version + 2}" in html
    assert "erin edited this claim" in html and "alice added evidence" not in html


def test_it_leaves_an_older_history_page_alone(login, alice, taken):
    response = login(alice).get(f"/desk/claims/{taken.pk}/live?seen={taken.version}&history=2", **HTMX)
    assert response.status_code == 200 and 'id="claim-history"' not in response.content.decode()


def test_it_never_takes_the_messages_meant_for_the_next_page(login, alice, taken):
    client = login(alice)
    client.post(f"/desk/claims/{taken.pk}/extend")  # no HTMX: the message waits for the next page
    assert "Lease extended" not in live(client, taken).content.decode()
    assert "Lease extended until" in client.get(f"/desk/claims/{taken.pk}/").content.decode()


def test_it_keeps_its_query_count_fixed_however_much_evidence(
    login, alice, taken, loopback_http_server, django_assert_num_queries
):
    client = login(alice)
    evidence = add_evidence_url(alice, taken.pk, loopback_http_server.url("/page"), title="First")
    capture_evidence(evidence.pk)
    # Session, user, the desk role's permissions (2), then the ETag's two: the claim and its URL
    # evidence. A change adds the snapshots, the events since the version the page opened at (the
    # user's own evidence moved it) and the first history page.
    with django_assert_num_queries(9):
        first = live(client, taken)
    with django_assert_num_queries(6):
        assert live(client, taken, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    for i in range(10):
        more = add_evidence_url(alice, taken.pk, loopback_http_server.url(f"/page?{i}"), title=f"Report {i}")
        capture_evidence(more.pk)
    with django_assert_num_queries(9):
        response = live(client, taken)
    assert response.content.decode().count("Capture: <strong>Captured</strong>") == 11


def test_it_gives_nothing_to_people_without_a_desk_role(client, login, carol, taken):
    anonymous = live(client, taken)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    refused = live(login(carol), taken)
    assert refused.status_code == 403 and taken.text not in refused.content.decode()
    assert "lease-status" not in refused.content.decode() and "ETag" not in refused


def test_the_claim_page_polls_the_fragment_and_loads_the_script_that_steers_it(login, alice, taken):
    html = login(alice).get(f"/desk/claims/{taken.pk}/").content.decode()
    assert f'hx-get="/desk/claims/{taken.pk}/live?seen={taken.version}"' in html
    assert 'hx-trigger="every 5s, live:refresh"' in html and 'hx-swap="none"' in html and "data-live" in html
    assert "/static/desk/live.js" in html and 'id="live-conflict"' in html
    assert transitions.extend(alice, taken.pk).lease_owner == alice  # the poll itself changed nothing
