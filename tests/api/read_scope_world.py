"""A world with everything a read key must not see, for the read-scope field tests.

One published claim, reopened and re-assessed (a pending draft), with evidence
carrying internal notes, a capture refused for an address inside the network
(10.0.0.5), an uploaded file and its custody log; a second claim under a
fact-checker's lease; a third published and then corrected; sources with
notes, grades, aliases, a parent, an affiliation, a conflict and a track
record; and one webhook endpoint subscribed to every event, so each of them is
in WebhookEvent.
"""

from dataclasses import dataclass, field

from sources.actions import grade_source
from sources.models import Conflict, ConflictParty, Source, SourceAlias, SourceRelation
from tests.api.core_support import make_key, publish
from tests.evidence.evidence_support import PNG, upload
from verification.credibility.track_records import recompute_sources
from verification.evidence.media_review import review_media
from verification.evidence.writes import add_evidence_file, add_evidence_note, add_evidence_url
from verification.models import Claim, Evidence, WebhookEndpoint
from verification.tasks import capture_evidence
from verification.workflow import corrections, transitions
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

INSIDE_ADDRESS = "10.0.0.5"
NOTE = "Internal: the caller asked not to be named."
FILE_NOTE = "Internal: still image from the source's phone."
URL_NOTE = "Internal: leaked report, do not link publicly."
DRAFT = "Draft reasoning: the new video may change the verdict."
REOPEN_REASON = "Internal: new footage reached the desk."
SOURCE_NOTE = "Internal: press office is slow to answer."
HOOK_URL = "https://hooks.example.org/claimdesk"
HOOK_SECRET = "whsec_read-scope-world-secret"


@dataclass
class World:
    claim: Claim  # published, reopened, awaiting sign-off of a draft
    leased: Claim  # in review, leased to alice
    corrected: Claim  # published, then corrected
    source: Source  # graded, with aliases, parent, affiliation, conflict, track record
    ministry: Source  # has internal notes
    endpoint: WebhookEndpoint
    capture_error: str
    staff: list[str] = field(default_factory=list)

    def secrets(self) -> list[str]:
        """Strings no read answer may contain, anywhere."""
        return [
            NOTE,
            FILE_NOTE,
            URL_NOTE,
            DRAFT,
            REOPEN_REASON,
            SOURCE_NOTE,
            INSIDE_ADDRESS,
            self.capture_error,
            HOOK_SECRET,
            HOOK_URL,
        ]


def build_world(*, alice, bob, erin, frank, adam, fake_dns) -> World:
    endpoint = WebhookEndpoint.objects.create(url=HOOK_URL, secret=HOOK_SECRET, event_types=[])
    ministry = Source.objects.create(name="Ministry of Defence", kind="ministry", country="UA", notes=SOURCE_NOTE)
    hur = Source.objects.create(name="HUR", kind="military_intelligence", country="UA", parent=ministry)
    budanov = Source.objects.create(name="Kyrylo Budanov", kind="person", country="UA", parent=hur)
    outlet = Source.objects.create(name="Ukrainska Pravda", kind="media_outlet", homepage="https://pravda.com.ua/")
    SourceAlias.objects.create(source=budanov, name="Budanov", normalised="budanov")
    SourceRelation.objects.create(from_source=outlet, to_source=budanov, kind="relays")
    ConflictParty.objects.create(source=budanov, conflict=Conflict.objects.create(name="Russia–Ukraine war"), side="UA")
    grade_source(adam, budanov.pk, "B", "Right on most troop numbers since 2022.")

    claim = _claim(erin, "North Korea has sent 11,000 soldiers to Russia.", budanov, outlet)
    _add_evidence(bob, claim, budanov, fake_dns)
    publish(claim, bob, frank, rationale="Confirmed by two intelligence services.")
    review_media(  # a rating readers see: the evidence.media_reviewed webhook
        frank,
        Evidence.objects.get(claim=claim, title="Video still").pk,
        category="decontextualized",
        rationale="The still is from a 2022 exercise, not this deployment.",
        expected_version=Claim.objects.get(pk=claim.pk).version,
    )
    recompute_sources([budanov.pk, outlet.pk])
    transitions.reopen(erin, claim.pk, REOPEN_REASON)
    transitions.reassign(erin, claim.pk, bob)
    transitions.assess(bob, claim.pk, verdict="misleading", confidence=0.6, rationale=DRAFT)

    leased = _claim(erin, "The bridge at Kherson was closed for a week.", budanov, outlet)
    transitions.take_next(alice)

    corrected = _claim(erin, "The ministr said 300 drones were shot down.", ministry, outlet)
    corrected = publish(corrected, bob, frank, verdict="unproven", rationale="No independent count exists.")
    proposal = corrections.propose(
        erin, corrected.pk, text="The minister said 300 drones were shot down.", reason="Typo in the minister's title."
    )
    corrections.approve(frank, corrected.pk, proposal.pk)

    return World(
        claim=Claim.objects.get(pk=claim.pk),
        leased=Claim.objects.get(pk=leased.pk),
        corrected=Claim.objects.get(pk=corrected.pk),
        source=budanov,
        ministry=ministry,
        endpoint=endpoint,
        capture_error=Evidence.objects.get(notes=URL_NOTE).capture_error,
        staff=[u.username for u in (alice, bob, erin, frank, adam)],
    )


def _claim(actor, text, source, outlet) -> Claim:
    return create_claim(
        actor,
        ClaimInput(
            text=text,
            priority=80,
            reach=250_000,
            tags=["war"],
            attributions=[AttributionInput(source=source, role="stated", quote=text)],
            appearances=[
                {
                    "url": f"https://pravda.com.ua/news/{abs(hash(text)) % 10**6}",
                    "outlet": outlet,
                    "published_at": None,
                    "title": "Report",
                }
            ],
        ),
    )


def _add_evidence(actor, claim, source, fake_dns) -> None:
    """A note, an upload and a URL whose capture was refused for an inside address."""
    add_evidence_note(actor, claim.pk, NOTE, title="Call with a source", stance="supports", credibility=3)
    add_evidence_file(actor, claim.pk, upload(PNG), title="Video still", notes=FILE_NOTE, provided_by=source)
    fake_dns["intranet.example.org"] = [[INSIDE_ADDRESS]]
    evidence = add_evidence_url(actor, claim.pk, "http://intranet.example.org/report", title="Report", notes=URL_NOTE)
    capture_evidence(evidence.pk)  # the fetcher refuses 10.0.0.5 and records the failure on the evidence
    # Refusals now say only "address not allowed", but rows recorded before
    # that (and the reasons of other failures) name the address: keep one such row.
    Evidence.objects.filter(pk=evidence.pk).update(
        capture_error=f"refused: {INSIDE_ADDRESS} is a private address (intranet.example.org resolves to it)"
    )
    evidence.refresh_from_db()
    assert evidence.capture_status == "failed" and INSIDE_ADDRESS in evidence.capture_error, evidence.capture_error


def review_key(user) -> str:
    return make_key("review", user, name="fact-check tool")
