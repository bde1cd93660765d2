"""In Chromium, against a live server with a real Celery worker: a fact-checker
takes, documents and assesses a claim; an editor signs it off and the API
reports the verdict."""

import pytest
from playwright.sync_api import expect

from sources.models import TrackRecord
from tests.services import require_chromium
from tests.worker import wait_for
from verification.models import Claim, CustodyEvent, Evidence
from verification.workflow import transitions

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.mark.django_db(transaction=True)
def test_it_lets_a_fact_checker_take_add_evidence_and_assess(
    celery_worker, desk_page, shoot, live_server, alice, story_claim
):
    require_chromium()
    page = desk_page(alice)
    page.get_by_role("button", name="Take next claim").click()
    page.wait_for_url(f"**/desk/claims/{story_claim.pk}/")
    expect(page.locator("#lease-status")).to_contain_text("You hold this claim")
    expect(page.locator("#lease-status [data-expires-at]")).to_contain_text("left")

    # Evidence: a note, and a page the worker captures (on loopback, allowed in tests).
    page.get_by_text("Add evidence").click()
    page.locator("#ev-notes").fill("Pentagon spokesman: we cannot confirm the figure.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#evidence-panel")).to_contain_text("Pentagon spokesman")
    page.get_by_text("Add evidence").click()
    page.locator("#ev-url").fill(f"{live_server.url}/accounts/login/")
    page.locator("#ev-url-title").fill("Login page standing in for the Pentagon briefing")
    page.get_by_role("button", name="Add URL").click()
    expect(page.locator("#evidence-panel")).to_contain_text("Login page standing in")
    captured = wait_for(
        lambda: Evidence.objects.filter(claim=story_claim, capture_status="captured").first(),
        timeout=45,
        message="the worker to capture the URL evidence",
    )

    # The assessment form: verdict, the confidence slider, rationale.
    page.get_by_label("Verdict").select_option("false")
    slider = page.get_by_label("Confidence")
    slider.focus()
    for _ in range(6):  # keyboard use: 0.50 → 0.80 in steps of 0.05
        page.keyboard.press("ArrowRight")
    expect(page.locator("#confidence-value")).to_have_text("0.80")
    page.get_by_label("Rationale").fill("Only one party to the war gives the figure; the Pentagon cannot confirm it.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".messages")).to_contain_text("Assessment saved")
    expect(page.locator("h1")).to_contain_text("Awaiting sign-off")
    expect(page.locator("#evidence-panel")).to_contain_text("Captured")
    shoot(page, "1-fact-checker-assessed")

    claim = Claim.objects.get(pk=story_claim.pk)
    assert claim.state == "awaiting_signoff" and claim.lease_owner is None
    assert (claim.pending_assessment.verdict, claim.pending_assessment.confidence) == ("false", 0.8)
    assert claim.pending_assessment.reviewer == alice
    assert Evidence.objects.filter(claim=claim, notes__startswith="Pentagon spokesman", added_by=alice).exists()
    assert CustodyEvent.objects.filter(evidence=captured, action="captured").exists() and len(captured.sha256) == 64


@pytest.mark.django_db(transaction=True)
def test_it_lets_an_editor_sign_off_and_the_api_reports_the_verdict(
    celery_worker, desk_page, shoot, live_server, alice, erin, story_claim, story
):
    require_chromium()
    taken = transitions.take_next(alice)
    transitions.assess(
        alice,
        taken.pk,
        verdict="false",
        confidence=0.8,
        rationale="Only one party says so.",
        expected_version=taken.version,
    )
    page = desk_page(erin)
    page.get_by_role("link", name="Awaiting my sign-off").click()
    page.get_by_role("link", name=story_claim.text).click()
    expect(page.locator(".pending-box")).to_contain_text("Only one party says so.")
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.locator(".messages")).to_contain_text("Signed off: the verdict is published.")
    expect(page.locator("h1")).to_contain_text("Published")
    shoot(page, "2-editor-signed-off")

    claim = Claim.objects.get(pk=story_claim.pk)
    assert claim.state == "published" and claim.verdict == "false" and claim.confidence == 0.8

    status = page.request.get(f"{live_server.url}/api/v1/claims/{claim.pk}/status")  # the browser's session
    assert status.ok, status.text()
    body = status.json()
    assert body["state"] == "published" and body["verdict"] == "false" and body["confidence"] == 0.8
    assert body["url"].endswith(f"/claims/{claim.pk}/")

    public = page.context.new_page()
    public.context.clear_cookies()
    public.goto(f"{live_server.url}/claims/{claim.pk}/")
    expect(public.locator(".verdict-box")).to_contain_text("False")
    shoot(public, "2-public-verdict")

    # The worker recomputed the stating source's track record after the sign-off.
    record = wait_for(
        lambda: TrackRecord.objects.filter(source=story["budanov"], count=1).first(),
        timeout=45,
        message="the worker to recompute Budanov's track record",
    )
    assert record.mean < 0.5
