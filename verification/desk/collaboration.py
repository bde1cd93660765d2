"""The claim page's discussion and checklist: post and edit comments, tick and
untick checklist items (docs/collaboration.md).

Each view parses its form and calls one domain function
(verification.workflow.discussion, verification.workflow.checklists), as the
API does. A refused comment shows the claim page again with the text the user
typed still in the form, so nothing is lost; a tick with HTMX answers the
checklist panel, without it the page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from verification.desk.base import add_validation_errors, desk_view, report_error
from verification.desk.claim import render_claim
from verification.desk.collaboration_panels import (
    CommentEditForm,
    CommentForm,
    TickForm,
    checklist_panel,
    edit_prefix,
)
from verification.models import Claim, Comment
from verification.workflow import checklists, discussion
from verification.workflow.errors import Refused

CHECKLIST_PANEL = "verification/_checklist_panel.html"


def _to_comment(pk: int, comment_id: int):
    return redirect(f"{reverse('desk-claim', args=[pk])}#comment-{comment_id}")


@require_POST
@desk_view
def post_comment(request, pk: int):
    get_object_or_404(Claim.objects.only("pk"), pk=pk)
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            comment = discussion.post_comment(request.user, pk, form.cleaned_data["body"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except Refused as exc:
            report_error(request, exc)
            status = exc.http_status
        else:
            posted = gettext("Comment posted.")
            if comment.mentions:
                names = ", ".join("@" + name for name in comment.mentions)
                posted += " " + gettext("%(names)s notified.") % {"names": names}
            messages.success(request, posted)
            return _to_comment(pk, comment.pk)
    return render_claim(request, pk, {"comment": form}, status=status)


@require_POST
@desk_view
def edit_comment(request, pk: int, cid: int):
    get_object_or_404(Comment.objects.only("pk"), pk=cid, claim_id=pk)
    form = CommentEditForm(request.POST, prefix=edit_prefix(cid))
    if not form.is_valid():
        return render_claim(request, pk, {"comment_edit": (cid, form)}, status=400)
    try:
        discussion.edit_comment(
            request.user, cid, form.cleaned_data["body"], expected_version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return render_claim(request, pk, {"comment_edit": (cid, form)}, status=400)
    except discussion.CommentChanged as exc:
        report_error(request, exc)
        return render_claim(request, pk, {"comment_edit": (cid, _rebased(request, cid))}, status=exc.http_status)
    except discussion.CommentEditClosed as exc:
        # The window has closed: offer the text as a new comment instead, so nothing typed is lost.
        report_error(request, exc)
        return render_claim(request, pk, {"comment": CommentForm({"body": form.cleaned_data["body"]})}, status=409)
    except Refused as exc:
        report_error(request, exc)
        return render_claim(request, pk, status=exc.http_status)
    messages.success(request, gettext("Comment edited; its earlier text is kept under “edited”."))
    return _to_comment(pk, cid)


def _rebased(request, cid: int) -> CommentEditForm:
    """The user's text on the comment's current version: saving again is then a deliberate choice."""
    data = request.POST.copy()
    data[f"{edit_prefix(cid)}-version"] = str(Comment.objects.values_list("version", flat=True).get(pk=cid))
    return CommentEditForm(data, prefix=edit_prefix(cid))


@require_POST
@desk_view
def tick_item(request, pk: int, item_id: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = TickForm(request.POST)
    errors, status = [], 200
    if not form.is_valid():
        errors, status = [gettext("Say whether to tick or untick the item.")], 400
    else:
        try:
            checklists.tick(request.user, pk, item_id, form.cleaned_data["ticked"])
        except (ValidationError, Refused) as exc:
            status = getattr(exc, "http_status", 400)
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    if request.htmx:
        context = {"claim": claim, "checklist": checklist_panel(request.user, claim, None), "panel_errors": errors}
        return render(request, CHECKLIST_PANEL, context, status=status)
    for text in errors:
        messages.error(request, text)
    return redirect(f"{reverse('desk-claim', args=[pk])}#checklist")
