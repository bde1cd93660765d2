"""In Chromium, against a live server: a fact-checker's comment mentioning an
editor reaches the editor's notifications; a required checklist item blocks
sign-off (when the desk says so) until someone ticks it."""

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium
from verification.models import ChecklistTemplate, ChecklistTick, Claim, Comment, Notification
from verification.workflow import transitions

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_it_brings_a_comment_that_mentions_the_editor_to_her_notifications(desk_page, shoot, alice, erin, taken):
    require_chromium()
    page = desk_page(alice)
    page.goto(page.url.replace("/desk/", f"/desk/claims/{taken.pk}/"))
    form = page.get_by_role("form", name="Add a comment")
    form.get_by_label("Comment").fill("@erin the **geolocation** matches Kursk; can you look before I assess?")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("Comment posted. @erin notified.")
    comment = page.locator(".comment").last
    expect(comment).to_contain_text("the geolocation matches Kursk")
    expect(comment.locator(".mention")).to_have_text("@erin")
    expect(comment.locator("strong", has_text="geolocation")).to_be_visible()
    shoot(page, "collaboration-1-comment-posted")

    editor = desk_page(erin)
    badge = editor.get_by_role("navigation", name="Main").locator(".badge")
    expect(badge).to_have_text("1")
    editor.get_by_role("link", name="Notifications").click()
    listing = editor.locator(".notifications")
    expect(listing).to_contain_text(f"alice mentioned you on claim {taken.pk}")
    expect(listing).to_contain_text("the **geolocation** matches Kursk")
    shoot(editor, "collaboration-2-mention-in-notifications")
    listing.get_by_role("link", name=f"claim {taken.pk}").click()
    expect(editor.locator("#discussion")).to_contain_text("can you look before I assess?")

    assert Comment.objects.get().author == alice
    note = Notification.objects.get()
    assert (note.user, note.kind, note.claim_id, note.read_at) == (erin, "mention", taken.pk, None)


@pytest.mark.django_db(transaction=True)
def test_it_blocks_sign_off_in_the_browser_until_the_required_item_is_ticked(
    celery_worker, desk_page, shoot, settings, alice, erin, taken
):
    require_chromium()
    settings.CHECKLIST_BLOCKS_SIGNOFF = True
    item = ChecklistTemplate.objects.create(name="Every claim").items.create(text="Origin of the video traced")
    transitions.assess(
        alice, taken.pk, verdict="false", confidence=0.8, rationale="Only one party says so.", expected_version=None
    )
    page = desk_page(erin)
    page.goto(page.url.replace("/desk/", f"/desk/claims/{taken.pk}/"))
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("1 required item open: sign-off is refused until it is ticked.")

    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.locator(".messages")).to_contain_text(
        "1 required checklist item still open: “Origin of the video traced”"
    )
    expect(page.locator("h1")).to_contain_text("Awaiting sign-off")
    shoot(page, "collaboration-3-sign-off-refused")
    assert Claim.objects.get(pk=taken.pk).state == "awaiting_signoff"

    page.get_by_role("button", name="Tick “Origin of the video traced”").click()  # HTMX swaps the panel
    expect(page.locator("#checklist")).to_contain_text("ticked by erin")
    expect(page.locator("#checklist")).to_contain_text("Every required item is ticked.")
    # The page's other forms still carry the version from before the tick: her own tick does not conflict.
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.locator(".messages")).to_contain_text("Signed off: the verdict is published.")
    expect(page.locator("h1")).to_contain_text("Published")
    shoot(page, "collaboration-4-signed-off-after-tick")

    claim = Claim.objects.get(pk=taken.pk)
    assert claim.state == "published"
    assert list(ChecklistTick.objects.values_list("item_id", "ticked", "actor__username")) == [(item.pk, True, "erin")]
    assert "open_checklist_items" not in claim.events.get(kind="published").changes
