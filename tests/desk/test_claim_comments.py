"""The discussion on a claim: comments in Markdown shown safely, @mentions that
notify desk users, edits by their author within a window with the earlier text
kept, a history row for each, and nothing of it where readers look."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from verification.models import Claim, ClaimEvent, Comment, CommentRevision, Notification, WebhookEvent
from verification.workflow import discussion

pytestmark = pytest.mark.django_db


def _post(client, claim, body):
    return client.post(f"/desk/claims/{claim.pk}/comments", {"body": body})


def _edit(client, claim, comment, body, version=None):
    prefix = f"comment-{comment.pk}"
    data = {f"{prefix}-body": body, f"{prefix}-version": version if version is not None else comment.version}
    return client.post(f"/desk/claims/{claim.pk}/comments/{comment.pk}/edit", data)


def test_it_posts_a_comment_shows_it_rendered_and_records_it_in_the_history(login, alice, story_claim):
    client = login(alice)
    before = Claim.objects.get(pk=story_claim.pk).version
    response = _post(client, story_claim, "The **Pentagon** briefing is at\n\n- 14:00\n- `press room`")
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/desk/claims/{story_claim.pk}/#comment-{comment.pk}"
    )

    html = client.get(response["Location"]).content.decode()
    assert "Comment posted." in html
    assert f'id="comment-{comment.pk}"' in html
    assert "<strong>Pentagon</strong>" in html and "<li>14:00</li>" in html and "<code>press room</code>" in html

    assert (comment.author, comment.version, comment.edited_at, comment.mentions) == (alice, 1, None, [])
    assert list(comment.revisions.values_list("number", "body")) == [(1, comment.body)]
    event = ClaimEvent.objects.filter(claim=story_claim).latest("id")
    assert (event.kind, event.actor, event.changes) == ("commented", alice, {"comment_id": comment.pk})
    assert event.version == before + 1 == Claim.objects.get(pk=story_claim.pk).version
    assert "<strong>alice</strong> commented" in html  # the history timeline


def test_it_notifies_the_desk_user_a_comment_mentions_and_nobody_else(login, alice, erin, carol, story_claim):
    client = login(alice)
    body = "@erin can you sign this off today? (Not @carol, not @nobody, not me @alice; mail erin@example.org.)"
    _post(client, story_claim, body)

    comment = Comment.objects.get()
    assert comment.mentions == ["erin"]
    note = Notification.objects.get()
    assert (note.user, note.kind, note.claim_id) == (erin, "mention", story_claim.pk)
    assert note.message.startswith(f"alice mentioned you on claim {story_claim.pk}: “@erin can you sign")
    assert ClaimEvent.objects.filter(kind="commented").get().changes["mentions"] == ["erin"]

    html = client.get(f"/desk/claims/{story_claim.pk}/").content.decode()
    assert '<span class="mention">@erin</span>' in html
    assert "Not @carol, not @nobody, not me @alice" in html  # plain text: no role, unknown, oneself

    erin_client = login(erin)
    assert 'aria-label="1 unread">1</span>' in erin_client.get("/desk/").content.decode()
    listing = erin_client.get("/desk/notifications").content.decode()
    assert "alice mentioned you on claim" in listing and "Mention" in listing


def test_it_renders_markdown_without_letting_html_scripts_or_odd_links_through(login, alice, story_claim):
    client = login(alice)
    body = (
        '<script>alert("x")</script> <img src=x onerror=alert(1)> '
        "[bad](javascript:alert(1)) [good](https://example.org/report) ![pic](https://example.org/p.png)\n\n"
        "# Not a heading"
    )
    _post(client, story_claim, body)
    html = client.get(f"/desk/claims/{story_claim.pk}/").content.decode()
    section = html[html.index('id="discussion"') :]
    section = section[: section.index("</section>")]
    assert "<script>alert" not in section and "<img" not in section and 'href="javascript' not in section
    assert "&lt;script&gt;alert" in section  # raw HTML is shown as text
    assert '<a href="https://example.org/report" rel="nofollow noopener noreferrer">good</a>' in section
    assert '<a href="https://example.org/p.png" rel="nofollow noopener noreferrer">pic</a>' in section
    assert "<h1>" not in section and "# Not a heading" in section
    assert Comment.objects.get().body == body  # the source is kept as written


def test_it_refuses_an_empty_or_too_long_comment_naming_the_field(login, alice, story_claim):
    client = login(alice)
    empty = _post(client, story_claim, "   ")
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    too_long = _post(client, story_claim, "x" * 5001)
    text = too_long.content.decode()
    assert too_long.status_code == 400
    assert "A comment is at most 5000 characters; this one has 5001." in text
    assert 'id="id_body-errors"' in text  # the error sits on the comment field, with the text kept
    assert "x" * 5001 in text
    assert not Comment.objects.exists() and not ClaimEvent.objects.filter(kind="commented").exists()


def test_it_keeps_one_comment_when_the_form_is_sent_twice(login, alice, story_claim):
    client = login(alice)
    _post(client, story_claim, "Checked the first upload.")
    _post(client, story_claim, "Checked the first upload.")
    assert Comment.objects.count() == 1 and ClaimEvent.objects.filter(kind="commented").count() == 1


def test_it_lets_the_author_edit_within_the_window_showing_edited_and_keeping_the_earlier_text(
    login, alice, erin, story_claim
):
    client = login(alice)
    _post(client, story_claim, "The video is from 2019.")
    comment = Comment.objects.get()
    response = _edit(client, story_claim, comment, "The video is from 2018, @erin.")
    assert response.status_code == 302

    comment.refresh_from_db()
    assert (comment.body, comment.version, comment.mentions) == ("The video is from 2018, @erin.", 2, ["erin"])
    assert comment.edited_at is not None
    assert list(CommentRevision.objects.filter(comment=comment).values_list("number", "body")) == [
        (1, "The video is from 2019."),
        (2, "The video is from 2018, @erin."),
    ]
    event = ClaimEvent.objects.filter(kind="comment_edited").get()
    assert (event.actor, event.changes["comment_id"], event.changes["revision"]) == (alice, comment.pk, 2)
    assert Notification.objects.get().user == erin  # the newly mentioned are told

    html = client.get(f"/desk/claims/{story_claim.pk}/").content.decode()
    assert "Comment edited" in html and 'class="edited">edited' in html
    assert "Earlier text (1 revision)" in html and "The video is from 2019." in html
    assert "<strong>alice</strong> edited a comment" in html  # the history timeline


def test_it_refuses_an_edit_after_the_window_and_offers_the_text_as_a_new_comment(login, alice, story_claim, settings):
    settings.COMMENT_EDIT_WINDOW_SECONDS = 900
    client = login(alice)
    _post(client, story_claim, "The video is from 2019.")
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    version = Claim.objects.get(pk=story_claim.pk).version

    response = _edit(client, story_claim, comment, "The video is from 2018.")
    html = response.content.decode()
    assert response.status_code == 409
    assert "A comment can be edited for 15 minutes after it is posted" in html
    assert "Post a new comment that corrects it." in html
    assert '<textarea name="body"' in html and "The video is from 2018.</textarea>" in html
    assert "Corrected comment" not in html  # no edit form any more

    comment.refresh_from_db()
    assert (comment.body, comment.version, comment.edited_at) == ("The video is from 2019.", 1, None)
    assert comment.revisions.count() == 1 and not ClaimEvent.objects.filter(kind="comment_edited").exists()
    assert Claim.objects.get(pk=story_claim.pk).version == version


def test_it_lets_nobody_else_edit_a_comment(login, alice, bob, erin, story_claim):
    _post(login(alice), story_claim, "The video is from 2019.")
    comment = Comment.objects.get()
    for other in (bob, erin):
        client = login(other)
        assert "Corrected comment" not in client.get(f"/desk/claims/{story_claim.pk}/").content.decode()
        response = _edit(client, story_claim, comment, "Rewritten by someone else.")
        assert response.status_code == 403
        assert "Only its author can edit a comment" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.body, comment.version) == ("The video is from 2019.", 1)
    assert comment.revisions.count() == 1 and not ClaimEvent.objects.filter(kind="comment_edited").exists()


def test_it_answers_a_stale_edit_with_a_conflict_and_keeps_what_was_typed(login, alice, story_claim):
    client = login(alice)
    _post(client, story_claim, "First text.")
    comment = Comment.objects.get()
    assert _edit(client, story_claim, comment, "Second text, from one tab.", version=1).status_code == 302

    response = _edit(client, story_claim, comment, "Third text, from another tab.", version=1)
    html = response.content.decode()
    assert response.status_code == 409
    assert "This comment was edited elsewhere" in html and "it is at revision 2, you had 1" in html
    assert "Third text, from another tab.</textarea>" in html
    assert f'name="comment-{comment.pk}-version" value="2"' in html  # saving again is deliberate
    comment.refresh_from_db()
    assert (comment.body, comment.version) == ("Second text, from one tab.", 2)
    assert comment.revisions.count() == 2


def test_it_keeps_comments_off_the_public_page_claimreview_and_webhooks(login, client, alice, erin, published):
    from verification.models import WebhookEndpoint

    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="whsec_dGVzdA==")
    events_before = WebhookEvent.objects.count()
    _post(login(alice), published, "Internal: the second source asked not to be named, @erin.")
    assert Comment.objects.count() == 1

    client.logout()
    public = client.get(f"/claims/{published.pk}/").content.decode()
    assert "second source asked not to be named" not in public and "Discussion" not in public
    claimreview = json.dumps(_claimreview(client, published))
    assert "second source" not in claimreview
    assert WebhookEvent.objects.count() == events_before  # comments are never sent


def _claimreview(client, claim) -> dict:
    """The ClaimReview the public page embeds."""
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_it_refuses_comments_from_people_without_a_desk_role(login, carol, story_claim):
    response = _post(login(carol), story_claim, "Let me in.")
    assert response.status_code == 403 and not Comment.objects.exists()


def test_it_keeps_the_page_query_count_however_many_comments_and_edits(
    login, alice, erin, story_claim, django_assert_max_num_queries
):
    client = login(erin)
    discussion.post_comment(alice, story_claim.pk, "First, @erin.")
    first = Comment.objects.get()
    discussion.edit_comment(alice, first.pk, "First, edited, @erin.", expected_version=1)
    with django_assert_max_num_queries(33) as few:  # the claim page's 32 (test_claim_page.py), +1 for the earlier texts
        assert client.get(f"/desk/claims/{story_claim.pk}/").status_code == 200
    for i in range(12):
        comment = discussion.post_comment(alice if i % 2 else erin, story_claim.pk, f"Note {i} for @erin and @alice.")
        discussion.edit_comment(comment.author, comment.pk, f"Note {i}, edited.", expected_version=1)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        html = client.get(f"/desk/claims/{story_claim.pk}/").content.decode()
    assert "Note 11, edited." in html and len(many.captured_queries) == len(few.captured_queries)
