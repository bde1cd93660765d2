"""What the claim page's discussion and checklist panels show, and their forms.

verification/desk/claim.py adds ``collaboration_context`` to the page's context;
the views that post to these panels are in verification/desk/collaboration.py
(they render the whole claim page again on a refusal, so they import claim.py,
and this module stays below both).
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from verification.desk.base import page_number
from verification.models import Claim, Comment, CommentRevision
from verification.models.collaboration import COMMENT_MAX_CHARS
from verification.workflow import checklists, discussion

COMMENTS_PER_PAGE = 50
COMMENT_HELP = gettext_lazy(
    "Markdown: **bold**, *italic*, `code`, lists, quotes and links. Write @ and a username to "
    "notify a colleague. Only the desk sees comments, never readers."
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        help_text=COMMENT_HELP,
        # No max_length here: the domain says how long the comment is and what the limit is.
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_CHARS}),
    )


class CommentEditForm(CommentForm):
    """Carries the comment version the author read (a prefix per comment keeps ids unique)."""

    body = forms.CharField(
        label=gettext_lazy("Corrected comment"),
        help_text=gettext_lazy("The earlier text stays visible under “edited”."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_CHARS}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def edit_prefix(comment_id: int) -> str:
    return f"comment-{comment_id}"


class TickForm(forms.Form):
    ticked = forms.TypedChoiceField(
        choices=[("1", "tick"), ("0", "untick")], coerce=lambda value: value == "1", label=gettext_lazy("Ticked")
    )


@dataclass
class CommentRow:
    comment: Comment
    html: str
    can_edit: bool
    earlier: list = field(default_factory=list)  # earlier revisions, oldest first
    form: CommentEditForm | None = None


def collaboration_context(request, claim: Claim, tags, forms: dict) -> dict:
    """The two panels' context: ``tags`` are the claim's (read already), ``forms``
    may hold a bound ``comment`` form or ``comment_edit`` (comment id, form)."""
    return {
        "discussion": discussion_panel(request, claim, forms),
        "checklist": checklist_panel(request.user, claim, [tag.pk for tag in tags]),
    }


def discussion_panel(request, claim: Claim, forms: dict) -> dict:
    """The newest COMMENTS_PER_PAGE comments, oldest first (one query, one more
    for the earlier texts when any of them was edited)."""
    number = page_number(request, "comments")
    start = (number - 1) * COMMENTS_PER_PAGE
    newest = list(claim.comments.select_related("author").order_by("-id")[start : start + COMMENTS_PER_PAGE + 1])
    shown = newest[:COMMENTS_PER_PAGE][::-1]
    earlier = _earlier_revisions([c for c in shown if c.version > 1])
    editing_id, editing_form = forms.get("comment_edit") or (None, None)
    now = timezone.now()
    rows = []
    for comment in shown:
        can_edit = discussion.editable(request.user, comment, now)
        form = editing_form if comment.pk == editing_id else None
        if form is None and can_edit:
            form = CommentEditForm(
                initial={"body": comment.body, "version": comment.version}, prefix=edit_prefix(comment.pk)
            )
        # The renderer escapes the text and nh3 keeps only a few tags: the result is safe to show.
        html = mark_safe(discussion.render(comment.body, comment.mentions))
        rows.append(CommentRow(comment, html, can_edit, earlier.get(comment.pk, []), form))
    return {
        "rows": rows,
        "page": number,
        "has_older": len(newest) > COMMENTS_PER_PAGE,
        "form": forms.get("comment") or CommentForm(),
        "can_comment": request.user.has_perm(discussion.PERMISSION),
        "edit_minutes": settings.COMMENT_EDIT_WINDOW_SECONDS // 60,
    }


def _earlier_revisions(edited: list[Comment]) -> dict[int, list[CommentRevision]]:
    if not edited:
        return {}
    latest = {c.pk: c.version for c in edited}
    by_comment: dict[int, list[CommentRevision]] = {}
    for revision in CommentRevision.objects.filter(comment__in=list(latest)).order_by("comment_id", "number"):
        if revision.number < latest[revision.comment_id]:
            by_comment.setdefault(revision.comment_id, []).append(revision)
    return by_comment


def checklist_panel(user, claim: Claim, tag_ids) -> dict:
    states = checklists.claim_checklist(claim, tag_ids)
    still_open = [state for state in states if state.open_and_required]
    return {
        "items": states,
        "open_required": len(still_open),
        "can_tick": user.has_perm(checklists.PERMISSION),
        "blocks_signoff": settings.CHECKLIST_BLOCKS_SIGNOFF,
    }
