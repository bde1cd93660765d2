"""Keyboard shortcuts (static/desk/shortcuts.js) in Chromium: "?" help, j/k in the
queue, g-sequences, n takes the next claim, a reaches the verdict, e adds evidence;
none of them fires while typing in a field or with a modifier key held."""

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium
from verification.models import Claim
from verification.workflow import transitions

pytestmark = [pytest.mark.browser]


def _focused(page, prop="id"):
    return page.evaluate(f"() => document.activeElement && document.activeElement.{prop}")


@pytest.mark.django_db(transaction=True)
def test_it_opens_the_help_and_gives_focus_back_when_it_closes(desk_page, shoot, alice, story_claim):
    require_chromium()
    page = desk_page(alice)
    tab = page.get_by_role("link", name="All")
    tab.focus()
    page.keyboard.press("?")
    help = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help).to_be_visible()
    expect(help).to_contain_text("Take the next claim")
    shoot(page, "shortcuts-help")
    page.keyboard.press("j")  # nothing behind the dialog reacts while it is open
    assert page.evaluate("() => document.querySelectorAll('[data-queue-row].is-current').length") == 0
    page.keyboard.press("Escape")
    expect(help).to_be_hidden()
    assert _focused(page, "textContent").strip() == "All"

    page.get_by_role("button", name="Shortcuts").click()
    expect(help).to_be_visible()
    help.get_by_role("button", name="Close").click()
    expect(help).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_it_moves_in_the_queue_and_goes_to_pages(desk_page, live_server, alice, story_claim, make_claim):
    require_chromium()
    second = make_claim("A second claim about drones over the port", priority=10)
    page = desk_page(alice)
    page.keyboard.press("j")
    assert _focused(page, "textContent").startswith("North Korea has sent")
    page.keyboard.press("j")
    assert _focused(page, "textContent").startswith("A second claim")
    expect(page.locator("[data-queue-row].is-current")).to_contain_text("A second claim")
    page.keyboard.press("k")
    assert _focused(page, "textContent").startswith("North Korea has sent")
    page.keyboard.press("/")
    assert _focused(page) == "id_q"

    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("g")
    page.keyboard.press("d")
    page.wait_for_url(f"{live_server.url}/desk/dashboard")
    page.keyboard.press("g")
    page.keyboard.press("q")
    page.wait_for_url(f"{live_server.url}/desk/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/desk/claims/{second.pk}/")


@pytest.mark.django_db(transaction=True)
def test_it_takes_the_next_claim_and_reaches_the_verdict_and_evidence(desk_page, live_server, alice, story_claim):
    require_chromium()
    page = desk_page(alice)
    page.keyboard.press("n")
    page.wait_for_url(f"{live_server.url}/desk/claims/{story_claim.pk}/")
    claim = Claim.objects.get(pk=story_claim.pk)
    assert (claim.state, claim.lease_owner) == ("in_review", alice)

    page.keyboard.press("Alt+a")  # a modifier: the browser's, not ours
    assert _focused(page, "name") != "verdict"
    page.keyboard.press("a")
    assert _focused(page) == "id_verdict"
    expect(page.get_by_label("Verdict")).to_be_in_viewport()
    page.keyboard.press("ArrowDown")  # the select has focus: the keyboard picks a verdict
    assert page.get_by_label("Verdict").input_value() != ""

    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("e")
    expect(page.locator("#evidence-panel details.add-evidence")).to_have_attribute("open", "")
    assert _focused(page) == "ev-url"


@pytest.mark.django_db(transaction=True)
def test_it_never_fires_while_typing(desk_page, live_server, alice, story_claim, make_claim):
    require_chromium()
    make_claim("Another queued claim", priority=10)
    taken = transitions.take_next(alice)
    page = desk_page(alice)
    page.goto(f"{live_server.url}/desk/claims/{taken.pk}/")
    rationale = page.get_by_label("Rationale")
    rationale.click()
    page.keyboard.type("n a e g d ? j")
    expect(rationale).to_have_value("n a e g d ? j")
    assert page.url == f"{live_server.url}/desk/claims/{taken.pk}/"
    assert _focused(page) == "id_rationale"
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    # Still one claim held, the other still queued: "n" took nothing.
    assert list(Claim.objects.filter(lease_owner=alice).values_list("pk", flat=True)) == [taken.pk]
    assert Claim.objects.filter(state="queued").count() == 1

    page.get_by_label("Verdict").focus()
    page.keyboard.press("e")  # in a select, a letter picks an option; it does not open the evidence form
    expect(page.locator("#evidence-panel details.add-evidence")).not_to_have_attribute("open", "")


@pytest.mark.django_db(transaction=True)
def test_it_reaches_the_verdict_in_five_keys_without_shortcuts(desk_page, live_server, alice, story_claim):
    require_chromium()
    taken = transitions.take_next(alice)
    page = desk_page(alice)
    page.goto(f"{live_server.url}/desk/claims/{taken.pk}/")
    for key in ("Tab", "Enter", "Tab", "Enter", "Tab"):  # skip to content, the Assess jump link, the verdict
        page.keyboard.press(key)
    assert _focused(page) == "id_verdict"
