"""One row of every model the admin shows, so page tests cover them all."""

import hashlib
from html.parser import HTMLParser

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from sources.models import TrackRecord
from verification.evidence.media_review import review_media
from verification.evidence.writes import add_evidence_url
from verification.intake.claimreview_import import parse
from verification.models import (
    ApiKey,
    BrokerFailure,
    CalibrationSnapshot,
    ChecklistTemplate,
    Claim,
    DeskProfile,
    Evidence,
    IdempotentRequest,
    IntakeBatch,
    Keyframe,
    KeyframeSet,
    MediaHash,
    MediaMetadata,
    Notification,
    Preview,
    Proposal,
    Snapshot,
    StoredFile,
    TrustedTimestamp,
    WebhookEndpoint,
    WorkerHeartbeat,
)
from verification.tasks import refit_suggestions
from verification.webhooks import outbox
from verification.workflow import checklists, corrections, discussion, transitions, translations
from verification.workflow.external_reviews import import_reviews

# One external review and its import run, through the import itself.
_CLAIMREVIEW = b"""{"@type": "ClaimReview", "url": "https://factcheck.example.org/budanov-11000",
  "claimReviewed": "Budanov said 11,000 soldiers were sent.", "author": {"name": "Example Fact Check"}}"""


def populate(reviewer, editor) -> None:
    call_command("seed", verbosity=0)
    claim = Claim.objects.order_by("-priority", "created_at").first()
    taken = transitions.take_next(reviewer)
    transitions.assess(reviewer, taken.pk, verdict="unproven", confidence=0.4, rationale="Only one side says so.")
    transitions.sign_off(editor, taken.pk)
    corrections.propose(
        editor,
        taken.pk,
        text=Claim.objects.get(pk=taken.pk).text.rstrip(".") + " (spelling fixed).",
        reason="Typo.",
        expected_version=Claim.objects.get(pk=taken.pk).version,
    )
    translations.translate(
        editor,
        taken.pk,
        language="uk",
        text="Північна Корея відправила війська.",
        rationale="Лише одна сторона це стверджує.",
        expected_version=Claim.objects.get(pk=taken.pk).version,
    )
    # The discussion and a checklist (docs/collaboration.md), through the desk's own functions.
    comment = discussion.post_comment(reviewer, claim.pk, "Budanov's figure: see the briefing, @editor.")
    discussion.edit_comment(reviewer, comment.pk, "Budanov's figure: see the 4 Nov briefing.", expected_version=1)
    checklist = ChecklistTemplate.objects.create(name="Every claim")
    step = checklist.items.create(text="Origin of the video traced", order=10)
    checklists.tick(reviewer, claim.pk, step.pk)
    DeskProfile.choose_time_zone(reviewer, "Europe/Kyiv")
    BrokerFailure.objects.create(task="verification.tasks.deliver_webhook", args=[1], error="OperationalError")
    IdempotentRequest.objects.create(
        user=editor, key="form-token", request_hash="0" * 64, response_status=302, response_body={"id": claim.pk}
    )
    login = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "editor", "http_accept": "*/*"}
    AccessAttempt.objects.create(**login, path_info="/accounts/login/", failures_since_start=3)
    AccessLog.objects.create(**login, path_info="/accounts/login/")
    AccessFailureLog.objects.create(**login, path_info="/accounts/login/", locked_out=False)
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="whsec_dGVzdA==", created_by=editor)
    outbox.emit("claim.published", {"id": claim.pk})
    ApiKey.objects.create(name="newsroom site", prefix="cd_test1", digest="0" * 64, scope="read")
    body = b"%PDF-1.4 seed"
    stored = StoredFile.objects.create(
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        content_type="application/pdf",
        file=ContentFile(body, name="brief.pdf"),
    )
    Preview.objects.create(stored_file=stored, status="unavailable", reason="The PDF has no pages.")
    MediaMetadata.objects.create(stored_file=stored, status="unreadable", reason="Could not read the file's metadata.")
    MediaHash.objects.create(stored_file=stored, status="unreadable", reason="The file could not be read.")
    MediaHash.objects.create(
        stored_file=stored,
        ordinal=1,
        frame_seconds=1.5,
        pdq="f" * 64,
        quality=90,
        **{f"c{i}": 2**21 - 1 for i in range(12)},
    )
    frames = KeyframeSet.objects.create(stored_file=stored, status="partial", found=1, reason="First 1 keyframes.")
    picture = ContentFile(b"RIFF----WEBPVP8 ", name="frame.webp")
    Keyframe.objects.create(
        keyframe_set=frames,
        index=0,
        seconds=0.0,
        why="first",
        image=picture,
        thumbnail=picture,
        content_type="image/webp",
        width=16,
        height=9,
        thumbnail_width=16,
        thumbnail_height=9,
        sha256="0" * 64,
    )
    evidence = claim.evidence.first() or Claim.objects.filter(evidence__isnull=False).first().evidence.first()
    Snapshot.objects.create(
        evidence=evidence,
        stored_file=stored,
        requested_url="https://example.org/a",
        final_url="https://example.org/a",
        status_code=200,
        captured_at=timezone.now(),
    )
    TrustedTimestamp.objects.create(
        evidence=evidence, sha256="0" * 64, status="refused", reason="The answer's imprint is not this hash."
    )
    _rate_media(reviewer, editor, claim)
    TrackRecord.objects.create(source=claim.attributions.first().source, mean=0.5, count=1)
    WorkerHeartbeat.objects.update_or_create(hostname="test@localhost", defaults={"seen_at": timezone.now()})
    batch = IntakeBatch.objects.create(created_by=reviewer, text="Budanov said 2,600 soldiers would go to Kursk.")
    Proposal.objects.create(batch=batch, position=0, text="2,600 soldiers would go to Kursk.")
    CalibrationSnapshot.objects.create(reviewer=reviewer, count=1, confirmed=1, brier=0.16, ece=0.4)
    refit_suggestions(force=True)  # a SuggestionModel row, written as the nightly task writes it
    import_reviews(None, parse(_CLAIMREVIEW, "admin-pages.json"))
    if not Notification.objects.exists():
        Notification.objects.create(user=reviewer, kind="published", claim=claim, message="Published.")


def _rate_media(reviewer, editor, claim) -> None:
    """A MediaReview rating (docs/media_review.md) of a seeded video, or of one added for it."""
    media = Evidence.objects.filter(kind__in=(Evidence.Kind.VIDEO, Evidence.Kind.IMAGE)).first()
    if media is None:
        media = add_evidence_url(
            reviewer, claim.pk, "https://example.org/camp.mp4", kind=Evidence.Kind.VIDEO, capture=False
        )
    review_media(
        editor,
        media.pk,
        category="decontextualized",
        rationale="Filmed in 2022.",
        expected_version=Claim.objects.get(pk=media.claim_id).version,
    )


class _FormReader(HTMLParser):
    """What a browser would post from one <form>: its inputs, selects and textareas as rendered."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside or (not attrs.get("name") and tag != "option"):
            return
        elif tag == "input" and self._sent(attrs):
            self.data.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = [""]

    @staticmethod
    def _sent(attrs) -> bool:
        kind = attrs.get("type", "text")
        return kind not in ("submit", "button", "file", "image", "reset") and (
            kind not in ("checkbox", "radio") or "checked" in attrs
        )

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the one newline Django writes after <textarea>.
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


def change_form(client, url: str, **changes) -> dict:
    """The admin change form at `url` as a browser would post it, with `changes` applied."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    model = url.rstrip("/").split("/")[-3]
    reader = _FormReader(f"{model}_form")
    reader.feed(page.content.decode())
    # A select with nothing chosen sends nothing, as in a browser.
    data = {name: values[0] if len(values) == 1 else values for name, values in reader.data.items() if values}
    return {**data, **changes}


# The claim admin's inlines, each sent empty unless a test fills it in; a claim
# that was ever published also has the corrections inline.
CLAIM_INLINES = ["attributions", "appearances", "evidence", "assessments", "events"]


def claim_change_form(claim, inlines=CLAIM_INLINES, **changes):
    """The admin change form of ``claim`` as the browser sends it, with ``changes`` applied."""
    data = {
        "text": claim.text,
        "language": claim.language,
        "first_made_at_0": "",
        "first_made_at_1": "",
        "priority": claim.priority,
        "reach": claim.reach,
        "due_at_0": claim.due_at.strftime("%Y-%m-%d"),
        "due_at_1": claim.due_at.strftime("%H:%M:%S"),
        "expected_version": claim.version,
    }
    for prefix in inlines:
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = 0
    data.update(changes)
    return data
