"""Live pages in Chromium, against a live server with a real Celery worker: a
capture finishing, and someone else's change, show on an open claim page
without a reload and without touching what the user is typing; a hidden tab
stops asking, and an unchanged claim is answered with 304."""

import threading
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium
from tests.verification.conftest import _Server
from verification.models import Claim, Evidence

pytestmark = [pytest.mark.browser, pytest.mark.worker]
BRIEFING = b"<!doctype html><html><head><title>Briefing</title></head><body><p>We cannot confirm it.</p></body></html>"
NOTE = "Called the Pentagon press office; waiting for a call back."
HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
  Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  delete document.visibilityState; delete document.hidden;
  document.dispatchEvent(new Event("visibilitychange"));
}"""


class _GatedPage(BaseHTTPRequestHandler):
    """Answers only once the test opens the gate: the page is seen saying "Pending" first."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.asked.set()
        self.server.gate.wait(20)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(BRIEFING)))
        self.end_headers()
        self.wfile.write(BRIEFING)


@pytest.fixture
def gated_page():
    server = _Server(("127.0.0.1", 0), _GatedPage)
    server.asked, server.gate = threading.Event(), threading.Event()
    server.url = f"http://127.0.0.1:{server.server_port}/briefing"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.gate.set()
    server.shutdown()
    server.server_close()


def _mark_no_reload(page):
    page.evaluate("() => { window.__stillTheSamePage = true; }")


def _not_reloaded(page) -> bool:
    return page.evaluate("() => window.__stillTheSamePage === true")


@pytest.mark.django_db(transaction=True)
def test_it_turns_pending_into_captured_without_a_reload(
    celery_worker, desk_page, shoot, settings, alice, story_claim, gated_page
):
    require_chromium()
    settings.LIVE_POLL_SECONDS = 2
    page = desk_page(alice)
    page.goto(page.url.replace("/desk/", f"/desk/claims/{story_claim.pk}/"))
    _mark_no_reload(page)
    version = story_claim.version

    page.get_by_text("Add evidence").click()
    page.locator("#ev-url").fill(gated_page.url)
    page.locator("#ev-url-title").fill("Pentagon briefing")
    page.get_by_role("button", name="Add URL").click()
    expect(page.locator("#evidence-panel")).to_contain_text("Pentagon briefing")
    evidence = Evidence.objects.get(claim=story_claim, title="Pentagon briefing")
    capture = page.locator(f"#capture-{evidence.pk}")
    expect(capture).to_contain_text("Capture: Pending")
    # The user's own evidence moved the version: the page follows at once, warning of nothing.
    expect(page.locator("#claim-version")).to_have_text(str(version + 1))
    expect(page.locator("#claim-history")).to_contain_text("alice evidence")
    expect(page.locator("#live-conflict")).to_be_empty()

    page.get_by_text("Add evidence").click()  # start typing a note while the worker captures
    page.locator("#ev-notes").fill(NOTE)
    assert gated_page.asked.wait(30), "the worker never asked for the page"
    expect(capture).to_contain_text("Capture: Pending")
    gated_page.gate.set()

    expect(capture).to_contain_text("Capture: Captured", timeout=45_000)
    expect(capture).to_contain_text("Snapshot")
    expect(page.locator("#ev-notes")).to_have_value(NOTE)  # nothing typed was swapped away
    assert _not_reloaded(page)
    shoot(page, "live-capture-finished")
    evidence.refresh_from_db()
    assert evidence.capture_status == "captured" and evidence.snapshots.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_warns_of_someone_elses_change_and_shows_the_new_version_without_a_reload(
    desk_page, shoot, settings, erin, frank, story_claim
):
    require_chromium()
    settings.LIVE_POLL_SECONDS = 2
    first, second = desk_page(erin), desk_page(frank)
    for page in (first, second):
        page.goto(page.url.replace("/desk/", f"/desk/claims/{story_claim.pk}/"))
        page.get_by_text("Edit claim text, language and priority").click()
    _mark_no_reload(second)
    mine = "Frank's wording: Pyongyang sent 11,000 troops to Russia's Kursk region."
    second.get_by_role("textbox", name="Claim text").fill(mine)

    first.get_by_role("textbox", name="Claim text").fill("North Korea has sent about 11,000 soldiers to Kursk.")
    first.get_by_role("button", name="Save claim").click()
    expect(first.locator(".messages")).to_contain_text("Claim saved.")

    warning = second.get_by_role("alert").filter(has_text="Someone else changed this claim while you were working")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_contain_text("erin edited this claim")
    expect(warning).to_contain_text("North Korea has sent about 11,000 soldiers to Kursk.")
    expect(second.locator("#claim-version")).to_have_text(str(story_claim.version + 1))
    expect(second.locator("#claim-history")).to_contain_text("erin edited")
    expect(second.get_by_role("textbox", name="Claim text")).to_have_value(mine)
    assert _not_reloaded(second)
    shoot(second, "live-someone-else-changed")
    assert Claim.objects.get(pk=story_claim.pk).text == "North Korea has sent about 11,000 soldiers to Kursk."


@pytest.mark.django_db(transaction=True)
def test_it_stops_asking_while_the_tab_is_hidden_and_asks_at_once_when_shown(desk_page, settings, alice, story_claim):
    require_chromium()
    settings.LIVE_POLL_SECONDS = 2
    page = desk_page(alice)
    answers = []
    page.on("response", lambda r: answers.append(r.status) if "/live?" in r.url else None)
    page.goto(page.url.replace("/desk/", f"/desk/claims/{story_claim.pk}/"))
    page.wait_for_timeout(5_000)
    assert answers[:1] == [200] and 304 in answers[1:], answers  # unchanged: no body after the first
    assert set(answers[1:]) == {304}

    page.evaluate(HIDE)
    page.wait_for_timeout(500)  # a request already on its way may still land
    while_hidden = len(answers)
    page.wait_for_timeout(6_000)  # three intervals
    assert len(answers) == while_hidden, "the hidden tab kept asking"
    expect(page.locator("#claim-live")).to_have_attribute("data-live-state", "paused")

    with page.expect_response(lambda r: "/live?" in r.url, timeout=1_500):
        page.evaluate(SHOW)  # asks at once, not at the next interval
    expect(page.locator("#claim-live")).to_have_attribute("data-live-state", "polling")
