"""The evidence viewer in Chromium: a thumbnail on the claim page opens the picture
large in a modal dialog with a link to the original, by mouse or keyboard, Esc
closes it and gives focus back, and nothing breaks the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import _loopback_only
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import png, sideways_jpeg
from tests.services import require_chromium
from verification.evidence import previews
from verification.evidence.writes import add_evidence_file
from verification.workflow import transitions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csp_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    return errors


def test_it_opens_a_thumbnail_large_and_closes_it_with_escape(desk_page, shoot, alice, story_claim):
    require_chromium()
    evidence = add_evidence_file(
        alice, story_claim.pk, upload(sideways_jpeg(1600, 800), "gate.jpg", "image/jpeg"), title="Photo of the gate"
    )
    previews.make(evidence.stored_file_id)
    page = desk_page(alice)
    errors = _csp_errors(page)
    page.goto(page.url.replace("/desk/", f"/desk/claims/{story_claim.pk}/"))

    thumbnail = page.get_by_role("link", name="Preview of Photo of the gate")
    expect(thumbnail).to_be_visible()
    thumbnail.click()

    viewer = page.get_by_role("dialog", name="Photo of the gate")
    expect(viewer).to_be_visible()
    large = viewer.get_by_role("img", name="Preview of Photo of the gate")
    expect(large).to_be_visible()
    page.wait_for_function("() => document.querySelector('.viewer-image').naturalWidth > 0")
    assert large.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [640, 1280]  # upright, bounded
    original = viewer.get_by_role("link", name="Download the original")
    expect(original).to_have_attribute("href", f"/desk/evidence/{evidence.pk}/download")
    expect(viewer.get_by_role("button", name="Close")).to_be_focused()
    shoot(page, "evidence-viewer-open")

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(thumbnail).to_be_focused()

    # By keyboard alone: Enter on the focused thumbnail opens it, Esc closes it again.
    page.keyboard.press("Enter")
    expect(viewer).to_be_visible()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    assert errors == []
    assert evidence.custody.filter(action="downloaded").count() == 0  # looking is not downloading


def test_it_opens_a_published_picture_for_a_reader(browser, live_server, alice, erin, story_claim):
    require_chromium()
    evidence = add_evidence_file(
        alice,
        story_claim.pk,
        upload(png(900, 600), "gate.png", "image/png"),
        title="Camp gate",
        public_note="Shared by the regiment's press office.",
    )
    previews.make(evidence.stored_file_id)
    transitions.take_next(alice)
    transitions.assess(alice, story_claim.pk, verdict="unproven", confidence=0.4, rationale="One side only.")
    transitions.sign_off(erin, story_claim.pk)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", _loopback_only)
    page = context.new_page()
    errors = _csp_errors(page)
    page.goto(f"{live_server.url}/claims/{story_claim.pk}/")

    expect(page.get_by_text("Shared by the regiment's press office.")).to_be_visible()
    page.get_by_role("img", name="Camp gate").click()
    viewer = page.get_by_role("dialog", name="Camp gate")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_role("link", name="Download the original")).to_be_hidden()  # readers get our picture only
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    assert errors == []
    context.close()
