"""The evidence.media_reviewed webhook end to end: an editor rates a published
item, and after commit a real Celery worker signs and POSTs the rating to a
receiver on 127.0.0.1, without naming who rated it."""

import pytest
from standardwebhooks import Webhook

from tests.api.webhook_support import make_endpoint, no_outside_connections, receiver  # noqa: F401
from tests.evidence.conftest import media_root  # noqa: F401 - fixture
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import png
from tests.worker import wait_for
from verification.evidence.media_review import review_media
from verification.evidence.writes import add_evidence_file
from verification.models import Claim, MediaReview, WebhookDelivery
from verification.workflow import transitions

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker", "no_outside_connections"),
]


def test_it_delivers_the_rating_of_a_published_item_through_a_real_worker(
    receiver, make_endpoint, make_claim, alice, erin, media_root
):
    endpoint = make_endpoint(receiver.url(), event_types=["evidence.media_reviewed"])
    claim = make_claim(text="Footage shows soldiers arriving at a camp this week.")
    photo = add_evidence_file(alice, claim.pk, upload(png(64, 48), "camp.png"), title="Camp still")
    transitions.reassign(erin, claim.pk, alice)
    transitions.assess(alice, claim.pk, verdict="misleading", confidence=0.8, rationale="Old footage.")
    transitions.sign_off(erin, claim.pk)

    review_media(
        erin,
        photo.pk,
        category="decontextualized",
        rationale="Filmed at a 2022 exercise.",
        expected_version=Claim.objects.get(pk=claim.pk).version,
    )

    [got] = wait_for(receiver.requests, timeout=30, message="the webhook to arrive")
    payload = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert payload["type"] == "evidence.media_reviewed"
    assert payload["data"]["id"] == MediaReview.objects.get().pk and payload["data"]["evidence_id"] == photo.pk
    assert payload["data"]["media_authenticity_category"] == "DecontextualizedContent"
    assert "erin" not in got.body.decode()
    wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").exists(),
        message="the delivery to be marked delivered",
    )
