"""MediaReview on the desk and the public page: editors rate media items on
the evidence panel; a published claim's rated items show their rating and
rationale to readers, and the page embeds a MediaReview per rated item beside
its ClaimReview, linking nothing internal."""

import json
import re
from datetime import datetime

import pytest

from tests.evidence.conftest import media_root  # noqa: F401 - fixture
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import png
from verification.evidence import previews
from verification.evidence.media_review import review_media
from verification.evidence.writes import add_evidence_file, add_evidence_url
from verification.models import Claim, MediaReview
from verification.status import public_url
from verification.workflow import transitions

pytestmark = pytest.mark.django_db

# schema.org's MediaManipulationRatingEnumeration members (https://schema.org/MediaManipulationRatingEnumeration).
SCHEMA_CATEGORIES = {
    "OriginalMediaContent",
    "DecontextualizedContent",
    "EditedOrCroppedContent",
    "TransformedContent",
    "StagedContent",
    "SatireOrParodyContent",
}
MEDIA_TYPES = {"MediaObject", "ImageObject", "VideoObject", "AudioObject"}
WHY = "The photo was taken at a 2022 exercise in Belarus, not in Kursk this week."


def scripts(html: str) -> list:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def version(claim_id: int) -> int:
    return Claim.objects.get(pk=claim_id).version


def rate(editor, item, **kwargs):
    kwargs.setdefault("category", "decontextualized")
    kwargs.setdefault("rationale", WHY)
    return review_media(editor, item.pk, expected_version=version(item.claim_id), **kwargs)


@pytest.fixture
def rated(story_claim, alice, erin, media_root):
    """A published claim with a photo (rated, original link internal), a video
    link (rated, public) and another photo nobody rated."""
    photo = add_evidence_file(alice, story_claim.pk, upload(png(320, 240), "gate.png"), title="Photo of the gate")
    previews.make(photo.stored_file_id)
    clip = add_evidence_url(
        alice, story_claim.pk, "https://video.example.org/camp.mp4", kind="video", title="Camp video", capture=False
    )
    add_evidence_file(alice, story_claim.pk, upload(png(30, 20), "other.png"), title="Unrated photo")
    taken = transitions.take_next(alice)
    transitions.assess(alice, taken.pk, verdict="misleading", confidence=0.8, rationale="Old footage, new caption.")
    transitions.sign_off(erin, taken.pk)
    rate(erin, photo, original_url="http://files.intranet/originals/gate.png")
    rate(erin, clip, category="staged", rationale="Actors, per the production company's credits.")
    return {"claim": Claim.objects.get(pk=story_claim.pk), "photo": photo, "clip": clip}


def test_it_shows_readers_each_rating_and_its_rationale(client, rated):
    html = client.get(f"/claims/{rated['claim'].pk}/").content.decode().replace("&#x27;", "'")

    assert f"Media rating: Decontextualised.</strong> {WHY}" in html
    assert "Media rating: Staged.</strong> Actors, per the production company's credits." in html
    assert html.count("Media rating:") == 2  # the unrated photo has none
    assert "files.intranet" not in html  # an internal original is never linked, nor named


def test_it_embeds_a_valid_mediareview_per_rated_item_beside_the_claimreview(client, rated):
    claim, photo, clip = rated["claim"], rated["photo"], rated["clip"]
    html = client.get(f"/claims/{claim.pk}/").content.decode()

    claimreview, mediareviews = scripts(html)
    assert claimreview["@type"] == "ClaimReview"
    assert isinstance(mediareviews, list) and len(mediareviews) == 2
    for review in mediareviews:
        assert review["@context"] == "https://schema.org" and review["@type"] == "MediaReview"
        assert review["mediaAuthenticityCategory"] in SCHEMA_CATEGORIES
        assert review["author"] == claimreview["author"] and review["author"]["@type"] == "Organization"
        assert datetime.fromisoformat(review["datePublished"]) >= datetime.fromisoformat(claimreview["datePublished"])
        assert review["url"].startswith(public_url(claim.pk) + "#evidence-")
        item = review["itemReviewed"]
        assert item["@type"] == "MediaReviewItem"
        assert item["interpretedAsClaim"] == {"@type": "Claim", "description": claim.public_text}
        assert all(media["@type"] in MEDIA_TYPES for media in item["mediaItemAppearance"])
        assert review["reviewBody"] and review["originalMediaContextDescription"] == review["reviewBody"]
        assert "files.intranet" not in json.dumps(review)
    by_url = {r["url"].rsplit("#", 1)[1]: r for r in mediareviews}
    on_photo, on_clip = by_url[f"evidence-{photo.pk}"], by_url[f"evidence-{clip.pk}"]
    assert on_photo["mediaAuthenticityCategory"] == "DecontextualizedContent" and on_photo["reviewBody"] == WHY
    (picture,) = on_photo["itemReviewed"]["mediaItemAppearance"]
    assert picture["@type"] == "ImageObject" and picture["sha256"] == photo.sha256 and "contentUrl" not in picture
    assert picture["thumbnailUrl"].endswith(f"/claims/{claim.pk}/evidence/{photo.pk}/preview")
    assert "originalMediaLink" not in on_photo  # its original's address is internal
    (video,) = on_clip["itemReviewed"]["mediaItemAppearance"]
    assert video == {"@type": "VideoObject", "name": "Camp video", "contentUrl": "https://video.example.org/camp.mp4"}


def test_it_links_a_public_original_and_emits_one_object_for_one_rating(client, story_claim, alice, erin, media_root):
    photo = add_evidence_file(alice, story_claim.pk, upload(png(64, 48), "camp.png"), title="Camp photo")
    taken = transitions.take_next(alice)
    transitions.assess(alice, taken.pk, verdict="false", confidence=0.9, rationale="Old photo.")
    transitions.sign_off(erin, taken.pk)
    rate(erin, photo, category="original", original_url="https://t.me/example/123")

    html = client.get(f"/claims/{story_claim.pk}/").content.decode()

    _, review = scripts(html)
    assert review["@type"] == "MediaReview" and review["originalMediaLink"] == "https://t.me/example/123"
    assert 'href="https://t.me/example/123"' in html


def test_it_embeds_no_mediareview_for_evidence_readers_do_not_see(client, rated, alice, erin):
    claim = rated["claim"]
    transitions.reopen(erin, claim.pk, "New footage.")
    later = add_evidence_file(alice, claim.pk, upload(png(50, 50), "later.png"), title="Later photo")
    rate(erin, later)

    html = client.get(f"/claims/{claim.pk}/").content.decode()

    assert "Later photo" not in html
    assert len(scripts(html)[1]) == 2  # the two rated before; the later item is not on the page


def test_it_shows_editors_the_rating_form_and_who_rated(login, rated, erin):
    html = login(erin).get(f"/desk/claims/{rated['claim'].pk}/").content.decode()

    assert f'action="/desk/evidence/{rated["photo"].pk}/media-review"' in html
    assert "Media rating: Decontextualised</strong>" in html and "by erin" in html


def test_it_shows_fact_checkers_the_rating_without_the_form(login, rated, alice):
    html = login(alice).get(f"/desk/claims/{rated['claim'].pk}/").content.decode()

    assert "Media rating: Staged</strong>" in html
    assert "/media-review" not in html


def test_it_saves_a_rating_from_the_desk_form(login, story_claim, alice, erin, media_root):
    photo = add_evidence_file(alice, story_claim.pk, upload(png(64, 48), "camp.png"), title="Camp photo")
    client = login(erin)

    response = client.post(
        f"/desk/evidence/{photo.pk}/media-review",
        {
            "category": "edited_or_cropped",
            "rationale": "Cropped to hide a watermark.",
            "original_url": "",
            "version": version(story_claim.pk),
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Media rating: Edited or cropped</strong>" in response.content.decode()
    assert MediaReview.objects.get().category == "edited_or_cropped"


def test_it_tells_a_fact_checker_posting_the_form_to_ask_an_editor(login, story_claim, alice, media_root):
    photo = add_evidence_file(alice, story_claim.pk, upload(png(64, 48), "camp.png"), title="Camp photo")

    response = login(alice).post(
        f"/desk/evidence/{photo.pk}/media-review",
        {"category": "staged", "rationale": "Actors.", "version": version(story_claim.pk)},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 403 and "editors can" in response.content.decode()
    assert not MediaReview.objects.exists()
