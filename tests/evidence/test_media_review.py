"""MediaReview ratings (verification.evidence.media_review): an editor rates a
media item; each rating is a new row with a custody entry and a claim event,
the latest is current, and readers' webhooks hear of the ratings readers see."""

import pytest
from django.core.exceptions import ValidationError

from tests.evidence.conftest import media_root  # noqa: F401 - fixture
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import png, video
from verification.evidence.media_review import NotMedia, current_reviews, review_media
from verification.evidence.writes import add_evidence_file, add_evidence_note
from verification.models import Claim, ClaimEvent, CustodyEvent, MediaReview, WebhookDelivery, WebhookEvent
from verification.status import public_url
from verification.webhooks import outbox
from verification.workflow import transitions
from verification.workflow.errors import NotAllowed, StaleVersion

pytestmark = pytest.mark.django_db

WHY = "The footage was filmed at a 2022 exercise in Belarus, not this week."


@pytest.fixture
def photo(make_claim, alice, media_root):
    claim = make_claim()
    return add_evidence_file(alice, claim.pk, upload(png(64, 48), "camp.png"), title="Camp photo")


@pytest.fixture
def hook():
    from verification.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(url="https://hooks.example.org/in", secret="whsec_dGVzdA==", event_types=[])


def version(claim_id: int) -> int:
    return Claim.objects.get(pk=claim_id).version


def rate(actor, item, category="decontextualized", rationale=WHY, **kwargs):
    kwargs.setdefault("expected_version", version(item.claim_id))
    return review_media(actor, item.pk, category=category, rationale=rationale, **kwargs)


def test_it_lets_an_editor_rate_a_picture_with_custody_and_a_claim_event(photo, erin):
    before = version(photo.claim_id)

    review = rate(erin, photo, original_url="https://t.me/example/123")

    stored = MediaReview.objects.get()
    assert (stored.pk, stored.category, stored.rationale, stored.reviewed_by) == (
        review.pk,
        "decontextualized",
        WHY,
        erin,
    )
    assert stored.original_url == "https://t.me/example/123"
    entry = CustodyEvent.objects.get(evidence=photo, action=CustodyEvent.Action.MEDIA_REVIEWED)
    assert entry.actor == erin and entry.sha256 == photo.sha256
    assert entry.detail == {"from": None, "to": "decontextualized", "media_review_id": review.pk}
    event = ClaimEvent.objects.filter(claim_id=photo.claim_id).latest("id")
    assert event.kind == ClaimEvent.Kind.EVIDENCE and event.actor == erin
    assert event.changes["action"] == "media_reviewed" and event.changes["evidence_id"] == photo.pk
    assert event.changes["category"] == {"from": None, "to": "decontextualized"}
    assert version(photo.claim_id) == before + 1 == event.version


def test_it_appends_a_new_rating_and_the_latest_is_current(photo, erin, frank):
    first = rate(erin, photo)
    second = rate(frank, photo, category="staged", rationale="The soldiers are actors; see the credits.")

    assert MediaReview.objects.filter(evidence=photo).count() == 2
    assert current_reviews([photo]) == {photo.pk: second}
    assert MediaReview.objects.get(pk=first.pk).category == "decontextualized"  # kept, never edited
    changes = ClaimEvent.objects.filter(claim_id=photo.claim_id).latest("id").changes
    assert changes["category"] == {"from": "decontextualized", "to": "staged"}


def test_it_changes_nothing_when_the_same_rating_is_sent_again(photo, erin):
    first = rate(erin, photo)
    stale = version(photo.claim_id) - 1
    events = ClaimEvent.objects.count()

    again = rate(erin, photo, expected_version=stale)  # the same form again: no conflict, no write

    assert again.pk == first.pk and MediaReview.objects.count() == 1
    assert ClaimEvent.objects.count() == events
    assert CustodyEvent.objects.filter(action=CustodyEvent.Action.MEDIA_REVIEWED).count() == 1


def test_it_rates_a_video(make_claim, alice, erin, media_root):
    claim = make_claim()
    clip = add_evidence_file(alice, claim.pk, upload(video(1.0), "camp.mp4", "video/mp4"), title="Camp video")
    assert clip.kind == "video"

    assert rate(erin, clip, category="edited_or_cropped").category == "edited_or_cropped"


def test_it_refuses_to_rate_what_is_not_media(make_claim, erin):
    claim = make_claim()
    note = add_evidence_note(erin, claim.pk, "A phone call with the mayor's office.", title="Call")

    with pytest.raises(NotMedia, match="not an image, video or audio"):
        rate(erin, note)
    assert not MediaReview.objects.exists()
    assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.MEDIA_REVIEWED).exists()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("category", {"category": "Fake"}),
        ("category", {"category": "decontextualised"}),  # the API's values, exactly
        ("category", {"category": "DecontextualizedContent"}),  # schema.org's name is the JSON-LD's, not an input
        ("rationale", {"rationale": "   "}),
        ("rationale", {"rationale": "x" * 4001}),
        ("original_url", {"original_url": "ftp://example.org/clip.mp4"}),
    ],
)
def test_it_refuses_bad_input_naming_the_field(photo, erin, field, kwargs):
    with pytest.raises(ValidationError) as refused:
        rate(erin, photo, **kwargs)

    assert field in refused.value.message_dict
    assert not MediaReview.objects.exists()


def test_it_refuses_a_stale_version_naming_who_changed_the_claim(photo, erin, alice):
    read = version(photo.claim_id)
    add_evidence_note(alice, photo.claim_id, "A second witness called.", title="Witness")

    with pytest.raises(StaleVersion, match="alice added or changed its evidence"):
        rate(erin, photo, expected_version=read)
    assert not MediaReview.objects.exists()


def test_it_refuses_a_fact_checker(photo, alice):
    events = ClaimEvent.objects.count()

    with pytest.raises(NotAllowed, match="editors can"):
        rate(alice, photo)
    assert not MediaReview.objects.exists() and ClaimEvent.objects.count() == events


def test_it_announces_a_rating_readers_see_through_the_outbox(photo, alice, erin, hook):
    transitions.reassign(erin, photo.claim_id, alice)
    transitions.assess(alice, photo.claim_id, verdict="misleading", confidence=0.8, rationale="Old footage.")
    transitions.sign_off(erin, photo.claim_id)

    review = rate(erin, photo, original_url="https://t.me/example/123")

    event = WebhookEvent.objects.get(type="evidence.media_reviewed")
    data = event.payload["data"]
    assert data["id"] == review.pk and data["evidence_id"] == photo.pk and data["claim_id"] == photo.claim_id
    assert data["category"] == "decontextualized" and data["rationale"] == WHY
    assert data["original_url"] == "https://t.me/example/123"
    assert data["url"] == f"{public_url(photo.claim_id)}#evidence-{photo.pk}"
    assert "erin" not in str(event.payload)  # who rated it stays inside
    assert WebhookDelivery.objects.filter(event=event, endpoint=hook).count() == 1


def test_it_keeps_quiet_about_ratings_readers_do_not_see(photo, erin, hook):
    rate(erin, photo)  # the claim has no published verdict

    assert not WebhookEvent.objects.filter(type="evidence.media_reviewed").exists()
    assert "evidence.media_reviewed" in outbox.EVENT_TYPES
