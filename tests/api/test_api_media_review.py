"""POST /api/v1/evidence/{id}/media-review: editors rate a media item; the
rating is on the evidence for review keys, never for read keys."""

import pytest

from tests.api.core_support import key_client, make_key
from tests.evidence.conftest import media_root  # noqa: F401 - fixture
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import png
from verification.evidence.writes import add_evidence_file, add_evidence_note
from verification.models import Claim, MediaReview

pytestmark = pytest.mark.django_db

WHY = "Filmed at a 2022 exercise, not this week."


@pytest.fixture
def photo(make_claim, alice, media_root):
    claim = make_claim()
    return add_evidence_file(alice, claim.pk, upload(png(64, 48), "camp.png"), title="Camp photo")


def post(raw_key, item, **body):
    body = {"category": "decontextualized", "rationale": WHY, **body}
    body.setdefault("version", Claim.objects.get(pk=item.claim_id).version)
    return key_client(raw_key).post(f"/api/v1/evidence/{item.pk}/media-review", body, content_type="application/json")


def test_it_answers_201_with_the_rating_and_the_claims_new_version(photo, erin):
    response = post(make_key("review", erin), photo, original_url="https://t.me/example/123")

    assert response.status_code == 201, response.content
    data = response.json()
    review = MediaReview.objects.get()
    claim = Claim.objects.get(pk=photo.claim_id)
    assert data == {
        "id": review.pk,
        "evidence_id": photo.pk,
        "category": "decontextualized",
        "media_authenticity_category": "DecontextualizedContent",
        "label": "Decontextualised",
        "rationale": WHY,
        "original_url": "https://t.me/example/123",
        "reviewed_by": "erin",
        "reviewed_at": data["reviewed_at"],
        "version": claim.version,
    }
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"'


def test_it_answers_a_bad_category_with_a_problem_naming_the_field(photo, erin):
    response = post(make_key("review", erin), photo, category="Deepfake")

    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert "category" in response.json()["errors"]
    assert not MediaReview.objects.exists()


def test_it_refuses_a_fact_checkers_key_and_a_read_key(photo, alice, erin):
    forbidden = post(make_key("review", alice), photo)
    read = post(make_key("read", erin), photo)

    assert forbidden.status_code == 403 and read.status_code == 403
    assert not MediaReview.objects.exists()


def test_it_answers_409_for_evidence_that_is_not_media_and_for_a_stale_version(photo, erin):
    note = add_evidence_note(erin, photo.claim_id, "A call with the mayor's office.", title="Call")
    key = make_key("review", erin)

    not_media = post(key, note)
    stale = post(key, photo, version=1)

    assert not_media.status_code == 409 and not_media.json()["type"] == "urn:claimdesk:problem:not_media"
    assert stale.status_code == 409 and stale.json()["type"] == "urn:claimdesk:problem:stale_version"
    assert not MediaReview.objects.exists()


def test_it_answers_404_for_evidence_that_does_not_exist(erin):
    response = key_client(make_key("review", erin)).post(
        "/api/v1/evidence/999999/media-review",
        {"category": "staged", "rationale": WHY, "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_it_shows_the_current_rating_to_review_keys_and_not_to_read_keys(photo, alice, erin):
    post(make_key("review", erin), photo)
    post(make_key("review", erin), photo, category="staged", rationale="Actors, per the credits.")
    path = f"/api/v1/claims/{photo.claim_id}/evidence"

    reviewed = key_client(make_key("review", alice)).get(path).json()["results"][0]
    public = key_client(make_key("read")).get(path).json()["results"][0]

    assert reviewed["media_review"]["category"] == "staged"
    assert reviewed["media_review"]["media_authenticity_category"] == "StagedContent"
    assert reviewed["media_review"]["reviewed_by"] == "erin" and reviewed["media_review"]["evidence_id"] == photo.pk
    assert "media_review" not in public
