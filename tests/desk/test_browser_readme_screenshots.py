"""Makes the README's screenshots (queue, claim page, dashboard).

Every run makes them into a temporary folder and checks their size, so the
pages they show keep rendering; only with DESK_README_SCREENSHOTS=1 are they
written over the committed ones in docs/screenshots/:

    DESK_README_SCREENSHOTS=1 .venv/bin/python -m pytest tests/desk/test_browser_readme_screenshots.py

The data is the seed story plus generated demo activity (extra claims
published over the last two weeks) so the charts have something to show.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.services import require_chromium
from verification.models import Claim, ClaimEvent
from verification.workflow import transitions

pytestmark = [pytest.mark.browser]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 300 * 1024


def _demo_activity(alice, bob, erin, frank, make_claim):
    """Published verdicts spread over 14 days, a few overdue claims, some in review."""
    now = timezone.now()
    for day in range(14):
        for n in range((day * 7) % 4 + 1):
            reviewer, confidence = (alice, 0.8) if n % 2 == 0 else (bob, 0.65)
            claim = make_claim(f"Demo claim {day}-{n}: a figure given by one side of the war.", priority=100)
            taken = transitions.take_next(reviewer)
            verdict = ("unproven", "false", "misleading", "likely_true")[(day + n) % 4]
            transitions.assess(reviewer, taken.pk, verdict=verdict, confidence=confidence, rationale="Demo.")
            transitions.sign_off(erin if n % 2 else frank, claim.pk)
            when = now - timedelta(days=13 - day, hours=n)
            ClaimEvent.objects.filter(claim=claim, kind="published").update(created_at=when)
            Claim.objects.filter(pk=claim.pk).update(
                created_at=when - timedelta(hours=5 + n * 3), first_published_at=when
            )
    _retest_some(alice, bob, erin, frank)
    for i in range(3):
        make_claim(
            f"Overdue demo claim {i}: casualty figures from a regional governor.",
            priority=75,
            due_at=now - timedelta(hours=2 + i * 5),
            tags=["casualties"],
        )


def _retest_some(alice, bob, erin, frank):
    """Reopen some published verdicts and publish them again, confirmed or revised,
    so reviewer calibration has tested verdicts to score."""
    from verification.credibility.calibration import recompute

    demo = Claim.objects.filter(text__startswith="Demo claim", state="published").select_related("published_assessment")
    for i, claim in enumerate(demo.order_by("id")[:14]):
        first = claim.published_assessment
        other = bob if first.reviewer_id == alice.pk else alice
        transitions.reopen(frank, claim.pk, "Re-checked with new material.")
        taken = transitions.take_next(other)
        verdict = first.verdict if i % 4 else "disputed"  # one in four is revised
        transitions.assess(other, taken.pk, verdict=verdict, confidence=0.75, rationale="Demo re-check.")
        transitions.sign_off(erin, claim.pk)
        events = list(ClaimEvent.objects.filter(claim=claim, kind="published").order_by("id"))
        again = min(events[0].created_at + timedelta(days=1, hours=i), timezone.now())
        ClaimEvent.objects.filter(pk=events[-1].pk).update(created_at=again)
    recompute()


@pytest.mark.django_db(transaction=True)
def test_it_makes_the_readme_screenshots(desk_page, seeded, alice, bob, erin, frank, make_claim, tmp_path):
    require_chromium()
    _demo_activity(alice, bob, erin, frank, make_claim)
    seed_claim = Claim.objects.filter(text__icontains="11,000").order_by("id").first()
    out = DOCS if os.environ.get("DESK_README_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)

    editor = desk_page(erin, height=860)
    expect(editor.locator("#queue-results")).to_contain_text("North Korea")
    editor.screenshot(path=str(out / "queue.png"))

    editor.get_by_role("link", name="Dashboard").click()
    expect(editor.get_by_role("img", name="Backlog by state")).to_be_visible()
    editor.screenshot(path=str(out / "dashboard.png"), full_page=True)

    transitions.reassign(erin, seed_claim.pk, alice)
    reviewer = desk_page(alice, height=1000)
    reviewer.goto(reviewer.url.replace("/desk/", f"/desk/claims/{seed_claim.pk}/"))
    expect(reviewer.get_by_role("img", name="Attribution chain")).to_be_visible()
    reviewer.get_by_label("Verdict").select_option("unproven")
    reviewer.get_by_label("Rationale").fill("Only a party to the war gives the figure; the Pentagon cannot confirm it.")
    reviewer.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    reviewer.screenshot(path=str(out / "claim.png"))

    for name in ("queue", "claim", "dashboard"):
        size = (out / f"{name}.png").stat().st_size
        assert size < MAX_BYTES, f"{name}.png is {size} bytes; keep README images under {MAX_BYTES}"
