"""Published means frozen: what a published claim says (text, language, when
it was made, attributions, appearances) changes only after a reopen, on every
path that writes it; while it is reopened, readers keep the signed-off text."""

import json
import re

import pytest
from django.test import Client

from tests.api.core_support import key_client, make_key
from tests.conftest import PASSWORD
from tests.verification.admin_fixtures import CLAIM_INLINES, claim_change_form
from tests.verification.queue_helpers import fresh, kinds, published
from verification.models import Appearance, Attribution
from verification.workflow import transitions
from verification.workflow.claims import PublishedClaimFrozen, edit_claim, edit_related

pytestmark = pytest.mark.django_db

SIGNED = "North Korea has sent 11,000 soldiers to Russia."
DRAFT = "North Korea has sent 12,000 soldiers to Russia's Kursk region."


@pytest.fixture
def claim(make_claim, make_source, alice, erin):
    claim = make_claim(
        SIGNED,
        sources=[(make_source(), "stated")],
        appearances=[{"url": "https://news.example/kursk", "title": "Kursk"}],
    )
    return published(claim, alice, erin)


@pytest.fixture
def admin_client(adam):
    client = Client()
    client.login(username="adam", password=PASSWORD)
    return client


def _claim_form(claim, **changes):
    """The admin change form of a published claim: it also has the corrections inline."""
    return claim_change_form(claim, inlines=[*CLAIM_INLINES, "corrections"], **changes)


def _attribution_row(attribution, **changes):
    row = {
        "attributions-TOTAL_FORMS": 1,
        "attributions-INITIAL_FORMS": 1,
        "attributions-0-id": attribution.pk,
        "attributions-0-claim": attribution.claim_id,
        "attributions-0-source": attribution.source_id,
        "attributions-0-role": attribution.role,
        "attributions-0-quote": attribution.quote,
        "attributions-0-relays": "",
        "attributions-0-appeared_in": "",
        "attributions-0-appeared_url": "",
        "attributions-0-appeared_at_0": "",
        "attributions-0-appeared_at_1": "",
    }
    row.update({f"attributions-0-{k}": v for k, v in changes.items()})
    return row


def _unchanged(claim, before):
    now = fresh(claim)
    assert (now.text, now.published_text, now.version, now.state) == (
        before.text,
        before.published_text,
        before.version,
        "published",
    )
    assert kinds(now) == kinds(before)


# --- The domain ---------------------------------------------------------------------


def test_it_refuses_to_edit_what_a_published_claim_says(claim, erin):
    before = fresh(claim)
    for change in ({"text": DRAFT}, {"language": "uk"}, {"first_made_at": before.created_at}):
        with pytest.raises(PublishedClaimFrozen, match="Reopen the claim first") as refused:
            edit_claim(erin, claim.pk, before.version, change)
        assert refused.value.code == "published_claim_frozen" and refused.value.http_status == 409
    with pytest.raises(PublishedClaimFrozen, match="its attributions cannot change"):
        edit_related(erin, claim.pk, "attributions", lambda: {"added": ["someone"]})
    _unchanged(claim, before)


def test_it_still_lets_an_editor_change_the_priority_of_a_published_claim(claim, erin):
    before = fresh(claim)
    edit_claim(erin, claim.pk, before.version, {"priority": 90, "text": SIGNED})  # text unchanged: no refusal
    after = fresh(claim)
    assert after.priority == 90 and after.text == SIGNED and after.version == before.version + 1
    assert kinds(after)[-1] == "edited"


def test_it_lets_a_reopened_claim_be_edited_and_shows_readers_the_signed_off_text_until_the_new_sign_off(
    client, claim, alice, erin, frank
):
    transitions.reopen(frank, claim.pk, "New satellite images.")
    edit_claim(frank, claim.pk, fresh(claim).version, {"text": DRAFT})
    assert fresh(claim).text == DRAFT and fresh(claim).public_text == SIGNED

    def public():
        html = client.get(f"/claims/{claim.pk}/").content.decode()
        jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        api = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}").json()
        api_review = key_client(make_key("read")).get(f"/api/v1/claims/{claim.pk}/claimreview").json()
        return html, jsonld, api, api_review

    html, jsonld, api, api_review = public()
    assert SIGNED in html and DRAFT not in html and "Unproven" in html and "Under review again" in html
    assert jsonld["claimReviewed"] == api_review["claimReviewed"] == SIGNED
    assert api["published_verdict"]["text"] == SIGNED and api["published_verdict"]["verdict"] == "unproven"
    assert api["text"] == DRAFT  # the claim as it is being reviewed

    transitions.reassign(frank, claim.pk, alice)
    transitions.assess(alice, claim.pk, verdict="false", confidence=0.8, rationale="Images show fewer troops.")
    html, jsonld, api, api_review = public()
    assert SIGNED in html and DRAFT not in html  # assessed is not signed off
    assert jsonld["claimReviewed"] == SIGNED and jsonld["reviewRating"]["alternateName"] == "Unproven"

    transitions.sign_off(erin, claim.pk)
    html, jsonld, api, api_review = public()
    assert DRAFT in html and "False" in html
    assert jsonld["claimReviewed"] == api_review["claimReviewed"] == DRAFT and "dateModified" in jsonld
    assert api["published_verdict"]["text"] == DRAFT and api["published_verdict"]["verdict"] == "false"
    published_event = fresh(claim).events.filter(kind="published").order_by("-id").first()
    assert published_event.changes["text"] == DRAFT


# --- The admin ----------------------------------------------------------------------


def test_it_refuses_a_text_change_in_the_admin_and_saves_nothing(admin_client, claim):
    before = fresh(claim)
    page = admin_client.post(
        f"/admin/verification/claim/{claim.pk}/change/", _claim_form(before, text=DRAFT, priority=90)
    )
    html = page.content.decode()
    assert page.status_code == 200 and "is published, so its text cannot change" in html
    assert "Reopen the claim first" in html
    _unchanged(claim, before)
    assert fresh(claim).priority == before.priority


def test_it_refuses_an_attribution_change_in_the_admin_inline(admin_client, claim):
    before = fresh(claim)
    attribution = Attribution.objects.get(claim=claim)
    data = _claim_form(before, **_attribution_row(attribution, role="denied", quote="Never said it."))
    page = admin_client.post(f"/admin/verification/claim/{claim.pk}/change/", data)
    html = page.content.decode()
    assert page.status_code == 200 and "its attributions cannot change" in html
    attribution.refresh_from_db()
    assert (attribution.role, attribution.quote) == ("stated", "")
    _unchanged(claim, before)


def test_it_refuses_a_new_appearance_in_the_admin_inline(admin_client, claim):
    before = fresh(claim)
    data = _claim_form(
        before,
        **{
            "appearances-TOTAL_FORMS": 1,
            "appearances-0-url": "https://other.example/story",
            "appearances-0-title": "Another story",
        },
    )
    page = admin_client.post(f"/admin/verification/claim/{claim.pk}/change/", data)
    assert page.status_code == 200 and "its appearances cannot change" in page.content.decode()
    assert list(Appearance.objects.filter(claim=claim).values_list("url", flat=True)) == ["https://news.example/kursk"]
    _unchanged(claim, before)


def test_it_refuses_an_attribution_changed_on_its_own_admin_page(admin_client, claim):
    attribution = Attribution.objects.get(claim=claim)
    before = fresh(claim)
    page = admin_client.post(
        f"/admin/verification/attribution/{attribution.pk}/change/",
        {
            "source": attribution.source_id,
            "role": "denied",
            "quote": "Never said it.",
            "relays": "",
            "appeared_url": "",
            "appeared_in": "",
            "appeared_at_0": "",
            "appeared_at_1": "",
        },
    )
    assert page.status_code == 200 and "its attributions cannot change" in page.content.decode()
    attribution.refresh_from_db()
    assert attribution.role == "stated"
    assert admin_client.get(f"/admin/verification/attribution/{attribution.pk}/delete/").status_code == 403
    _unchanged(claim, before)


def test_it_saves_an_admin_attribution_change_on_a_reopened_claim_with_its_event(admin_client, adam, claim, frank):
    transitions.reopen(frank, claim.pk, "The quote was misattributed.")
    before = fresh(claim)
    attribution = Attribution.objects.get(claim=claim)
    data = _claim_form(before, **_attribution_row(attribution, quote="11,000 soldiers"))
    response = admin_client.post(f"/admin/verification/claim/{claim.pk}/change/", data)
    assert response.status_code == 302
    attribution.refresh_from_db()
    assert attribution.quote == "11,000 soldiers"
    after = fresh(claim)
    assert after.version == before.version + 1 and after.state == "reopened"
    event = after.events.order_by("-id").first()
    assert (event.kind, event.actor, event.note) == ("edited", adam, "Edited in the admin.")
    assert event.changes == {"attributions": {"changed": {str(attribution): ["quote"]}}}
    assert admin_client.get(f"/admin/verification/claim/{claim.pk}/change/").status_code == 200


def test_it_lists_corrections_read_only_on_the_claim_admin(admin_client, claim, erin):
    from verification.workflow import corrections

    correction = corrections.propose(
        erin, claim.pk, text=SIGNED.replace("Russia", "Rusia"), reason="Test.", expected_version=fresh(claim).version
    )
    html = admin_client.get(f"/admin/verification/claim/{claim.pk}/change/").content.decode()
    assert "corrections (history)" in html.lower() and "Rusia" in html
    assert 'name="corrections-0-new_text"' not in html  # shown, not editable
    assert admin_client.get("/admin/verification/correction/").status_code == 200
    assert "Rusia" in admin_client.get(f"/admin/verification/correction/{correction.pk}/change/").content.decode()
    assert admin_client.get("/admin/verification/correction/add/").status_code == 403
    assert admin_client.post(f"/admin/verification/correction/{correction.pk}/change/", {}).status_code == 403


def test_what_a_claim_says_waits_while_its_verdict_waits_for_sign_off(make_claim, alice, erin):
    """Editing the text between assessment and sign-off would publish a verdict for words nobody assessed."""
    from verification.workflow.claims import AwaitingSignoffFrozen

    claim = make_claim(SIGNED)
    transitions.reassign(erin, claim.pk, alice)
    transitions.assess(alice, claim.pk, verdict="false", confidence=0.8, rationale="Old footage.")
    version = fresh(claim).version
    with pytest.raises(AwaitingSignoffFrozen) as refused:
        edit_claim(erin, claim.pk, version, {"text": DRAFT})
    assert refused.value.code == "awaiting_signoff_frozen" and "Return the claim" in str(refused.value)
    assert fresh(claim).text == SIGNED and fresh(claim).version == version
    edit_claim(erin, claim.pk, version, {"priority": 90})  # triage fields may still change
    transitions.return_for_changes(erin, claim.pk, comment="Say 12,000 and the Kursk region.")
    edit_claim(erin, claim.pk, fresh(claim).version, {"text": DRAFT})
    assert fresh(claim).text == DRAFT and fresh(claim).state == "in_review"
