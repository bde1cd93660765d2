"""Password guessing is locked out (django-axes), per account and address and per
address, with a page that says when to try again; admins see the attempts.

Defaults (config/settings.py): 10 failures for one account from one address,
30 from one address whatever the accounts, lifted 15 minutes after the last.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.services import require_chromium

GUESSER = "192.0.2.10"
ELSEWHERE = "198.51.100.20"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _assert_lockout_page(response, username):
    html = response.content.decode()
    assert response.status_code == 429, html[:500]
    assert "Login locked for now" in html and f"for “{username}”" in html
    assert "Try again in 15 minutes" in html and "ask an admin of this desk" in html


@pytest.mark.django_db
def test_it_locks_an_account_after_ten_wrong_passwords_even_for_the_right_one(erin):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for attempt in range(1, 10):
        response = _login(guesser, "erin", f"guess-{attempt}")
        assert response.status_code == 200 and "did not match" in response.content.decode(), attempt
    _assert_lockout_page(_login(guesser, "erin", "guess-10"), "erin")

    _assert_lockout_page(_login(guesser, "erin", PASSWORD), "erin")
    assert not _logged_in(guesser)
    # No session, so the API (which takes sessions) refuses this client too.
    assert guesser.get("/api/v1/claims").status_code in (401, 403)
    attempt = AccessAttempt.objects.get(username="erin", ip_address=GUESSER)
    assert attempt.failures_since_start == 11  # the right password while locked counts as a failure
    assert not AccessLog.objects.filter(username="erin").exists()


@pytest.mark.django_db
def test_it_leaves_other_accounts_and_addresses_alone(erin, alice):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for attempt in range(10):
        _login(guesser, "erin", f"guess-{attempt}")
    _assert_lockout_page(_login(guesser, "erin", PASSWORD), "erin")

    colleague = Client(REMOTE_ADDR=ELSEWHERE)
    response = _login(colleague, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/desk/"
    # The guesser cannot lock erin out of her own desk from another address.
    erin_at_work = Client(REMOTE_ADDR=ELSEWHERE)
    assert _login(erin_at_work, "erin", PASSWORD).status_code == 302 and _logged_in(erin_at_work)
    assert list(AccessLog.objects.values_list("username", "ip_address").order_by("username")) == [
        ("alice", ELSEWHERE),
        ("erin", ELSEWHERE),
    ]


@pytest.mark.django_db
def test_it_locks_an_address_after_thirty_wrong_passwords_for_any_accounts(alice):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for attempt in range(29):  # three guesses each for ten names: no account reaches its limit of ten
        response = _login(guesser, f"user{attempt % 10}", "guess")
        assert response.status_code == 200, attempt
    _assert_lockout_page(_login(guesser, "user9", "guess"), "user9")

    _assert_lockout_page(_login(guesser, "alice", PASSWORD), "alice")
    assert not _logged_in(guesser)
    assert _login(Client(REMOTE_ADDR=ELSEWHERE), "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_it_lets_the_right_password_in_again_after_the_cool_off(erin):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for attempt in range(10):
        _login(guesser, "erin", f"guess-{attempt}")
    _assert_lockout_page(_login(guesser, "erin", PASSWORD), "erin")

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _login(guesser, "erin", PASSWORD)
    assert response.status_code == 302 and _logged_in(guesser)
    assert not AccessAttempt.objects.exists()  # expired attempts are cleaned up


@pytest.mark.django_db
def test_it_shows_the_attempts_to_an_admin_who_can_lift_the_lockout(client, adam, alice, erin):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for attempt in range(10):
        _login(guesser, "erin", f"guess-{attempt}")

    client.force_login(adam)
    listing = client.get("/admin/axes/accessattempt/")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "erin" in html and GUESSER in html and "Locked Out" in html
    assert client.get("/admin/axes/accesslog/").status_code == 200
    assert client.get("/admin/axes/accessfailurelog/").status_code == 200

    attempt = AccessAttempt.objects.get(username="erin", ip_address=GUESSER)
    lifted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert lifted.status_code == 302 and not AccessAttempt.objects.exists()
    assert _login(guesser, "erin", PASSWORD).status_code == 302 and _logged_in(guesser)

    client.force_login(alice)  # a fact-checker does not see who tried to log in
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_it_locks_the_admin_login_page_too(adam):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for attempt in range(10):
        guesser.post("/admin/login/", {"username": "adam", "password": f"guess-{attempt}"})
    _assert_lockout_page(guesser.post("/admin/login/", {"username": "adam", "password": PASSWORD}), "adam")
    assert not _logged_in(guesser)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_lockout_page_in_a_browser_after_wrong_passwords(browser, live_server, shoot, erin):
    require_chromium()
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    for attempt in range(1, 10):
        page.get_by_label("User name").fill("erin")
        page.get_by_label("Password").fill(f"guess-{attempt}")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_contain_text("did not match")
    page.get_by_label("User name").fill("erin")
    page.get_by_label("Password").fill("guess-10")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Login locked for now")).to_be_visible()
    expect(page.get_by_text("Try again in 15 minutes")).to_be_visible()
    shoot(page, "login-lockout")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Login locked for now")).to_be_visible()
    assert "/desk/" not in page.url
    assert AccessAttempt.objects.get(username="erin").failures_since_start == 11
    context.close()
