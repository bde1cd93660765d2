"""Evidence: every write to an evidence item goes through here.

Each action (the Zulip `actions/` pattern) checks the actor's right, locks the
rows it changes, returns early when nothing changes, writes the change together
with an append-only CustodyEvent (and, for what reviewers weigh, a ClaimEvent
that bumps the claim's version), and sends follow-up work (capture, webhook,
re-review of a published claim) only after commit. The desk, the API and the
admin call these functions; none of them saves an Evidence row itself.

The bytes behind an item (spooling, hashing, sniffing, StoredFile) are
verification.evidence.storage's; a file is stored there first and attached here.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from sources.models import Source
from verification import enqueue
from verification.evidence import keyframes, metadata, previews, timestamps
from verification.evidence.storage import CHUNK_SIZE, discard_if_unused, spool, store
from verification.models import Claim, ClaimEvent, CustodyEvent, Evidence, Keyframe, StoredFile
from verification.status import rfc3339
from verification.urlnorm import check_web_url
from verification.webhooks import outbox
from verification.workflow import transitions
from verification.workflow.errors import require_permission
from verification.workflow.history import record

Action = CustodyEvent.Action
PUBLIC_NOTE_MAX_CHARS = 4000


# --- Adding evidence ---------------------------------------------------------------


def _require(actor, perm: str, what: str) -> None:
    require_permission(actor, f"verification.{perm}", what)


def _problem(field: str, value) -> str | None:
    """What is wrong with `value` for `field`, in words for the person who typed it."""
    if field == "kind" and value not in Evidence.Kind.values:
        return f"'{value}' is not a kind of evidence; use one of {', '.join(Evidence.Kind.values)}."
    if field == "title" and not value:
        return "Give the evidence a title, so reviewers can tell items apart."
    if field == "title" and len(value) > 500:
        return "Keep the title under 500 characters."
    if field == "stance" and value not in Evidence.Stance.values:
        return f"'{value}' is not a stance; use one of {', '.join(Evidence.Stance.values)}."
    if field == "credibility" and value is not None and value not in range(1, 7):
        return "Information credibility is a grade from 1 (confirmed) to 6 (cannot be judged)."
    if field == "public_note" and len(value) > PUBLIC_NOTE_MAX_CHARS:
        return f"Keep the note for readers under {PUBLIC_NOTE_MAX_CHARS} characters; it is shown on the public page."
    return None


def _check(values: dict) -> dict:
    errors = {field: [problem] for field, value in values.items() if (problem := _problem(field, value))}
    if errors:
        raise ValidationError(errors)
    return values


def _validate(kind: str, title: str, stance: str, credibility, public_note: str = "") -> dict:
    return _check(
        {
            "kind": kind,
            "title": (title or "").strip(),
            "stance": stance,
            "credibility": credibility,
            "public_note": (public_note or "").strip(),
        }
    )


def _validate_url(url: str) -> str:
    try:
        return check_web_url(url)  # the desk's forms and the API say the same, word for word
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from None


def _attach(actor, claim_id: int, fields: dict, custody: list[tuple[str, dict]], sha256: str = "") -> Evidence:
    """Create the evidence row, its custody entries and the claim event, in the
    caller's transaction, with the claim row locked; announce after commit.

    1. Lock the claim (a new item changes what reviewers see: the version bumps).
    2. Create the evidence and one custody row per (action, detail).
    3. Emit evidence.added; if the claim is published, ask for a re-review.
    """
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    evidence = Evidence.objects.create(claim=claim, added_by=actor, sha256=sha256, **fields)
    for action, detail in custody:
        CustodyEvent.objects.create(evidence=evidence, action=action, actor=actor, sha256=sha256, detail=detail)
    record(
        claim,
        ClaimEvent.Kind.EVIDENCE,
        actor,
        note=f"Evidence added: {evidence.title}",
        changes={"evidence_id": evidence.pk, "action": "added", "kind": evidence.kind, "stance": evidence.stance},
    )
    outbox.emit("evidence.added", evidence_data(evidence))
    if claim.state == Claim.State.PUBLISHED:
        # The review queue owns re-review: after commit its task reopens the claim.
        transitions.request_rereview(claim.pk, evidence.pk)
    return evidence


def _source_id(provided_by) -> int | None:
    return getattr(provided_by, "pk", provided_by)


def add_evidence_url(
    actor,
    claim_id: int,
    url: str,
    *,
    kind: str = Evidence.Kind.ARTICLE,
    title: str = "",
    stance: str = Evidence.Stance.CONTEXT,
    credibility: int | None = None,
    provided_by=None,
    notes: str = "",
    capture: bool = True,
    public_note: str = "",
) -> Evidence:
    """Attach a URL and, unless `capture` is False (seed and demo data), ask a
    worker to capture it after commit."""
    _require(actor, "add_evidence", "add evidence")
    url = _validate_url(url)
    fields = _validate(kind, title or url, stance, credibility, public_note)
    status = Evidence.Capture.PENDING if capture else Evidence.Capture.NOT_REQUESTED
    custody = [(Action.ADDED, {"url": url, "kind": kind, "title": fields["title"]})]
    if capture:
        custody.append((Action.CAPTURE_REQUESTED, {"backend": "http"}))
    with transaction.atomic():
        evidence = _attach(
            actor,
            claim_id,
            dict(fields, url=url, notes=notes, capture_status=status, provided_by_id=_source_id(provided_by)),
            custody,
        )
        if capture:
            enqueue.after_commit(enqueue.CAPTURE_EVIDENCE, evidence.pk)
    return evidence


def kind_for(content_type: str) -> str:
    return {"video": Evidence.Kind.VIDEO, "image": Evidence.Kind.IMAGE}.get(
        content_type.split("/")[0], Evidence.Kind.DOCUMENT
    )


def add_evidence_file(
    actor,
    claim_id: int,
    uploaded_file,
    *,
    kind: str | None = None,
    title: str = "",
    stance: str = Evidence.Stance.CONTEXT,
    credibility: int | None = None,
    provided_by=None,
    notes: str = "",
    chunk_size: int = CHUNK_SIZE,
    public_note: str = "",
) -> Evidence:
    """Attach an uploaded file, streamed and hashed in `chunk_size` pieces.

    1. Check the right, the fields and the claim before reading any byte.
    2. Spool (size and type limits, EvidenceRefused; a declared size already
       over the limit is refused unread), then store once per SHA-256.
    3. Attach the evidence and ask for its preview after commit; if that fails,
       drop bytes nobody else uses.
    """
    _require(actor, "add_evidence", "add evidence")
    name = os.path.basename(getattr(uploaded_file, "name", "") or "")
    fields = _validate(
        kind or Evidence.Kind.DOCUMENT, title or name or "Uploaded file", stance, credibility, public_note
    )
    if not Claim.objects.filter(pk=claim_id).exists():
        raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
    declared = getattr(uploaded_file, "content_type", "") or ""
    spooled = spool(
        uploaded_file,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        chunk_size=chunk_size,
        check_type=True,
        declared_type=declared,
        declared_size=getattr(uploaded_file, "size", None),
    )
    stored, created = store(spooled, name)
    fields["kind"] = kind or kind_for(stored.content_type)  # unsaid: what the bytes are
    detail = {
        "name": name,
        "size": stored.size,
        "content_type": stored.content_type,
        "declared_type": declared,
        "deduplicated": not created,
        "stored_file_id": stored.pk,
    }
    try:
        with transaction.atomic():
            evidence = _attach(
                actor,
                claim_id,
                dict(fields, notes=notes, stored_file=stored, provided_by_id=_source_id(provided_by)),
                [(Action.ADDED, {"kind": fields["kind"], "title": fields["title"]}), (Action.UPLOADED, detail)],
                sha256=stored.sha256,
            )
            previews.request(stored)
            metadata.request(stored)  # what the file says about itself
            keyframes.request(stored)  # a video's keyframes
            timestamps.request(evidence)  # trusted time for its hash, when CLAIMDESK_TSA_URL is set
            return evidence
    except BaseException:
        if created:
            discard_if_unused(stored)
        raise


def attach_keyframe(actor, evidence_id: int, index: int) -> Evidence:
    """Attach keyframe `index` of a video item as an image item of the same claim,
    its custody starting from the video and the second it shows.

    1. Check the right; find the keyframe (Keyframe.DoesNotExist if the video has none of that index).
    2. Spool the frame's picture as an upload is spooled, and check it is still
       the picture the keyframe recorded (its SHA-256); store it once.
    3. Lock the video; if this claim already holds these bytes, return that item.
    4. Attach the new item (custody: added, frame_of_video with the video's
       item, hash and second), write frame_attached on the video, and ask for
       the new picture's preview and metadata after commit.
    """
    _require(actor, "add_evidence", "attach a frame as evidence")
    video = Evidence.objects.get(pk=evidence_id)
    keyframe = keyframes.keyframe_of(video, index)
    if keyframe is None:
        raise Keyframe.DoesNotExist(
            gettext("Evidence %(evidence_id)s has no keyframe %(index)s.")
            % {"evidence_id": evidence_id, "index": index}
        )
    with keyframe.image.storage.open(keyframe.image.name, "rb") as handle:
        spooled = spool(handle, max_bytes=settings.UPLOAD_MAX_BYTES)
    if spooled.sha256 != keyframe.sha256:
        spooled.path.unlink(missing_ok=True)
        raise ValidationError(
            {"keyframe": [gettext("The frame's stored picture changed since it was made; extract again.")]}
        )
    name = f"{os.path.splitext(video.title)[0][:80]}-{keyframe.seconds:.1f}s.{keyframe.content_type.split('/')[-1]}"
    stored, created = store(spooled, name)
    title = f"Frame at {keyframe.seconds:.1f} s of “{video.title[:400]}”"
    where = {"video_evidence_id": video.pk, "video_sha256": video.sha256, "seconds": keyframe.seconds}
    where |= {"index": keyframe.index, "keyframe_sha256": keyframe.sha256, "stored_file_id": stored.pk}
    try:
        with transaction.atomic():
            video = _lock_evidence(evidence_id)
            already = Evidence.objects.filter(claim_id=video.claim_id, sha256=stored.sha256).first()
            if already is not None:
                return already
            fields = _validate(Evidence.Kind.IMAGE, title, Evidence.Stance.CONTEXT, None)
            frame = _attach(
                actor,
                video.claim_id,
                dict(fields, stored_file=stored, notes=f"Keyframe {keyframe.index} of evidence {video.pk}."),
                [(Action.ADDED, {"kind": fields["kind"], "title": fields["title"]}), (Action.FRAME_OF_VIDEO, where)],
                sha256=stored.sha256,
            )
            CustodyEvent.objects.create(
                evidence=video,
                action=Action.FRAME_ATTACHED,
                actor=actor,
                sha256=video.sha256,
                detail={"frame_evidence_id": frame.pk, "seconds": keyframe.seconds, "index": keyframe.index},
            )
            previews.request(stored)
            metadata.request(stored)
            return frame
    except BaseException:
        if created:
            discard_if_unused(stored)
        raise


def add_evidence_note(
    actor,
    claim_id: int,
    notes: str,
    *,
    kind: str = Evidence.Kind.TESTIMONY,
    title: str = "",
    stance: str = Evidence.Stance.CONTEXT,
    credibility: int | None = None,
    provided_by=None,
    public_note: str = "",
) -> Evidence:
    """Evidence with neither URL nor file: a testimony, a phone call, a note."""
    _require(actor, "add_evidence", "add evidence")
    if not (notes or "").strip():
        raise ValidationError({"notes": [gettext("Write what the evidence is: a note needs text.")]})
    fields = _validate(kind, title or notes.strip().splitlines()[0][:120], stance, credibility, public_note)
    with transaction.atomic():
        return _attach(
            actor,
            claim_id,
            dict(fields, notes=notes.strip(), provided_by_id=_source_id(provided_by)),
            [(Action.ADDED, {"kind": kind, "title": fields["title"], "note": True})],
        )


# --- Changing and reading evidence --------------------------------------------------


def _lock_evidence(evidence_id: int) -> Evidence:
    return Evidence.objects.select_for_update().get(pk=evidence_id)


# What an edit may change, each with the custody action that records it. The
# kind, URL and bytes are not here: an item's custody starts from them.
EDITABLE = {
    "title": Action.TITLE_CHANGED,
    "notes": Action.NOTES_CHANGED,
    "public_note": Action.PUBLIC_NOTE_CHANGED,
    "provided_by": Action.PROVIDED_BY_CHANGED,
    "stance": Action.STANCE_CHANGED,
    "credibility": Action.CREDIBILITY_CHANGED,
}


def clean_edit(evidence: Evidence, changes: dict) -> dict:
    """`changes` as they would be stored (provided_by as a source id, text
    stripped), or ValidationError naming each field at fault. Reads, never
    writes: the admin's form calls it to show the errors beside the fields."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        fixed = "This cannot change once the item is added (its custody starts there); add a new item instead."
        raise ValidationError({name: [fixed] for name in unknown})
    values = {
        field: (value or "").strip() if field in ("title", "notes", "public_note") else value
        for field, value in changes.items()
    }
    if "provided_by" in values:
        values["provided_by"] = _source_id(values["provided_by"])
        if values["provided_by"] is not None and not Source.objects.filter(pk=values["provided_by"]).exists():
            raise ValidationError(
                {
                    "provided_by": [
                        gettext("There is no source %(value)s; pick one from the list.")
                        % {"value": values["provided_by"]}
                    ]
                }
            )
    _check({field: value for field, value in values.items() if field != "provided_by"})
    if "notes" in values and not values["notes"] and not evidence.url and not evidence.stored_file_id:
        raise ValidationError(
            {
                "notes": [
                    gettext("This item has no URL or file: its notes are the evidence. Keep them, or add a new item.")
                ]
            }
        )
    return values


def edit_evidence(actor, evidence_id: int, changes: dict, note: str = "") -> Evidence:
    """Change what reviewers read about an item: its title, notes, provider,
    stance or information credibility, or the note readers see once published.

    1. Check the actor's right, then lock the claim and the item, in that
       order (as adding evidence does), so two edits queue instead of racing.
    2. Check the new values (`clean_edit`); return the item untouched if none
       of them differs from what is stored.
    3. Save the changed fields with one custody row each (who, from, to, the
       note) and one claim event naming them all. The event bumps the claim's
       version: a reviewer who judged the old wording is told before signing off.
    """
    _require(actor, "change_evidence", "change evidence")
    with transaction.atomic():
        claim_id = Evidence.objects.values_list("claim_id", flat=True).get(pk=evidence_id)
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        evidence = _lock_evidence(evidence_id)
        values = clean_edit(evidence, changes)
        diff = {
            field: {"from": getattr(evidence, _column(field)), "to": value}
            for field, value in values.items()
            if getattr(evidence, _column(field)) != value
        }
        if not diff:
            return evidence
        for field, change in diff.items():
            setattr(evidence, _column(field), change["to"])
        evidence.save(update_fields=[_column(field) for field in diff])
        for field, change in diff.items():
            CustodyEvent.objects.create(
                evidence=evidence,
                action=EDITABLE[field],
                actor=actor,
                sha256=evidence.sha256,
                detail={**change, **({"note": note} if note else {})},
            )
        record(
            claim,
            ClaimEvent.Kind.EVIDENCE,
            actor,
            note=f"Evidence edited: {evidence.title}" + (f" ({note})" if note else ""),
            changes={"evidence_id": evidence.pk, "action": "edited", **diff},
        )
        return evidence


def _column(field: str) -> str:
    return "provided_by_id" if field == "provided_by" else field


def set_stance(actor, evidence_id: int, stance: str, note: str = "") -> Evidence:
    return edit_evidence(actor, evidence_id, {"stance": stance}, note)


def set_credibility(actor, evidence_id: int, credibility: int | None, note: str = "") -> Evidence:
    return edit_evidence(actor, evidence_id, {"credibility": credibility}, note)


def recapture(actor, evidence_id: int) -> Evidence:
    """Capture a URL again (a user's request: the only way seeded evidence is
    ever fetched). A capture already waiting is left alone."""
    _require(actor, "change_evidence", "re-capture evidence")
    with transaction.atomic():
        evidence = _lock_evidence(evidence_id)
        if not evidence.url:
            raise ValidationError({"url": [gettext("This evidence has no URL to capture.")]})
        if evidence.capture_status == Evidence.Capture.PENDING:
            return evidence
        evidence.capture_status = Evidence.Capture.PENDING
        evidence.capture_error = ""
        evidence.capture_attempts = 0  # attempts count per capture request; retries are capped on it
        evidence.save(update_fields=["capture_status", "capture_error", "capture_attempts"])
        CustodyEvent.objects.create(
            evidence=evidence, action=Action.CAPTURE_REQUESTED, actor=actor, detail={"backend": "http", "again": True}
        )
        enqueue.after_commit(enqueue.CAPTURE_EVIDENCE, evidence.pk)
        return evidence


def record_download(actor, evidence: Evidence, stored: StoredFile, snapshot_id: int | None = None) -> None:
    """Custody: who took a copy of the bytes, and which bytes."""
    detail = {"stored_file_id": stored.pk, "size": stored.size}
    if snapshot_id:
        detail["snapshot_id"] = snapshot_id
    CustodyEvent.objects.create(
        evidence=evidence, action=Action.DOWNLOADED, actor=actor, sha256=stored.sha256, detail=detail
    )


def related_evidence(evidence: Evidence):
    """Evidence on other claims with the same normalised URL or the same bytes."""
    match = Q(pk__in=[])
    if evidence.normalised_url:
        match |= Q(normalised_url=evidence.normalised_url)
    if evidence.sha256:
        match |= Q(sha256=evidence.sha256)
    return Evidence.objects.filter(match).exclude(claim_id=evidence.claim_id).select_related("claim").order_by("-id")


def related_map(items: list[Evidence], limit: int = 200) -> dict[int, list[Evidence]]:
    """`related_evidence` for many items in one query: {evidence id: [related]}."""
    urls = {e.normalised_url for e in items if e.normalised_url}
    hashes = {e.sha256 for e in items if e.sha256}
    if not urls and not hashes:
        return {e.pk: [] for e in items}
    others = list(
        Evidence.objects.filter(Q(normalised_url__in=urls) | Q(sha256__in=hashes))
        .exclude(pk__in=[e.pk for e in items])
        .select_related("claim")
        .order_by("-id")[:limit]
    )
    return {
        e.pk: [
            o
            for o in others
            if o.claim_id != e.claim_id
            and ((e.normalised_url and o.normalised_url == e.normalised_url) or (e.sha256 and o.sha256 == e.sha256))
        ]
        for e in items
    }


def evidence_data(evidence: Evidence) -> dict:
    """The public shape of an evidence item, for the ``evidence.added`` webhook.

    Receivers are outside systems, so they get what a read key gets (the
    "evidence" list in verification/api/visibility.py): never the internal
    notes, nor a capture error, which can name addresses inside the network."""
    return {
        "id": evidence.pk,
        "claim_id": evidence.claim_id,
        "kind": evidence.kind,
        "title": evidence.title,
        "url": evidence.url or None,
        "stance": evidence.stance,
        "credibility": evidence.credibility,
        "sha256": evidence.sha256 or None,
        "capture_status": evidence.capture_status,
        "provided_by": evidence.provided_by_id,
        "added_at": rfc3339(evidence.added_at),
    }
