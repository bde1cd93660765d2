"""Every desk page fits a phone: in Chromium at 390×844 and 360×740 (and at
1280×800) no page scrolls sideways, with the long texts real desks hold (a
long claim, sources with long official names, long URLs and tags).

PAGES lists every desk page; a new page is added there. Phone screenshots of
every page go to test-output/screenshots/; with DESK_README_SCREENSHOTS=1 the
queue, claim page and sign-off list are also written to docs/screenshots/
(the README's phone row):

    DESK_README_SCREENSHOTS=1 .venv/bin/python -m pytest tests/desk/test_browser_phone_layout.py
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.services import require_chromium, require_shared_file
from verification.evidence.writes import add_evidence_note
from verification.intake import batches as intake
from verification.models.collaboration import ChecklistTemplate
from verification.workflow import transitions
from verification.workflow.checklists import tick
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim
from verification.workflow.discussion import post_comment

pytestmark = [pytest.mark.browser]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 300 * 1024
VIEWPORTS = [(390, 844), (360, 740), (1280, 800)]

LONG_CLAIM = (
    "Close to 11,000 North Korean soldiers are already in Russia's Kursk region and will be ready for combat "
    "against Ukraine by 1 November 2024, according to the head of Ukraine's military intelligence, who added "
    "that a further 2,600 were being trained at ranges in the Russian Far East and that their commanders had "
    "been issued Russian uniforms and identity papers naming them as Buryats from the Republic of Buryatia."
)
LONG_NAMES = [
    "Main Directorate of Intelligence of the Ministry of Defence of Ukraine (Головне управління розвідки)",
    "Strategic Communications and Information Security Centre under the Ministry of Culture",
    "The United States Department of Defense Press Operations Office (Pentagon Press Secretary)",
]
LONG_URL = "https://example.org/world/2024/11/04/north-korean-troops-kursk-region-combat-ready-intelligence-chief"

# (name, who looks, path from the data made below). Every desk page is here.
PAGES = [
    ("queue", "editor", lambda d: "/desk/?tab=all"),
    ("sign-off list", "editor", lambda d: "/desk/?tab=signoff"),
    ("my queue", "reviewer", lambda d: "/desk/?tab=mine"),
    ("claim page", "reviewer", lambda d: f"/desk/claims/{d['held'].pk}/"),
    ("claim awaiting sign-off", "editor", lambda d: f"/desk/claims/{d['assessed'].pk}/"),
    ("new claim", "reviewer", lambda d: "/desk/claims/new"),
    ("intake", "reviewer", lambda d: "/desk/intake/"),
    ("intake batch", "reviewer", lambda d: f"/desk/intake/{d['batch'].pk}/"),
    ("dashboard", "editor", lambda d: "/desk/dashboard"),
    ("notifications", "reviewer", lambda d: "/desk/notifications"),
    ("profile", "reviewer", lambda d: "/desk/profile"),
    ("source page", "editor", lambda d: f"/sources/{d['source'].pk}/"),
    ("public claim page", None, lambda d: f"/claims/{d['published'].pk}/"),
    ("login", None, lambda d: "/accounts/login/"),
]

# What sticks out past the right edge, for the failure message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
        " right=" + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 8)};
}"""


def _long_desk(alice, bob, erin, frank, make_source):
    """The seed story plus the long texts that break layouts, in every state a page shows."""
    ministry = make_source(LONG_NAMES[0], kind="military_intelligence", country="UA")
    centre = make_source(LONG_NAMES[1], kind="government_body", country="UA", parent=ministry)
    pentagon = make_source(LONG_NAMES[2], kind="government_body", country="US")

    def claim(text, priority, **extra):
        return create_claim(
            alice,
            ClaimInput(
                text=text,
                priority=priority,
                tags=["north-korea", "troop-deployment-to-the-kursk-region", "russia-ukraine-war"],
                attributions=[
                    AttributionInput(source=ministry, role="stated", quote="ready for combat by 1 November"),
                    AttributionInput(source=centre, role="relayed", relays_source=ministry),
                    AttributionInput(source=pentagon, role="could_not_confirm", quote="we continue to monitor"),
                ],
                appearances=[{"url": LONG_URL, "title": ""}],
                **extra,
            ),
        )

    published = claim(LONG_CLAIM, 100)
    taken = transitions.take_next(bob)
    transitions.assess(bob, taken.pk, verdict="unproven", confidence=0.45, rationale=f"One side only. {LONG_URL}")
    transitions.sign_off(erin, published.pk, note="Fine.")
    assessed = claim("Awaiting sign-off: " + LONG_CLAIM, 99, due_at=timezone.now() - timedelta(hours=3))
    taken = transitions.take_next(bob)
    transitions.assess(bob, taken.pk, verdict="misleading", confidence=0.7, rationale="Figures are inflated.")
    held = claim("Held by alice: " + LONG_CLAIM, 98)
    transitions.reassign(frank, held.pk, alice)
    add_evidence_note(alice, held.pk, f"Pentagon briefing transcript, see {LONG_URL}", title=LONG_NAMES[2])
    _discuss_and_check(alice, held)
    batch = intake.submit(alice, text=require_shared_file("seeds", "north-korean-troops-kursk.txt").read_text())
    intake.run_batch(batch.pk)
    return {"published": published, "assessed": assessed, "held": held, "batch": batch, "source": ministry}


def _discuss_and_check(alice, held):
    """The claim page's discussion and checklist, with the long words they get."""
    checklist = ChecklistTemplate.objects.create(name="Every claim")
    item = checklist.items.create(text="Geolocation of the footage checked against " + LONG_NAMES[0], order=1)
    checklist.items.create(text="Second source contacted (" + LONG_NAMES[2] + ")", order=2)
    tick(alice, held.pk, item.pk)
    post_comment(alice, held.pk, f"@bob see `{LONG_URL}` and <{LONG_URL}>: **{LONG_NAMES[1]}** says otherwise.")


def _open(desk_page, browser, live_server, who, users):
    if who is None:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page
    return desk_page(users[who])


@pytest.mark.django_db(transaction=True)
def test_it_never_scrolls_sideways_on_any_desk_page(
    desk_page, browser, live_server, shoot, seeded, alice, bob, erin, frank, make_source
):
    require_chromium()
    data = _long_desk(alice, bob, erin, frank, make_source)
    users = {"editor": erin, "reviewer": alice}
    pages = {who: _open(desk_page, browser, live_server, who, users) for who in ("editor", "reviewer", None)}
    failures = []
    for width, height in VIEWPORTS:
        for page in pages.values():
            page.set_viewport_size({"width": width, "height": height})
        for name, who, path in PAGES:
            page = pages[who]
            response = page.goto(live_server.url + path(data))
            assert response.status == 200, f"{name} at {width} px answered {response.status}"
            fit = page.evaluate(OVERFLOW)
            if fit["scrollWidth"] > fit["innerWidth"]:
                failures.append(f"{name} at {width}×{height}: {fit}")
            if width == 390:
                shoot(page, f"phone-{name.replace(' ', '-')}")
            elif width == 1280 and name == "claim page":
                shoot(page, "wide-claim-page")
    assert not failures, "pages scroll sideways:\n" + "\n".join(failures)


@pytest.mark.django_db(transaction=True)
def test_it_shows_cards_a_list_and_a_one_tap_assessment_on_a_phone(
    desk_page, live_server, seeded, alice, bob, erin, frank, make_source, tmp_path
):
    require_chromium()
    data = _long_desk(alice, bob, erin, frank, make_source)
    out = DOCS if os.environ.get("DESK_README_SCREENSHOTS") == "1" else tmp_path

    editor = desk_page(erin, width=390, height=844)
    editor.goto(f"{live_server.url}/desk/?tab=signoff")
    card = editor.locator("#queue-results tr[data-queue-row]").first
    expect(card).to_contain_text("Misleading")
    expect(card).to_contain_text("proposed")
    expect(editor.locator("#queue-results thead")).not_to_be_in_viewport()
    # A card, not a column: the claim's text takes the card's width.
    assert card.locator(".card-title").bounding_box()["width"] > 300
    assert (
        card.locator("[data-label=Reviewer]").evaluate("el => getComputedStyle(el, '::before').content") == '"Reviewer"'
    )
    # The README shows the cards, below the filters.
    editor.locator("#queue-results").evaluate("el => el.scrollIntoView()")
    editor.screenshot(path=str(out / "phone-signoff.png"))
    editor.goto(f"{live_server.url}/desk/?tab=all")
    editor.locator("#queue-results").evaluate("el => el.scrollIntoView()")
    editor.screenshot(path=str(out / "phone-queue.png"))

    reviewer = desk_page(alice, width=390, height=844)
    reviewer.goto(f"{live_server.url}/desk/claims/{data['held'].pk}/")
    # The diagram gives way to the list, which names every source in full.
    expect(reviewer.get_by_role("img", name="Attribution chain")).to_be_hidden()
    for name in LONG_NAMES:
        expect(reviewer.locator(".chain-list")).to_contain_text(name)
    reviewer.screenshot(path=str(out / "phone-claim.png"))
    # One tap from anywhere on the page: the jump links stay at the top.
    reviewer.evaluate("window.scrollTo(0, 2500)")
    jump = reviewer.get_by_role("navigation", name="Jump to")
    expect(jump).to_be_in_viewport()
    jump.get_by_role("link", name="Assess").click()
    expect(reviewer.get_by_label("Verdict")).to_be_in_viewport()
    reviewer.screenshot(path=str(out / "phone-assess.png"))

    wide = desk_page(alice)
    wide.goto(f"{live_server.url}/desk/claims/{data['held'].pk}/")
    expect(wide.get_by_role("img", name="Attribution chain")).to_be_visible()
    for name in ("phone-queue", "phone-signoff", "phone-claim", "phone-assess"):
        size = (out / f"{name}.png").stat().st_size
        assert size < MAX_BYTES, f"{name}.png is {size} bytes; keep README images under {MAX_BYTES}"
