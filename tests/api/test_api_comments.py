"""GET|POST /api/v1/claims/{id}/comments: the desk's discussion for review
keys and signed-in desk users; read keys are refused; bad bodies name the field;
mentions notify; the list is cursor-paginated in a fixed number of queries.
And POST …/signoff answers 409 while required checklist items are open, when
the desk refuses such sign-offs."""

import json

import pytest

from tests.api.core_support import key_client, make_key, problem_of, session_client
from verification.models import ChecklistTemplate, Claim, ClaimEvent, Comment, Notification
from verification.workflow import discussion, transitions

pytestmark = pytest.mark.django_db

FIELDS = {"id", "claim", "author", "body", "html", "mentions", "version", "created_at", "edited_at"}


def _post(client, claim_id, body):
    return client.post(f"/api/v1/claims/{claim_id}/comments", json.dumps(body), content_type="application/json")


@pytest.fixture
def claim(make_claim):
    return make_claim()


def test_it_adds_a_comment_for_a_review_key_and_answers_201_with_it(claim, alice, erin):
    client = key_client(make_key("review", alice))
    before = Claim.objects.get(pk=claim.pk).version
    response = _post(client, claim.pk, {"body": "The clip is **older**: see the 2019 upload. @erin, agreed?"})
    assert response.status_code == 201, response.content
    body = response.json()
    comment = Comment.objects.get()
    assert set(body) == FIELDS
    assert (body["id"], body["claim"], body["author"], body["version"], body["edited_at"]) == (
        comment.pk,
        claim.pk,
        "alice",
        1,
        None,
    )
    assert body["body"] == "The clip is **older**: see the 2019 upload. @erin, agreed?"
    assert body["html"] == (
        '<p>The clip is <strong>older</strong>: see the 2019 upload. <span class="mention">@erin</span>, agreed?</p>\n'
    )
    assert body["mentions"] == ["erin"] and body["created_at"].endswith("Z")

    assert Notification.objects.get().user == erin
    event = ClaimEvent.objects.filter(claim=claim).latest("id")
    assert (event.kind, event.actor, event.version) == ("commented", alice, before + 1)


def test_it_adds_a_comment_for_a_signed_in_editor(claim, erin):
    response = _post(session_client(erin), claim.pk, {"body": "Checked with the ministry."})
    assert response.status_code == 201 and response.json()["author"] == "erin"
    assert Comment.objects.get().author == erin


def test_it_lists_comments_oldest_first_page_by_page(claim, alice, erin, django_assert_num_queries):
    for i in range(5):
        discussion.post_comment(alice if i % 2 else erin, claim.pk, f"Note {i}")
    client = key_client(make_key("review", alice))
    with django_assert_num_queries(4):  # key, its user's roles (scope), the claim exists, the page with authors
        first = client.get(f"/api/v1/claims/{claim.pk}/comments?page_size=3")
    assert first.status_code == 200
    page = first.json()
    assert [c["body"] for c in page["results"]] == ["Note 0", "Note 1", "Note 2"]
    assert page["previous"] is None and page["next"]
    rest = client.get(page["next"]).json()
    assert [c["body"] for c in rest["results"]] == ["Note 3", "Note 4"] and rest["next"] is None
    newest = client.get(f"/api/v1/claims/{claim.pk}/comments?ordering=-id&page_size=1").json()
    assert newest["results"][0]["body"] == "Note 4" and set(newest["results"][0]) == FIELDS


def test_it_refuses_read_keys_with_a_problem_and_writes_nothing(claim, alice):
    discussion.post_comment(alice, claim.pk, "Internal.")
    client = key_client(make_key("read"))
    listing = problem_of(client.get(f"/api/v1/claims/{claim.pk}/comments"), 403)
    assert "Internal." not in json.dumps(listing)
    problem_of(_post(client, claim.pk, {"body": "From outside."}), 403)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Internal."]


def test_it_answers_404_for_an_unknown_claim(alice):
    client = key_client(make_key("review", alice))
    assert "Claim 999999 does not exist." in problem_of(client.get("/api/v1/claims/999999/comments"), 404)["detail"]
    problem_of(_post(client, 999999, {"body": "Hello?"}), 404)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ({"body": ""}, "This field may not be blank."),
        ({"body": "   "}, "This field may not be blank."),
        ({}, "This field is required."),
        ({"body": "x" * 5001}, "Ensure this field has no more than 5000 characters."),
        ({"body": 12}, "Send a string."),
    ],
)
def test_it_refuses_a_bad_body_naming_the_field(claim, alice, body, message):
    response = _post(key_client(make_key("review", alice)), claim.pk, body)
    problem = problem_of(response, 400)
    assert message in problem["errors"]["body"]
    assert not Comment.objects.exists() and not ClaimEvent.objects.filter(kind="commented").exists()


def test_it_refuses_unknown_fields(claim, alice):
    problem = problem_of(_post(key_client(make_key("review", alice)), claim.pk, {"body": "Hi", "author": "erin"}), 400)
    assert "author" in problem["errors"] and not Comment.objects.exists()


def test_it_answers_409_to_a_sign_off_while_required_checklist_items_are_open(make_claim, alice, erin, settings):
    settings.CHECKLIST_BLOCKS_SIGNOFF = True
    template = ChecklistTemplate.objects.create(name="Every claim")
    item = template.items.create(text="Origin of the video traced", required=True)
    claim = make_claim()
    transitions.reassign(erin, claim.pk, alice)
    transitions.assess(alice, claim.pk, verdict="false", confidence=0.9, rationale="The video is from 2019.")
    version = Claim.objects.get(pk=claim.pk).version
    client = key_client(make_key("review", erin))

    response = client.post(
        f"/api/v1/claims/{claim.pk}/signoff", json.dumps({"version": version}), content_type="application/json"
    )
    problem = problem_of(response, 409)
    assert problem["type"] == "urn:claimdesk:problem:checklist_incomplete"
    assert "1 required checklist item still open: “Origin of the video traced”" in problem["detail"]
    assert Claim.objects.get(pk=claim.pk).state == "awaiting_signoff"

    from verification.workflow import checklists

    checklists.tick(alice, claim.pk, item.pk)
    version = Claim.objects.get(pk=claim.pk).version
    again = client.post(
        f"/api/v1/claims/{claim.pk}/signoff", json.dumps({"version": version}), content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["state"] == "published"
