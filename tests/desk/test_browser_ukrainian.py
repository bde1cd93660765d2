"""The queue and the public verdict page in Ukrainian, in a real browser.

Every run takes the screenshots into a temporary folder and checks that the
Ukrainian words are on screen; with DESK_README_SCREENSHOTS=1 they are written
over the committed ones in docs/screenshots/ (queue-uk.png, public-uk.png):

    DESK_README_SCREENSHOTS=1 .venv/bin/python -m pytest tests/desk/test_browser_ukrainian.py
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.api.core_support import publish
from verification.models import Claim, DeskProfile

pytestmark = [pytest.mark.browser]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 300 * 1024


@pytest.mark.django_db(transaction=True)
def test_an_editor_reads_the_queue_and_a_reader_the_verdict_in_ukrainian(desk_page, seeded, alice, erin, tmp_path):
    out = DOCS if os.environ.get("DESK_README_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    DeskProfile.choose_language(erin, "uk")
    seed_claim = Claim.objects.filter(text__icontains="11,000").order_by("id").first()
    published = publish(seed_claim, alice, erin, verdict="unproven", rationale="Only a party to the war says so.")

    editor = desk_page(erin, height=860)  # logs in with an English browser; the profile says Ukrainian
    expect(editor.locator("html")).to_have_attribute("lang", "uk")
    expect(editor.get_by_role("link", name="Не призначені")).to_be_visible()  # the queue's tabs
    expect(editor.get_by_role("link", name="Нещодавно опубліковані")).to_be_visible()
    editor.screenshot(path=str(out / "queue-uk.png"))

    reader = editor.context.browser.new_context(locale="uk-UA", viewport={"width": 1000, "height": 900})
    page = reader.new_page()
    page.goto(editor.url.replace("/desk/", f"/claims/{published.pk}/"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("heading", name="Чому")).to_be_visible()
    expect(page.get_by_text("Не доведено (неможливо підтвердити)").first).to_be_visible()
    page.screenshot(path=str(out / "public-uk.png"), full_page=True)
    reader.close()

    for name in ("queue-uk", "public-uk"):
        size = (out / f"{name}.png").stat().st_size
        assert 10_000 < size < MAX_BYTES, f"{name}.png is {size} bytes"
