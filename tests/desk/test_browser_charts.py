"""The dashboard and a source page draw their charts as SVG in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium
from verification.credibility.track_records import recompute_sources
from verification.workflow import transitions

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def _publish(claim, reviewer, editor, verdict):
    taken = transitions.take_next(reviewer)
    transitions.assess(reviewer, taken.pk, verdict=verdict, confidence=0.7, rationale="Checked.")
    transitions.sign_off(editor, claim.pk)


@pytest.mark.django_db(transaction=True)
def test_it_draws_the_dashboard_and_source_charts(
    celery_worker, desk_page, shoot, alice, erin, frank, story, make_claim
):
    require_chromium()
    for verdict in ("false", "likely_true", "confirmed"):
        _publish(
            make_claim(
                f"Budanov says something {verdict}", priority=90, sources=[(story["budanov"], "stated")], tags=["war"]
            ),
            alice,
            frank,
            verdict,
        )
    make_claim("Still waiting in the queue", priority=10)
    recompute_sources([story["budanov"].pk])

    page = desk_page(erin)
    page.get_by_role("link", name="Dashboard").click()
    backlog = page.get_by_role("img", name="Backlog by state")
    throughput = page.get_by_role("img", name="Verdicts published per day, last 14 days")
    expect(backlog).to_be_visible()
    expect(throughput).to_be_visible()
    assert backlog.evaluate("el => el.tagName") == "svg" and backlog.locator("rect").count() == 4
    assert throughput.locator("rect").count() == 14
    shoot(page, "4-dashboard")

    page.goto(page.url.replace("/desk/dashboard", f"/sources/{story['budanov'].pk}/"))
    chart = page.get_by_role("img", name="Track record of Kyrylo Budanov")
    expect(chart).to_be_visible()
    assert chart.locator("circle").count() == 2  # all topics, and the "war" tag
    expect(page.locator("body")).to_contain_text("Budanov says something confirmed")
    shoot(page, "4-source-page")
