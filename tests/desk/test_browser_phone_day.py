"""A claim from queue to published verdict on phones only (Chromium at
390×844): a fact-checker takes it, asks the editor in the discussion, ticks
the required checklist item and assesses it; the editor, told by the mention,
replies and signs it off. No page scrolls sideways on the way."""

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium
from verification.models import ChecklistTemplate, ChecklistTick, Claim, Comment, Notification

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


@pytest.mark.django_db(transaction=True)
def test_a_fact_checker_and_an_editor_take_discuss_check_assess_and_sign_off_on_phones(
    desk_page, settings, alice, erin, story_claim
):
    require_chromium()
    settings.CHECKLIST_BLOCKS_SIGNOFF = True
    item = ChecklistTemplate.objects.create(name="Every claim").items.create(text="Origin of the video traced")

    # The fact-checker: take, discuss, tick, assess.
    checker = desk_page(alice, **PHONE)
    _fits(checker)
    checker.get_by_role("button", name="Take next claim").click()
    checker.wait_for_url(f"**/desk/claims/{story_claim.pk}/")
    _fits(checker)
    jump = checker.get_by_role("navigation", name="Jump to")
    jump.get_by_role("link", name="Discussion").click()
    form = checker.get_by_role("form", name="Add a comment")
    form.get_by_label("Comment").fill("@erin the camp in the video: Primorsky krai, not Kursk. Agree?")
    form.get_by_role("button", name="Post comment").click()
    expect(checker.locator(".messages")).to_contain_text("@erin notified.")
    _fits(checker)
    checker.get_by_role("navigation", name="Jump to").get_by_role("link", name="Checklist").click()
    checker.get_by_role("button", name="Tick “Origin of the video traced”").click()
    expect(checker.locator("#checklist")).to_contain_text("ticked by alice")
    checker.get_by_role("navigation", name="Jump to").get_by_role("link", name="Assess").click()
    expect(checker.get_by_label("Verdict")).to_be_in_viewport()
    checker.get_by_label("Verdict").select_option("unproven")
    checker.get_by_label("Rationale").fill("Only Ukraine's intelligence gives the figure; the Pentagon cannot confirm.")
    checker.get_by_role("button", name="Submit for sign-off").click()
    expect(checker.locator(".messages")).to_contain_text("Assessment saved")
    expect(checker.locator("h1")).to_contain_text("Awaiting sign-off")
    _fits(checker)

    # The editor: from the mention to the claim, a reply, the sign-off.
    editor = desk_page(erin, **PHONE)
    editor.get_by_role("link", name="Notifications").click()
    editor.locator(".notifications").get_by_role("link", name=f"claim {story_claim.pk}").click()
    expect(editor.locator("#discussion")).to_contain_text("Primorsky krai, not Kursk")
    _fits(editor)
    reply = editor.get_by_role("form", name="Add a comment")
    reply.get_by_label("Comment").fill("Agreed: unproven until the unit is identified.")
    reply.get_by_role("button", name="Post comment").click()
    expect(editor.locator("#discussion")).to_contain_text("unproven until the unit is identified")
    editor.get_by_role("navigation", name="Jump to").get_by_role("link", name="Sign off").click()
    editor.get_by_role("button", name="Sign off and publish").click()
    expect(editor.locator(".messages")).to_contain_text("Signed off: the verdict is published.")
    expect(editor.locator("h1")).to_contain_text("Published")
    _fits(editor)

    claim = Claim.objects.get(pk=story_claim.pk)
    assert (claim.state, claim.verdict) == ("published", "unproven")
    assert claim.events.get(kind="published").actor == erin
    assert list(Comment.objects.order_by("pk").values_list("author__username", flat=True)) == ["alice", "erin"]
    assert list(ChecklistTick.objects.values_list("item_id", "ticked", "actor__username")) == [(item.pk, True, "alice")]
    assert Notification.objects.filter(user=erin, kind="mention", claim=claim).exists()
