"""Verification checklists on the claim page: the lists that apply (all claims,
or by tag), ticks and unticks with who and when, kept as rows and history, and
sign-off warning (or, by the setting, refusing) while required items are open."""

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import make_user
from verification.models import ChecklistTemplate, ChecklistTick, Claim, ClaimEvent, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    """One list for every claim, one for claims tagged "war", one for "sport" (the story is war, troops)."""
    every = ChecklistTemplate.objects.create(name="Every claim")
    origin = every.items.create(text="Origin of the video traced", required=True, order=10)
    second = every.items.create(text="Second source contacted", required=False, order=20)
    war = ChecklistTemplate.objects.create(name="War claims", tag=Tag.objects.get_or_create(name="war")[0])
    geo = war.items.create(text="Geolocation checked", required=True, order=10)
    war.items.create(text="Retired item", required=True, order=5, active=False)
    sport = ChecklistTemplate.objects.create(name="Sport", tag=Tag.objects.get_or_create(name="sport")[0])
    sport.items.create(text="Score confirmed with the league", order=10)
    ChecklistTemplate.objects.create(name="Retired list", active=False).items.create(text="Old step", order=1)
    return {"origin": origin, "second": second, "geo": geo}


def _tick(client, claim, item, ticked=True, **headers):
    return client.post(f"/desk/claims/{claim.pk}/checklist/{item.pk}", {"ticked": "1" if ticked else "0"}, **headers)


def _panel(html: str) -> str:
    start = html.index('id="checklist"')
    return html[start : html.index("</section>", start)]


def test_it_shows_the_lists_for_every_claim_and_for_the_claims_tags_in_order(login, alice, story_claim, lists):
    panel = _panel(login(alice).get(f"/desk/claims/{story_claim.pk}/").content.decode())
    texts = ["Origin of the video traced", "Second source contacted", "Geolocation checked"]
    assert [panel.index(t) for t in texts] == sorted(panel.index(t) for t in texts)
    for absent in ("Score confirmed", "Retired item", "Old step"):
        assert absent not in panel
    assert "2 required items open" in panel and "sign-off will warn" in panel
    assert panel.count(">Tick</button>") == 3


def test_it_records_who_ticked_and_unticked_and_when(login, alice, bob, story_claim, lists):
    before = Claim.objects.get(pk=story_claim.pk).version
    assert _tick(login(alice), story_claim, lists["origin"]).status_code == 302
    html = login(bob).get(f"/desk/claims/{story_claim.pk}/").content.decode()
    panel = _panel(html)
    assert "ticked by alice" in panel and "<time datetime=" in panel and "1 required item open" in panel
    assert "<strong>alice</strong> ticked a checklist item" in html and "“Origin of the video traced”" in html

    assert _tick(login(bob), story_claim, lists["origin"], ticked=False).status_code == 302
    assert "unticked by bob" in _panel(login(alice).get(f"/desk/claims/{story_claim.pk}/").content.decode())

    rows = list(ChecklistTick.objects.order_by("id").values_list("item_id", "ticked", "actor__username"))
    assert rows == [(lists["origin"].pk, True, "alice"), (lists["origin"].pk, False, "bob")]
    events = list(ClaimEvent.objects.filter(kind__startswith="checklist").order_by("id"))
    assert [(e.kind, e.actor.username, e.note, e.changes) for e in events] == [
        ("checklist_ticked", "alice", "Origin of the video traced", {"item_id": lists["origin"].pk, "ticked": True}),
        ("checklist_unticked", "bob", "Origin of the video traced", {"item_id": lists["origin"].pk, "ticked": False}),
    ]
    assert Claim.objects.get(pk=story_claim.pk).version == before + 2


def test_it_writes_one_row_when_two_people_tick_the_same_item(login, alice, erin, story_claim, lists):
    _tick(login(alice), story_claim, lists["geo"])
    _tick(login(erin), story_claim, lists["geo"])
    assert ChecklistTick.objects.count() == 1 and ClaimEvent.objects.filter(kind="checklist_ticked").count() == 1
    assert ChecklistTick.objects.get().actor == alice


def test_it_answers_htmx_with_the_refreshed_panel(login, alice, story_claim, lists):
    response = _tick(login(alice), story_claim, lists["origin"], HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section class="panel checklist"')
    assert "ticked by alice" in html and "Untick “Origin of the video traced”" in html


def test_it_refuses_an_item_that_is_not_on_the_claims_checklist(login, alice, story_claim, lists):
    sport_item = ChecklistTemplate.objects.get(name="Sport").items.get()
    response = _tick(login(alice), story_claim, sport_item, follow=True)
    assert "is not on this claim&#x27;s checklist (any more): reload." in response.content.decode()
    assert not ChecklistTick.objects.exists()


def test_it_lets_only_reviewers_and_editors_tick(login, story_claim, lists, carol):
    viewer = make_user("viola")  # may see the desk, not work on it
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    html = login(viewer).get(f"/desk/claims/{story_claim.pk}/").content.decode()
    assert "Origin of the video traced" in html and ">Tick</button>" not in html
    refused = _tick(login(viewer), story_claim, lists["origin"], follow=True)
    assert "You do not have the right to tick checklist items" in refused.content.decode()
    assert _tick(login(carol), story_claim, lists["origin"]).status_code == 403
    assert not ChecklistTick.objects.exists() and not ClaimEvent.objects.filter(kind="checklist_ticked").exists()


def test_it_signs_off_with_a_warning_while_required_items_are_open(login, alice, erin, assessed, lists, settings):
    settings.CHECKLIST_BLOCKS_SIGNOFF = False
    _tick(login(alice), assessed, lists["origin"])
    claim = Claim.objects.get(pk=assessed.pk)
    response = login(erin).post(f"/desk/claims/{claim.pk}/signoff", {"version": claim.version}, follow=True)
    html = response.content.decode()
    assert "Signed off: the verdict is published." in html
    assert "Signed off with 1 required checklist item open: “Geolocation checked”." in html
    claim = Claim.objects.get(pk=assessed.pk)
    assert claim.state == "published"
    assert claim.events.get(kind="published").changes["open_checklist_items"] == ["Geolocation checked"]


def test_it_refuses_sign_off_while_required_items_are_open_when_the_setting_says_so(
    login, alice, erin, assessed, lists, settings
):
    settings.CHECKLIST_BLOCKS_SIGNOFF = True
    client = login(erin)
    assert "sign-off is refused until they are ticked" in client.get(f"/desk/claims/{assessed.pk}/").content.decode()
    response = client.post(f"/desk/claims/{assessed.pk}/signoff", {"version": assessed.version})
    html = response.content.decode()
    assert response.status_code == 409
    assert "2 required checklist items still open: “Origin of the video traced”, “Geolocation checked”" in html
    claim = Claim.objects.get(pk=assessed.pk)
    assert (claim.state, claim.version) == ("awaiting_signoff", assessed.version)
    assert not claim.events.filter(kind="published").exists()

    _tick(client, assessed, lists["origin"])
    _tick(login(alice), assessed, lists["geo"])  # the optional "second source" may stay open
    claim = Claim.objects.get(pk=assessed.pk)
    response = login(erin).post(f"/desk/claims/{claim.pk}/signoff", {"version": claim.version}, follow=True)
    assert "Signed off: the verdict is published." in response.content.decode()
    claim = Claim.objects.get(pk=assessed.pk)
    assert claim.state == "published" and "open_checklist_items" not in claim.events.get(kind="published").changes


def test_it_keeps_the_page_query_count_however_many_ticks(
    login, alice, erin, story_claim, lists, django_assert_max_num_queries
):
    _tick(login(alice), story_claim, lists["origin"])
    client = login(erin)  # one test client: logging in switches its user
    with django_assert_max_num_queries(33) as few:  # the claim page's 32 (test_claim_page.py), +1 for the ticks
        assert client.get(f"/desk/claims/{story_claim.pk}/").status_code == 200
    counted = len(few.captured_queries)  # now: each request below starts a fresh query log
    for i in range(10):
        _tick(login(alice), story_claim, lists["geo"], ticked=i % 2 == 0)
        _tick(login(erin), story_claim, lists["second"], ticked=i % 2 == 1)
    client = login(erin)
    with django_assert_max_num_queries(counted) as many:
        assert "unticked by alice" in client.get(f"/desk/claims/{story_claim.pk}/").content.decode()
    assert len(many.captured_queries) == counted
