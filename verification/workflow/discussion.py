"""The discussion on a claim: comments in Markdown, @mentions that notify,
and edits by their author within a window (docs/collaboration.md).

Comments are internal to the desk: never on the public page, in ClaimReview,
in exports or in webhooks (no outbox event is written here, on purpose).

Every write follows the steps of verification.workflow.transitions:
1. check the actor's right, then in ``transaction.atomic()`` lock the claim
   (and, for an edit, the comment),
2. check the input, and for an edit its author, its window and the comment
   version the editor read (one clear exception per refusal),
3. return early when nothing would change (a form sent twice, the same text),
4. write the comment and an append-only CommentRevision, and one ClaimEvent
   through ``history.record``,
5. notify the desk users it mentions, in the same transaction (idempotent by
   dedup key, so an edit notifies only the newly mentioned).
"""

import re
from datetime import timedelta

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from verification.models import Claim, ClaimEvent, Comment, CommentRevision, Notification
from verification.models.collaboration import COMMENT_MAX_CHARS
from verification.workflow.errors import NotAllowed, Refused, require_permission
from verification.workflow.history import record
from verification.workflow.notifications import notify

PERMISSION = "verification.add_comment"
# A second identical post this soon is the same form sent twice (a double click, a resend).
RESEND_SECONDS = 30
# Names looked up per comment at most: a pasted list of 500 @names costs one bounded query.
MAX_MENTIONS = 50


class CommentEditClosed(Refused):
    code = "comment_edit_closed"


class CommentChanged(Refused):
    """The comment was edited (in another tab) after this editor read it."""

    code = "comment_changed"


# --- Rendering: Markdown to HTML that is safe to show --------------------------------

# "@name": a Django username (letters, digits, . + - _) ending in a letter or digit, so
# "@erin." and "@erin's" mention erin; not inside a word or an address (bob@example.org).
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]*\w)")

# The tags and attributes CommonMark produces, minus headings and images (below); the
# sanitiser is the last word whatever the renderer does. Links get rel, and only these schemes.
_CLEANER = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr", "span"},
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    allowed_classes={"span": {"mention"}},
    link_rel="nofollow noopener noreferrer",
    url_schemes={"http", "https", "mailto"},
)


def _mentions_rule(state) -> None:
    """Find "@name" in plain text (not in code, not in a link's text); record
    every name in ``env["found"]`` and mark those in ``env["mentions"]``."""
    known = state.env.get("mentions", ())
    found = state.env.setdefault("found", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        depth, children = 0, []
        for token in block.children:
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and depth == 0 and "@" in token.content:
                children += _split_mentions(token.content, known, found)
            else:
                children.append(token)
        block.children = children


def _split_mentions(text: str, known, found: list) -> list[Token]:
    tokens, start = [], 0
    for match in _MENTION.finditer(text):
        name = match.group(1)
        found.append(name)
        if name not in known:
            continue
        if match.start() > start:
            tokens.append(Token("text", "", 0, content=text[start : match.start()]))
        tokens.append(Token("mention", "", 0, content=name))
        start = match.end()
    if start < len(text):
        tokens.append(Token("text", "", 0, content=text[start:]))
    return tokens


def _render_mention(self, tokens, idx, options, env) -> str:
    return f'<span class="mention">@{escapeHtml(tokens[idx].content)}</span>'


# CommonMark with raw HTML off. Headings would break the page's outline and images would
# load from anywhere, so "# x" stays a paragraph and ![alt](url) a link.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable(["heading", "lheading", "image"])
_MARKDOWN.core.ruler.push("mentions", _mentions_rule)
_MARKDOWN.add_render_rule("mention", _render_mention)


def render(body: str, mentions=()) -> str:
    """``body`` (Markdown) as sanitised HTML; names in ``mentions`` are marked, others stay text."""
    return _CLEANER.clean(_MARKDOWN.render(body, {"mentions": set(mentions)}))


def mentioned_names(body: str) -> list[str]:
    """Every "@name" the text holds outside code and links, first seen first, at most MAX_MENTIONS."""
    env: dict = {}
    _MARKDOWN.parse(body, env)
    return list(dict.fromkeys(env.get("found", ())))[:MAX_MENTIONS]


def desk_users(names):
    """The active accounts named that may see the desk (verification.view_claim):
    others (unknown names, accounts without a role) are never mentioned or told."""
    if not names:
        return get_user_model().objects.none()
    can_see = {"permissions__codename": "view_claim", "permissions__content_type__app_label": "verification"}
    return (
        get_user_model()
        .objects.filter(is_active=True, username__in=list(names))
        .filter(
            Q(is_superuser=True)
            | Q(**{f"groups__{k}": v for k, v in can_see.items()})
            | Q(**{f"user_{k}": v for k, v in can_see.items()})
        )
        .distinct()
        .order_by("username")
    )


# --- Writes ---------------------------------------------------------------------------


def post_comment(actor, claim_id: int, body: str) -> Comment:
    """Add a comment to a claim's discussion and tell the desk users it mentions."""
    require_permission(actor, PERMISSION, "comment on claims", ask="an admin")
    body = _valid_body(body)
    with transaction.atomic():
        claim = _lock(claim_id)
        resent = _same_post_just_now(claim, actor, body)
        if resent is not None:
            return resent
        mentioned = _mentionable(body, actor)
        comment = Comment.objects.create(
            claim=claim, author=actor, body=body, mentions=[u.get_username() for u in mentioned]
        )
        CommentRevision.objects.create(comment=comment, number=1, body=body)
        record(claim, ClaimEvent.Kind.COMMENTED, actor, changes={"comment_id": comment.pk, **_names(comment)})
        _notify(actor, claim, comment, mentioned)
        return comment


def edit_comment(actor, comment_id: int, body: str, *, expected_version: int) -> Comment:
    """Its author replaces a comment's text within CLAIMDESK_COMMENT_EDIT_WINDOW_SECONDS
    of posting it. The earlier text stays as a revision; the page shows "edited"."""
    require_permission(actor, PERMISSION, "edit comments", ask="an admin")
    body = _valid_body(body)
    claim_id = Comment.objects.filter(pk=comment_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise Comment.DoesNotExist(gettext("Comment %(comment_id)s does not exist.") % {"comment_id": comment_id})
    with transaction.atomic():
        claim = _lock(claim_id)  # the claim first, as every write does: one lock order, no deadlock
        comment = Comment.objects.select_for_update().get(pk=comment_id)
        if comment.author_id != actor.pk:
            raise NotAllowed(gettext("Only its author can edit a comment; reply with a comment of your own instead."))
        if body == comment.body:
            return comment  # the same text: a resent form, or nothing edited
        if comment.version != expected_version:
            when = f" at {comment.edited_at:%H:%M:%S} UTC" if comment.edited_at else ""
            raise CommentChanged(
                gettext(
                    "This comment was edited elsewhere%(when)s (it is at revision %(comment_version)s, you had "
                    "%(expected_version)s). Your text is kept: check the current one, then save again."
                )
                % {"when": when, "comment_version": comment.version, "expected_version": expected_version}
            )
        _check_window(comment)
        mentioned = _mentionable(body, actor)
        comment.body, comment.version, comment.edited_at = body, comment.version + 1, timezone.now()
        comment.mentions = [u.get_username() for u in mentioned]
        comment.save(update_fields=["body", "version", "edited_at", "mentions"])
        CommentRevision.objects.create(comment=comment, number=comment.version, body=body)
        changes = {"comment_id": comment.pk, "revision": comment.version, **_names(comment)}
        record(claim, ClaimEvent.Kind.COMMENT_EDITED, actor, changes=changes)
        _notify(actor, claim, comment, mentioned)
        return comment


def edit_window() -> timedelta:
    return timedelta(seconds=settings.COMMENT_EDIT_WINDOW_SECONDS)


def editable(user, comment: Comment, now=None) -> bool:
    """Whether ``user`` may still edit ``comment``: the page offers the form only then."""
    if comment.author_id != user.pk or not user.has_perm(PERMISSION):
        return False
    return (now or timezone.now()) <= comment.created_at + edit_window()


def _check_window(comment: Comment) -> None:
    closes = comment.created_at + edit_window()
    if timezone.now() > closes:
        minutes = settings.COMMENT_EDIT_WINDOW_SECONDS // 60
        raise CommentEditClosed(
            gettext(
                "A comment can be edited for %(minutes)s minutes after it is posted; this one could be "
                "edited until %(closes)s UTC. Post a new comment that corrects it."
            )
            % {"minutes": minutes, "closes": format(closes, "%H:%M")}
        )


def _valid_body(body) -> str:
    body = (body or "").strip()
    if "\x00" in body:
        raise ValidationError({"body": [gettext("The comment contains a NUL character; remove it and send it again.")]})
    if not body:
        raise ValidationError({"body": [gettext("Write something: the comment is empty.")]})
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError(
            {
                "body": [
                    gettext(
                        "A comment is at most %(comment_max_chars)s characters; this one has %(count)s. Shorten it."
                    )
                    % {"comment_max_chars": COMMENT_MAX_CHARS, "count": len(body)}
                ]
            }
        )
    return body


def _lock(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
    return claim


def _same_post_just_now(claim: Claim, actor, body: str) -> Comment | None:
    latest = claim.comments.filter(author=actor).order_by("-id").first()
    recent = latest is not None and timezone.now() - latest.created_at < timedelta(seconds=RESEND_SECONDS)
    return latest if recent and latest.version == 1 and latest.body == body else None


def _mentionable(body: str, actor) -> list:
    return [user for user in desk_users(mentioned_names(body)) if user.pk != actor.pk]


def _names(comment: Comment) -> dict:
    return {"mentions": comment.mentions} if comment.mentions else {}


def _notify(actor, claim: Claim, comment: Comment, mentioned: list) -> None:
    if not mentioned:
        return
    excerpt = " ".join(comment.body.split())
    excerpt = excerpt if len(excerpt) <= 140 else excerpt[:139] + "…"
    notify(
        mentioned,
        Notification.Kind.MENTION,
        claim,
        lambda: (
            gettext("%(actor)s mentioned you on claim %(number)s: “%(excerpt)s”")
            % {"actor": actor.get_username(), "number": claim.pk, "excerpt": excerpt}
        ),
        dedup_key=f"mention-comment-{comment.pk}",
    )
