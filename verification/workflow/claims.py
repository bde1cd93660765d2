"""Writes to a claim that are not workflow moves: creating it and editing its
text, metadata, attributions or appearances. Same rules as transitions:
validate, lock, write with an event, announce after commit. Editing compares
the version inside the UPDATE itself too, so two writers can never both pass
the check.

Published means frozen: what a published claim says (FROZEN_FIELDS, its
attributions and appearances) is refused with PublishedClaimFrozen until the
claim is reopened, so every change to it goes through review and four-eyes
sign-off again. We refuse rather than reopen on the editor's behalf: a reopen
is a decision with a reason, and an edit should not take it silently. Typos
go through verification.workflow.corrections instead (docs/corrections.md).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from sources.models import Source
from verification.language import detect_language, language_tag_error, normalise_tag
from verification.models import Appearance, Attribution, AttributionRole, Claim, ClaimEvent, Tag
from verification.status import status_fields
from verification.urlnorm import normalise_url
from verification.webhooks import outbox
from verification.workflow.errors import Refused, require_permission, stale_version
from verification.workflow.history import record

EDITABLE_FIELDS = ("text", "language", "first_made_at", "priority", "reach", "due_at")
# What a claim says, as readers and ClaimReview see it: frozen while published.
# priority, reach and due_at only steer the desk, so they stay editable.
FROZEN_FIELDS = ("text", "language", "first_made_at")
_FIELD_NAMES = {"text": "text", "language": "language", "first_made_at": "date it was first made"}


class PublishedClaimFrozen(Refused):
    code = "published_claim_frozen"
    http_status = 409


def frozen_fields(claim_id: int, names) -> PublishedClaimFrozen:
    """The refusal of a change to FROZEN_FIELDS ``names`` of a published claim."""
    return frozen(claim_id, " and ".join(_FIELD_NAMES[name] for name in FROZEN_FIELDS if name in names))


class AwaitingSignoffFrozen(Refused):
    code = "awaiting_signoff_frozen"
    http_status = 409


def awaiting_signoff_frozen(claim_id: int, names) -> AwaitingSignoffFrozen:
    """The refusal of a change to what a claim says while its assessment waits for sign-off:
    the editor would sign off a verdict given for other words."""
    what = " and ".join(_FIELD_NAMES[name] for name in FROZEN_FIELDS if name in names)
    return AwaitingSignoffFrozen(
        f"Claim {claim_id} is awaiting sign-off of a verdict given for its current {what}, so that cannot change "
        "now: the sign-off would publish the verdict under words its reviewer never assessed. Return the claim "
        "to its reviewer with what should change, edit it while it is in review, and it is assessed again."
    )


def frozen(claim_id: int, what: str) -> PublishedClaimFrozen:
    """The refusal of a change to what published claim ``claim_id`` says; ``what`` names it."""
    return PublishedClaimFrozen(
        f"Claim {claim_id} is published, so its {what} cannot change under a verdict another editor signed off. "
        "Reopen the claim first: the change then goes through review and sign-off again. "
        "For a typo that does not change the meaning, propose a correction instead."
    )


def priority_band(priority: int) -> str:
    if priority >= 90:
        return "urgent"
    if priority >= 70:
        return "high"
    if priority >= 40:
        return "normal"
    return "low"


def default_due_at(priority: int, start: datetime | None = None) -> datetime:
    return (start or timezone.now()) + timedelta(hours=settings.SLA_HOURS[priority_band(priority)])


@dataclass
class AttributionInput:
    source: Source
    role: str
    quote: str = ""
    appeared_url: str = ""
    appeared_in: Source | None = None
    appeared_at: datetime | None = None
    relays_source: Source | None = None  # the source whose attribution this one relays


@dataclass
class ClaimInput:
    text: str
    language: str = ""  # "" means "detect it from the text" (verification/language.py)
    first_made_at: datetime | None = None
    priority: int = 50
    reach: int = 0
    due_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    attributions: list[AttributionInput] = field(default_factory=list)
    appearances: list[dict] = field(default_factory=list)


def _text_too_long(text: str) -> str:
    """Why ``text`` is too long for a claim, or "" if it is not: a claim is one
    checkable statement, and a page of text breaks the queue and claim pages."""
    limit = settings.CLAIM_TEXT_MAX_CHARS
    n = len(text.strip())
    if n <= limit:
        return ""
    return gettext(
        "A claim is one statement of at most %(limit)s characters; this text has %(count)s. Split it or shorten it."
    ) % {"limit": f"{limit:,}", "count": f"{n:,}"}


def _validate_claim_input(data: ClaimInput) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.text or "").strip():
        errors["text"] = [gettext("A claim needs its statement: the text may not be empty.")]
    elif too_long := _text_too_long(data.text):
        errors["text"] = [too_long]
    if not 0 <= data.priority <= 100:
        errors["priority"] = [gettext("Priority is a number from 0 (low) to 100 (urgent).")]
    if data.language.strip() and (bad_tag := language_tag_error(data.language.strip())):
        errors["language"] = [bad_tag]
    seen = set()
    for index, item in enumerate(data.attributions):
        if item.role not in AttributionRole.values:
            errors.setdefault("attributions", []).append(
                f"attributions[{index}].role: '{item.role}' is not a role; "
                f"use one of {', '.join(AttributionRole.values)}."
            )
        key = (item.source.pk, item.role)
        if key in seen:
            errors.setdefault("attributions", []).append(
                f"attributions[{index}]: {item.source} is already attributed as '{item.role}' on this claim."
            )
        seen.add(key)
    if errors:
        raise ValidationError(errors)


def create_claim(actor, data: ClaimInput) -> Claim:
    """1. Validate; 2. write the claim, tags, attributions, appearances and a
    'created' event in one transaction; 3. announce claim.created after commit."""
    _validate_claim_input(data)
    text = data.text.strip()
    language = normalise_tag(data.language) if data.language.strip() else detect_language(text)
    with transaction.atomic():
        claim = Claim.objects.create(
            text=text,
            language=language,
            first_made_at=data.first_made_at,
            priority=data.priority,
            reach=data.reach,
            due_at=data.due_at or default_due_at(data.priority),
            created_by=actor,
        )
        if data.tags:
            tags = [Tag.objects.get_or_create(name=name.strip().lower())[0] for name in data.tags if name.strip()]
            claim.tags.set(tags)
        _add_attributions(claim, data.attributions)
        for appearance in data.appearances:
            Appearance.objects.create(claim=claim, **appearance)
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEvent.Kind.CREATED,
            actor=actor,
            to_state=claim.state,
            version=claim.version,
            # Whether a person chose the language or the detector did: a reviewer who
            # corrects it later sees in the history which one was wrong.
            changes={"text": claim.text, "language": language, "language_detected": not data.language.strip()},
        )
        outbox.emit("claim.created", status_fields(claim))
    return claim


def _add_attributions(claim: Claim, items: list[AttributionInput]) -> None:
    created: dict[int, Attribution] = {}
    for item in items:
        relays = created.get(item.relays_source.pk) if item.relays_source else None
        attribution = Attribution.objects.create(
            claim=claim,
            source=item.source,
            role=item.role,
            quote=item.quote,
            appeared_url=item.appeared_url,
            appeared_in=item.appeared_in,
            appeared_at=item.appeared_at,
            relays=relays,
        )
        created.setdefault(item.source.pk, attribution)


def add_to_claim(
    actor, claim_id: int, attributions: list[AttributionInput], appearances: list[dict], *, note: str, changes: dict
) -> Claim:
    """Add what a new sighting of a claim brings (who said it, where it appeared)
    to the existing claim it duplicates, instead of making a second claim: the
    desk's "add to this claim" and intake's linked proposals.

    1. Lock the claim; refuse if it is published (published means frozen);
    2. add the attributions (skipping source and role pairs it has) and the
       appearances (skipping URLs it lists);
    3. record one 'edited' event with what was added plus ``changes``, even if
       nothing was new: the sighting itself is history.

    The caller holds the transaction and has checked the actor's right."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise ValidationError(
            {
                "link_to": [
                    gettext("Claim %(claim_id)s does not exist; link to another or create a new claim.")
                    % {"claim_id": claim_id}
                ]
            }
        )
    if claim.state == Claim.State.PUBLISHED:
        raise frozen(claim.pk, gettext("attributions and appearances"))
    have = set(claim.attributions.values_list("source_id", "role"))
    added = []
    for item in attributions:
        if (item.source.pk, item.role) in have:
            continue
        relays = (
            claim.attributions.filter(source=item.relays_source, role=AttributionRole.STATED).first()
            if item.relays_source
            else None
        )
        Attribution.objects.create(
            claim=claim,
            source=item.source,
            role=item.role,
            quote=item.quote,
            appeared_url=item.appeared_url,
            relays=relays,
        )
        have.add((item.source.pk, item.role))
        added.append({"source": item.source.pk, "role": item.role})
    listed = set(claim.appearances.values_list("normalised_url", flat=True))
    new_urls = []
    for appearance in appearances:
        if normalise_url(appearance["url"]) not in listed:
            Appearance.objects.create(claim=claim, **appearance)
            listed.add(normalise_url(appearance["url"]))
            new_urls.append(appearance["url"])
    record(
        claim,
        ClaimEvent.Kind.EDITED,
        actor,
        note=note,
        changes={**changes, "attributions_added": added, "appearances_added": new_urls},
    )
    return claim


def edit_claim(actor, claim_id: int, expected_version: int, changes: dict, note: str = "") -> Claim:
    """Change editable fields if, and only if, the claim is still at ``expected_version``.

    1. Validate the fields and check the actor's right;
    2. lock the row, check the version, and refuse a change to what a
       published claim says (FROZEN_FIELDS): reopen it first;
    3. write the change and an 'edited' event.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [gettext("This field cannot be edited here.")] for name in sorted(unknown)})
    if "text" in changes and not (changes["text"] or "").strip():
        raise ValidationError({"text": [gettext("A claim needs its statement: the text may not be empty.")]})
    if "text" in changes and (too_long := _text_too_long(changes["text"])):
        raise ValidationError({"text": [too_long]})
    if "language" in changes:
        if bad_tag := language_tag_error((changes["language"] or "").strip()):
            raise ValidationError({"language": [bad_tag]})
        changes = {**changes, "language": normalise_tag(changes["language"])}
    require_permission(actor, "verification.change_claim", "edit a claim's text and metadata")
    with transaction.atomic():
        before = Claim.objects.select_for_update().filter(pk=claim_id).values("state", "version", *EDITABLE_FIELDS)
        before = before.first()
        if before is None:
            raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
        if before["version"] != expected_version:
            raise stale_version(Claim.objects.get(pk=claim_id), expected_version)
        diff = {k: v for k, v in changes.items() if before[k] != v}
        if before["state"] == Claim.State.PUBLISHED and set(diff) & set(FROZEN_FIELDS):
            raise frozen_fields(claim_id, diff)
        if before["state"] == Claim.State.AWAITING_SIGNOFF and set(diff) & set(FROZEN_FIELDS):
            raise awaiting_signoff_frozen(claim_id, diff)
        # The version test is part of the UPDATE as well: a concurrent writer's
        # row makes this match nothing, and we report instead of overwriting.
        updated = Claim.objects.filter(pk=claim_id, version=expected_version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise stale_version(Claim.objects.get(pk=claim_id), expected_version)
        claim = Claim.objects.get(pk=claim_id)
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEvent.Kind.EDITED,
            actor=actor,
            from_state=claim.state,
            to_state=claim.state,
            changes={k: {"from": _jsonable(before[k]), "to": _jsonable(v)} for k, v in diff.items()},
            note=note,
            version=claim.version,
        )
    return claim


def edit_related(actor, claim_id: int, what: str, write: Callable[[], dict], note: str = "") -> Claim:
    """Change a claim's attributions or appearances (``what`` names which)
    outside create_claim: ``write`` makes the change (the admin's inline
    formset saving) and returns a summary of it, {} when nothing changed.

    1. Check the actor's right; lock the claim and refuse if it is published;
    2. run ``write``; return early when it changed nothing;
    3. record an 'edited' event with the summary (bumping the version).
    """
    require_permission(actor, "verification.change_claim", f"change a claim's {what}")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
        if claim is None:
            raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
        if claim.state == Claim.State.PUBLISHED:
            raise frozen(claim_id, what)
        summary = write()
        if not summary:
            return claim
        record(claim, ClaimEvent.Kind.EDITED, actor, note=note, changes={what: summary})
    return claim


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime) else value
