"""Times in the reader's zone: the profile page, the middleware that applies the
zone to desk pages (and only to them), and the zone's name beside every time."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import PASSWORD
from verification.desk.profile import SESSION_KEY
from verification.models import Claim, DeskProfile

pytestmark = pytest.mark.django_db
# Three days ahead (not overdue), in Tokyo, which keeps JST all year.
DUE = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
TOKYO = DUE.astimezone(ZoneInfo("Asia/Tokyo"))
STAMP = f'<time datetime="{DUE.isoformat()}">{TOKYO:%d %b %Y %H:%M} JST</time>'


def _due(claim) -> Claim:
    Claim.objects.filter(pk=claim.pk).update(due_at=DUE, first_made_at=DUE)
    return Claim.objects.get(pk=claim.pk)


def test_it_shows_the_desks_zone_until_the_user_chooses_one(login, alice):
    html = login(alice).get("/desk/profile").content.decode()
    assert "Desk pages show times in <strong>UTC</strong>" in html and " UTC</time>" in html
    assert '<option value="" selected>The desk&#x27;s default (UTC)</option>' in html
    assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in html
    assert 'href="/desk/profile"' in html  # the header links the user's name to it
    assert not DeskProfile.objects.exists()


def test_it_saves_the_zone_and_every_desk_time_shows_it(login, alice, taken):
    claim = _due(taken)
    client = login(alice)
    response = client.post("/desk/profile", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302 and response["Location"] == "/desk/profile"
    assert DeskProfile.objects.get(user=alice).time_zone == "Asia/Tokyo"
    assert "Times on the desk are now shown in Asia/Tokyo" in client.get("/desk/profile").content.decode()

    page = client.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert f"<dt>Due</dt><dd>{STAMP}</dd>" in page and f"<dt>First made</dt><dd>{STAMP}</dd>" in page
    assert "You hold this claim until <time" in page and " JST</time>" in page
    assert " UTC</time>" not in page
    queue = client.get("/desk/?tab=all").content.decode()
    assert f"{TOKYO:%d %b %H:%M} JST</time>" in queue  # Due
    assert "yours until <time" in queue and " JST</time>" in queue


def test_it_keeps_the_api_and_the_public_page_in_utc(login, alice, erin, published):
    DeskProfile.choose_time_zone(erin, "Asia/Tokyo")
    client = login(erin)
    api = client.get(f"/api/v1/claims/{published.pk}")
    assert api.status_code == 200 and api.json()["published_at"].endswith(("Z", "+00:00"))
    public = client.get(f"/claims/{published.pk}/").content.decode()
    assert "JST" not in public


def test_it_refuses_a_zone_it_does_not_know_naming_the_field(login, alice):
    DeskProfile.choose_time_zone(alice, "Europe/Kyiv")
    response = login(alice).post("/desk/profile", {"time_zone": "Mars/Olympus_Mons"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<label for="id_time_zone">Time zone</label>' in html
    assert 'id="id_time_zone-errors"' in html
    assert "“Mars/Olympus_Mons” is not a time zone name; choose one from the list (e.g. Europe/Kyiv)" in html
    assert DeskProfile.objects.get(user=alice).time_zone == "Europe/Kyiv"


def test_it_goes_back_to_the_desks_zone_when_the_user_chooses_the_default(login, alice, settings):
    settings.DESK_TIME_ZONE = "Asia/Kolkata"
    DeskProfile.choose_time_zone(alice, "Asia/Tokyo")
    client = login(alice)
    assert client.post("/desk/profile", {"time_zone": ""}).status_code == 302
    assert DeskProfile.objects.get(user=alice).time_zone == ""
    html = client.get("/desk/profile").content.decode()
    assert "Desk pages show times in <strong>Asia/Kolkata</strong>" in html and " IST</time>" in html


def test_it_learns_the_zone_at_login_and_reads_no_profile_on_each_page(client, alice, taken):
    claim = _due(taken)
    DeskProfile.choose_time_zone(alice, "Asia/Tokyo")
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert client.session[SESSION_KEY] == "Asia/Tokyo"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert STAMP in page
    assert not any("verification_deskprofile" in q["sql"] for q in queries.captured_queries)


def test_it_reads_the_profile_once_for_a_session_from_before_profiles(login, alice, taken):
    claim = _due(taken)
    client = login(alice)
    DeskProfile.choose_time_zone(alice, "Asia/Tokyo")
    session = client.session
    del session[SESSION_KEY]
    session.save()
    assert STAMP in client.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert client.session[SESSION_KEY] == "Asia/Tokyo"


def test_it_is_for_desk_users_only(client, login, carol):
    assert client.get("/desk/profile").status_code == 302
    response = login(carol).post("/desk/profile", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 403 and not DeskProfile.objects.exists()
