"""The objects the authorisation matrix acts on, built fresh for each request.

Each request gets objects in the state its action needs (a claim leased to
the caller, an assessment by someone else awaiting sign-off...), so a caller
who is let in really can do the thing, and a caller who is refused is
refused for who they are, not for the state of the data.
"""

import hashlib
import json

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Sum
from django.test import Client

from sources.models import Source, SourceEvent, SourceGrade
from verification.api.keys import create_key
from verification.evidence import writes as evidence_actions
from verification.models import (
    ApiKey,
    Appearance,
    Assessment,
    Claim,
    ClaimEvent,
    CustodyEvent,
    DeskProfile,
    Evidence,
    Notification,
    StoredFile,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from verification.models.intake import IntakeBatch, Proposal
from verification.webhooks.delivery import new_secret
from verification.workflow import transitions

ROLES = ["anonymous", "read_key", "revoked_key", "no_role", "fact_checker", "editor", "admin"]
SESSION_USER = {"no_role": "carol", "fact_checker": "alice", "editor": "erin", "admin": "adam"}


def client_for(role: str, users: dict) -> Client:
    if role in ("read_key", "revoked_key"):
        key, raw = create_key(f"matrix {role}", ApiKey.Scope.READ)
        if role == "revoked_key":
            from django.utils import timezone

            ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client = Client()
    if role in SESSION_USER:
        client.force_login(users[SESSION_USER[role]])
    return client


def fingerprint() -> str:
    """A digest of everything a request could write: any change shows."""
    parts = [
        [
            m.objects.count()
            for m in (
                User,
                Claim,
                ClaimEvent,
                Assessment,
                Evidence,
                CustodyEvent,
                StoredFile,
                Appearance,
                Notification,
                Source,
                SourceGrade,
                SourceEvent,
                WebhookEndpoint,
                WebhookEvent,
                WebhookDelivery,
                IntakeBatch,
                Proposal,
            )
        ],
        Claim.objects.aggregate(v=Sum("version"), p=Sum("priority")),
        list(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True).order_by("pk")),
        list(Evidence.objects.order_by("pk").values_list("stance", "credibility", "capture_status")),
        list(Source.objects.order_by("pk").values_list("name", "homepage", "reliability")),
        list(WebhookEndpoint.objects.order_by("pk").values_list("url", "active", "description")),
        list(WebhookDelivery.objects.order_by("pk").values_list("status", "attempts")),
        list(Proposal.objects.order_by("pk").values_list("decision")),
        list(DeskProfile.objects.order_by("pk").values_list("user_id", "time_zone")),
        list(ClaimEvent.objects.values("kind").annotate(n=Count("id")).order_by("kind").values_list("kind", "n")),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


class World:
    def __init__(self, actor, users: dict, source: Source):
        self.actor, self.users, self.source = actor, users, source
        self._shared = None

    @property
    def reviewer(self):
        """Who holds a lease made for this caller: the caller if they may, else bob."""
        if self.actor is not None and self.actor.has_perm("verification.review_claim"):
            return self.actor
        return self.users["bob"]

    def claim(self, state: str = "queued") -> Claim:
        frank, bob = self.users["frank"], self.users["bob"]
        claim = Claim.objects.get(pk=_new_claim(self.source).pk)
        if state == "leased":
            transitions.reassign(frank, claim.pk, self.reviewer)
        elif state in ("assessed", "published"):
            transitions.reassign(frank, claim.pk, bob)
            transitions.assess(bob, claim.pk, verdict="false", confidence=0.9, rationale="The video is from 2019.")
            if state == "published":
                transitions.sign_off(frank, claim.pk)
        return Claim.objects.get(pk=claim.pk)

    def shared(self) -> Claim:
        """A published claim with an appearance, for reads."""
        if self._shared is None:
            self._shared = self.claim("published")
            Appearance.objects.create(claim=self._shared, url="https://news.example.org/a/1")
        return self._shared

    def free_reviewer(self) -> None:
        """Release the caller's leases, so 'take next' leases something new."""
        for claim in Claim.objects.filter(lease_owner=self.reviewer):
            transitions.release(self.reviewer, claim.pk)

    def evidence(self, with_file: bool = False) -> Evidence:
        claim = self.claim()
        alice = self.users["alice"]
        if with_file:
            upload = SimpleUploadedFile("witness.txt", f"statement {claim.pk}\n".encode(), "text/plain")
            return evidence_actions.add_evidence_file(alice, claim.pk, upload, title="Witness statement")
        return evidence_actions.add_evidence_note(
            alice, claim.pk, "A phone call with the mayor's office.", title="Call"
        )

    def endpoint(self) -> WebhookEndpoint:
        return WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret=new_secret(), description="matrix")

    def delivered(self) -> WebhookDelivery:
        endpoint = self.endpoint()
        event = WebhookEvent(type="webhook.ping", payload={"type": "webhook.ping", "data": {}})
        event.save()
        return WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, status=WebhookDelivery.Status.DELIVERED, attempts=1
        )

    def proposal(self) -> Proposal:
        batch = IntakeBatch.objects.create(
            created_by=self.users["alice"],
            text="The mayor said the bridge is closed.",
            status=IntakeBatch.Status.DONE,
            progress_done=1,
            progress_total=1,
        )
        return Proposal.objects.create(batch=batch, position=0, text="The bridge is closed.")

    def notification(self) -> Notification:
        user = self.actor or self.users["bob"]
        return Notification.objects.create(user=user, kind=Notification.Kind.ASSIGNED, message="Matrix")


_counter = [0]


def _new_claim(source: Source) -> Claim:
    from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

    _counter[0] += 1
    return create_claim(
        None,
        ClaimInput(
            text=f"Matrix claim {_counter[0]}: the bridge was closed on Monday.",
            attributions=[AttributionInput(source=source, role="stated")],
        ),
    )
