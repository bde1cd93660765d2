"""Two browsers edit one claim: the second sees who changed what and keeps their text."""

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium
from verification.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_second_editor_the_conflict_and_keeps_their_text(
    celery_worker, desk_page, shoot, erin, frank, story_claim
):
    require_chromium()
    first, second = desk_page(erin), desk_page(frank)
    for page in (first, second):
        page.goto(page.url.replace("/desk/", f"/desk/claims/{story_claim.pk}/"))
        page.get_by_text("Edit claim text, language and priority").click()

    first.get_by_role("textbox", name="Claim text").fill("North Korea has sent about 11,000 soldiers to Kursk.")
    first.get_by_role("button", name="Save claim").click()
    expect(first.locator(".messages")).to_contain_text("Claim saved.")

    mine = "Frank's wording: Pyongyang sent 11,000 troops to Russia's Kursk region."
    second.get_by_role("textbox", name="Claim text").fill(mine)
    second.get_by_role("button", name="Save claim").click()
    conflict = second.get_by_role("alert").filter(has_text="Someone else changed this claim")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("erin edited this claim")
    expect(conflict).to_contain_text("North Korea has sent about 11,000 soldiers to Kursk.")
    expect(second.get_by_role("textbox", name="Claim text")).to_have_value(mine)
    shoot(second, "3-conflict-kept-input")

    claim = Claim.objects.get(pk=story_claim.pk)
    assert claim.text == "North Korea has sent about 11,000 soldiers to Kursk."

    # Having read the change, Frank submits again on purpose, and it goes through.
    second.get_by_role("button", name="Save claim").click()
    expect(second.locator(".messages")).to_contain_text("Claim saved.")
    assert Claim.objects.get(pk=story_claim.pk).text == mine
