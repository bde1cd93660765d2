"""The claim page: everything a reviewer needs on one screen, and the forms
that assess, sign off, return, reopen, edit and correct it.

Every form carries the claim version the user saw. When someone else changed
the claim meanwhile, the transition or the edit raises StaleVersion; the page
then says who changed what and shows the form
again with the user's input, now based on the current version, so nothing
typed is lost and a second submit is a deliberate choice.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from verification.credibility.suggestions import suggest_for_claim
from verification.desk.base import add_validation_errors, desk_view, page_number, report_error, window
from verification.desk.charts import attribution_chain
from verification.desk.collaboration_panels import collaboration_context
from verification.desk.forms import (
    AssessmentForm,
    ClaimEditForm,
    CorrectionApproveForm,
    CorrectionCloseForm,
    CorrectionForm,
    ReopenForm,
    ReturnForm,
    SignOffForm,
    TranslationForm,
    VersionForm,
    reviewers,
)
from verification.desk.profile import format_when
from verification.matching import seen_before
from verification.models import Claim, ClaimEvent, Correction
from verification.workflow import checklists, corrections, transitions, translations
from verification.workflow.claims import edit_claim

State = Claim.State
STALE = transitions.StaleVersion
# A user's own lease extension or added evidence does not conflict with the
# form they have open in another part of the same page.
OWN_HARMLESS = {
    ClaimEvent.Kind.EXTENDED,
    ClaimEvent.Kind.EVIDENCE,
    # The panels of verification/desk/collaboration.py: a comment or a tick of one's own.
    ClaimEvent.Kind.COMMENTED,
    ClaimEvent.Kind.COMMENT_EDITED,
    ClaimEvent.Kind.CHECKLIST_TICKED,
    ClaimEvent.Kind.CHECKLIST_UNTICKED,
}
HISTORY_PAGE = 50
FROZEN_HELP = gettext_lazy(
    "Published: the text is frozen under the signed-off verdict. Reopen the claim to change "
    "what it says, or propose a correction for a typo."
)


def load_claim(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(
            "lease_owner", "created_by", "pending_assessment__reviewer", "published_assessment__reviewer"
        ),
        pk=pk,
    )


def capabilities(user, claim: Claim) -> dict:
    """What this user may do to this claim now; the template shows only these forms."""
    holds = claim.state == State.IN_REVIEW and claim.lease_owner_id == user.pk
    pending = claim.pending_assessment
    can_signoff = user.has_perm("verification.signoff_claim")
    return {
        "holds": holds,
        "can_assess": holds and user.has_perm("verification.review_claim"),
        "can_signoff": claim.state == State.AWAITING_SIGNOFF
        and can_signoff
        and pending
        and pending.reviewer_id != user.pk,
        "own_pending": claim.state == State.AWAITING_SIGNOFF and pending is not None and pending.reviewer_id == user.pk,
        "can_release": claim.state == State.IN_REVIEW and (holds or user.has_perm("verification.assign_claim")),
        "can_assign": claim.state in (*transitions.TAKEABLE, State.IN_REVIEW)
        and user.has_perm("verification.assign_claim"),
        "can_reopen": claim.state == State.PUBLISHED and user.has_perm("verification.reopen_claim"),
        "can_edit": user.has_perm("verification.change_claim"),
        "can_add_evidence": user.has_perm("verification.add_evidence"),
    }


def correction_capabilities(user, claim: Claim, pending: Correction | None) -> dict:
    """Corrections are editors' work, decided by another editor than their author."""
    editor = user.has_perm(corrections.PERMISSION)
    own = pending is not None and pending.proposed_by_id == user.pk
    return {
        "can_correct": editor and claim.state == State.PUBLISHED and pending is None,
        "can_decide_correction": editor and pending is not None and not own,
        "own_correction": editor and own,
    }


def claim_corrections(claim: Claim) -> list[Correction]:
    """Only a claim that was ever published can have corrections: no query for the others."""
    if claim.first_published_at is None:
        return []
    return list(claim.corrections.select_related("proposed_by", "decided_by").order_by("-proposed_at", "-id")[:20])


def default_forms(claim: Claim) -> dict:
    v = {"version": claim.version}
    return {
        "assess": AssessmentForm(initial=v),
        "signoff": SignOffForm(initial=v),
        "return": ReturnForm(initial=v),
        "reopen": ReopenForm(initial=v),
        "version": VersionForm(initial=v),
        "edit": ClaimEditForm(
            initial={**v, "text": claim.text, "language": claim.language, "priority": claim.priority}
        ),
        "correct": CorrectionForm(initial={**v, "text": claim.public_text}),
        "approve_correction": CorrectionApproveForm(initial=v),
        "close_correction": CorrectionCloseForm(initial=v),
        "translate": TranslationForm(initial=v),
    }


def claim_context(request, claim: Claim, forms: dict | None = None, conflict: dict | None = None) -> dict:
    attributions = list(claim.attributions.select_related("source__parent", "relays__source", "appeared_in"))
    can = capabilities(request.user, claim)
    past = claim_corrections(claim)
    pending = next((c for c in past if c.outcome == Correction.Outcome.PENDING), None)
    can.update(correction_capabilities(request.user, claim, pending))
    forms = {**default_forms(claim), **(forms or {})}
    if claim.state == State.PUBLISHED:
        forms["edit"].fields["text"].help_text = FROZEN_HELP
    history = window(
        claim.events.select_related("actor").order_by("-created_at", "-id"),
        page_number(request, "history"),
        per_page=HISTORY_PAGE,
    )
    tags = list(claim.tags.all())
    return {
        "claim": claim,
        "can": can,
        "forms": forms,
        "conflict": conflict,
        "pending_correction": pending,
        "past_corrections": [c for c in past if c is not pending],
        "attributions": attributions,
        "chain_svg": attribution_chain(attributions),
        "appearances": list(claim.appearances.select_related("outlet")[:50]),
        "tags": tags,
        "history": history,
        "assignees": list(reviewers()[:200]) if can["can_assign"] else [],
        # The one suggestion (the API and bench.liar call the same function); shown, never applied.
        "suggestion": suggest_for_claim(claim, attributions, tags),
        "seen_before": seen_before(claim.pk, claim.text, language=claim.language),
        # The discussion and checklist panels (verification/desk/collaboration_panels.py).
        **collaboration_context(request, claim, tags, forms),
        "live_seconds": settings.LIVE_POLL_SECONDS,  # verification/desk/live.py
        "translations": translation_rows(request.user, claim),
    }


def translation_rows(user, claim: Claim) -> dict:
    """The verdict's translations for readers, each current or out of date; no query before a sign-off."""
    if claim.published_assessment_id is None:
        return {"rows": [], "can_translate": False}
    rows = list(claim.translations.select_related("translated_by"))
    return {
        "rows": [(t, t.is_current(claim)) for t in rows],
        "can_translate": user.has_perm(translations.PERMISSION),
    }


@desk_view
def claim_page(request, pk: int):
    claim = load_claim(pk)
    return render(request, "verification/claim.html", claim_context(request, claim))


def render_claim(request, pk: int, forms=None, conflict=None, status=200):
    claim = load_claim(pk)
    return render(request, "verification/claim.html", claim_context(request, claim, forms, conflict), status=status)


# --- Conflicts ------------------------------------------------------------------


def changes_since(claim_id: int, version: int) -> list[ClaimEvent]:
    return list(
        ClaimEvent.objects.filter(claim_id=claim_id, version__gt=version)
        .select_related("actor")
        .order_by("version", "id")[:10]
    )


def own_harmless_version(claim_id: int, version: int, user) -> int | None:
    """The current version if every change since ``version`` was the user's own
    lease extension or evidence; None if anyone else changed anything."""
    events = changes_since(claim_id, version)
    if events and all(e.actor_id == user.pk and e.kind in OWN_HARMLESS for e in events):
        return events[-1].version
    return None


# What each kind of event did, as one sentence a conflict message quotes.
DESCRIBED = {
    "created": gettext_lazy("%(who)s created this claim at %(when)s"),
    "edited": gettext_lazy("%(who)s edited this claim at %(when)s"),
    "taken": gettext_lazy("%(who)s took this claim at %(when)s"),
    "released": gettext_lazy("%(who)s released this claim at %(when)s"),
    "extended": gettext_lazy("%(who)s extended the lease on this claim at %(when)s"),
    "expired": gettext_lazy("The lease on this claim expired at %(when)s"),
    "reassigned": gettext_lazy("%(who)s reassigned this claim at %(when)s"),
    "assessed": gettext_lazy("%(who)s assessed this claim at %(when)s"),
    "published": gettext_lazy("%(who)s signed off this claim at %(when)s"),
    "returned": gettext_lazy("%(who)s returned this claim at %(when)s"),
    "reopened": gettext_lazy("%(who)s reopened this claim at %(when)s"),
    "escalated": gettext_lazy("%(who)s escalated this claim at %(when)s"),
    "priority": gettext_lazy("%(who)s changed the priority of this claim at %(when)s"),
    "evidence": gettext_lazy("%(who)s added evidence to this claim at %(when)s"),
    "correction_proposed": gettext_lazy("%(who)s proposed a correction to this claim at %(when)s"),
    "corrected": gettext_lazy("%(who)s corrected the text of this claim at %(when)s"),
    "correction_rejected": gettext_lazy("%(who)s rejected a correction to this claim at %(when)s"),
    "correction_withdrawn": gettext_lazy("%(who)s withdrew a correction to this claim at %(when)s"),
    "commented": gettext_lazy("%(who)s commented on this claim at %(when)s"),
    "comment_edited": gettext_lazy("%(who)s edited a comment on this claim at %(when)s"),
    "checklist_ticked": gettext_lazy("%(who)s ticked a checklist item of this claim at %(when)s"),
    "checklist_unticked": gettext_lazy("%(who)s unticked a checklist item of this claim at %(when)s"),
    "translated": gettext_lazy("%(who)s translated the verdict of this claim at %(when)s"),
}


def describe(event: ClaimEvent) -> str:
    who = event.actor.get_username() if event.actor else gettext("the system")
    wording = DESCRIBED.get(event.kind) or gettext("%(who)s changed this claim at %(when)s")
    sentence = wording % {"who": who, "when": format_when(event.created_at, "seconds")}
    fields = [name for name in (event.changes or {}) if isinstance(event.changes.get(name), dict)]
    if event.kind == "edited" and fields:
        parts = [f"{name}: “{event.changes[name].get('from')}” → “{event.changes[name].get('to')}”" for name in fields]
        sentence += " (" + "; ".join(parts) + ")"
    if event.from_state and event.to_state and event.from_state != event.to_state:
        sentence += gettext(" — now %(state)s") % {"state": State(event.to_state).label.lower()}
    return sentence + "."


def conflict_response(request, pk: int, key: str, form_class, seen_version: int):
    """Re-show the page with the user's input, rebased on the current version."""
    claim = load_claim(pk)
    data = request.POST.copy()
    data["version"] = str(claim.version)
    conflict = {
        "key": key,
        "seen": seen_version,
        "current": claim.version,
        "changes": [describe(e) for e in changes_since(pk, seen_version)],
    }
    context = claim_context(request, claim, {key: form_class(data)}, conflict)
    return render(request, "verification/claim.html", context, status=409)


def handle(request, pk: int, key: str, form_class, do, success: str):
    """Validate ``form_class``, run ``do(cleaned, version)`` (which may return a
    message to show instead of ``success``), and turn each refusal into a
    message or a conflict notice with the input kept."""
    form = form_class(request.POST)
    if not form.is_valid():
        return render_claim(request, pk, {key: form}, status=400)
    version = form.cleaned_data["version"]
    try:
        try:
            said = do(form.cleaned_data, version)
        except STALE:
            rebased = own_harmless_version(pk, version, request.user)
            if rebased is None:
                raise
            said = do(form.cleaned_data, rebased)
    except STALE:
        return conflict_response(request, pk, key, form_class, version)
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return render_claim(request, pk, {key: form}, status=400)
    except transitions.Refused as exc:
        report_error(request, exc)
        return render_claim(request, pk, {key: form}, status=exc.http_status)
    messages.success(request, said or success)
    return redirect("desk-claim", pk=pk)


# --- The forms' endpoints -------------------------------------------------------------


@require_POST
@desk_view
def assess(request, pk: int):
    def do(data, version):
        transitions.assess(
            request.user,
            pk,
            verdict=data["verdict"],
            confidence=data["confidence"],
            rationale=data["rationale"],
            credibility=data["credibility"],
            expected_version=version,
        )

    return handle(
        request, pk, "assess", AssessmentForm, do, gettext("Assessment saved. It now waits for an editor's sign-off.")
    )


@require_POST
@desk_view
def sign_off(request, pk: int):
    def do(data, version):
        transitions.sign_off(request.user, pk, expected_version=version, note=data["note"])
        still_open = checklists.open_at_signoff(pk)  # recorded by the sign-off (CLAIMDESK_CHECKLIST_BLOCKS_SIGNOFF off)
        if still_open:
            messages.warning(request, checklists.warning(still_open))

    return handle(request, pk, "signoff", SignOffForm, do, gettext("Signed off: the verdict is published."))


@require_POST
@desk_view
def return_for_changes(request, pk: int):
    def do(data, version):
        transitions.return_for_changes(request.user, pk, data["comment"], expected_version=version)

    return handle(request, pk, "return", ReturnForm, do, gettext("Returned to the reviewer with your comment."))


@require_POST
@desk_view
def reopen(request, pk: int):
    def do(data, version):
        transitions.reopen(request.user, pk, data["reason"], expected_version=version)

    return handle(
        request,
        pk,
        "reopen",
        ReopenForm,
        do,
        gettext("Reopened: the claim is back in the queue; its verdict stays public."),
    )


@require_POST
@desk_view
def edit(request, pk: int):
    def do(data, version):
        current = Claim.objects.values("text", "language", "priority").get(pk=pk)
        data = {**data, "language": data["language"].strip() or current["language"]}
        changes = {k: data[k] for k in ("text", "language", "priority") if data[k] != current[k]}
        if not changes:
            return gettext("Nothing to save: the claim already says that.")
        edit_claim(request.user, pk, version, changes)  # the version check is inside its UPDATE
        return None

    return handle(request, pk, "edit", ClaimEditForm, do, gettext("Claim saved."))


@require_POST
@desk_view
def translate(request, pk: int):
    def do(data, version):
        translations.translate(
            request.user,
            pk,
            language=data["language"],
            text=data["text"],
            rationale=data["rationale"],
            expected_version=version,
        )

    return handle(
        request, pk, "translate", TranslationForm, do, gettext("Translation saved: readers in that language see it.")
    )


# --- Corrections of a published claim's text (verification.workflow.corrections) ------


@require_POST
@desk_view
def propose_correction(request, pk: int):
    def do(data, version):
        corrections.propose(request.user, pk, text=data["text"], reason=data["reason"], expected_version=version)

    return handle(
        request,
        pk,
        "correct",
        CorrectionForm,
        do,
        gettext("Correction proposed: another editor approves or rejects it."),
    )


@require_POST
@desk_view
def approve_correction(request, pk: int, cid: int):
    get_object_or_404(Correction, pk=cid, claim_id=pk)

    def do(data, version):
        corrections.approve(request.user, pk, cid, expected_version=version, note=data["note"])

    return handle(
        request,
        pk,
        "approve_correction",
        CorrectionApproveForm,
        do,
        gettext("Correction approved: the public page shows the corrected text and lists the correction."),
    )


@require_POST
@desk_view
def reject_correction(request, pk: int, cid: int):
    get_object_or_404(Correction, pk=cid, claim_id=pk)

    def do(data, version):
        corrections.reject(request.user, pk, cid, reason=data["note"], expected_version=version)

    return handle(request, pk, "close_correction", CorrectionCloseForm, do, gettext("Correction rejected."))


@require_POST
@desk_view
def withdraw_correction(request, pk: int, cid: int):
    get_object_or_404(Correction, pk=cid, claim_id=pk)

    def do(data, version):
        corrections.withdraw(request.user, pk, cid, reason=data["note"], expected_version=version)

    return handle(request, pk, "close_correction", CorrectionCloseForm, do, gettext("Correction withdrawn."))
