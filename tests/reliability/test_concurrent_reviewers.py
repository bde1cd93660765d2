"""Many reviewers act on the same claims at the same instant, through the API.

Each race starts six requests together (a barrier, six threads, six
database connections) against one claim, all carrying the version they
read: the lease holder extending, releasing and assessing from several
tabs; editors signing off and returning the same assessment; editors
editing it with the same If-Match; editors reopening the same verdict;
reviewers asking for the only queued claim. Exactly one request wins each
race; the others get 409 (actions: stale version or illegal move, saying
what changed and by whom) or 412 (If-Match edits), or 204 when the queue
is empty, and leave nothing behind: one race, one event. The histories
replay to the final rows.
"""

import json
import threading
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from sources.roles import EDITORS, FACT_CHECKERS, ensure_roles
from tests.reliability.replay import assert_history_replays
from tests.reliability.services import postgres_only
from verification.api.keys import create_key
from verification.models import Claim, ClaimEvent
from verification.workflow import transitions

pytestmark = pytest.mark.django_db(transaction=True)

RACES_PER_KIND = 20
RUNNERS = 6


def people(prefix: str, role: str, n: int) -> list[User]:
    ensure_roles()
    users = User.objects.bulk_create([User(username=f"{prefix}{i}") for i in range(n)])
    Group.objects.get(name=role).user_set.add(*users)
    return list(User.objects.filter(username__startswith=prefix).order_by("id"))


def race(calls) -> list:
    """Run the calls at once, each in its own thread and connection."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


KEYS: dict[int, str] = {}


def client_of(user) -> Client:
    """Each reviewer calls with their own review key, as a newsroom tool would."""
    if user.pk not in KEYS:
        KEYS[user.pk] = create_key(f"race {user.username}", "review", user=user)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {KEYS[user.pk]}")


def post(user, path, body):
    client = client_of(user)
    return lambda: client.post(path, data=json.dumps(body), content_type="application/json")


def patch(user, claim, priority):
    client = client_of(user)
    return lambda: client.patch(
        f"/api/v1/claims/{claim.pk}",
        data=json.dumps({"priority": priority}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{claim.pk}-{claim.version}"',
    )


class Ledger:
    def __init__(self):
        self.races = self.losers = self.idempotent = 0
        self.statuses: dict[int, int] = {}

    def settle(self, kind, claim, responses, lose_with, idempotent=False):
        """Exactly one winner; every loser refused with ``lose_with`` and a clear body; one event.
        ``idempotent``: a loser may instead be told 200 with the claim as the winner left it."""
        statuses = [r.status_code for r in responses]
        winners = [r for r in responses if r.status_code == 200]
        if idempotent:
            self.idempotent += len(winners) - 1
            assert all(r.json()["version"] == claim.version + 1 for r in winners), f"{kind}: {statuses}"
            winners, responses = winners[:1], [r for r in responses if r.status_code != 200] + winners[:1]
        assert len(winners) == 1, f"{kind} on claim {claim.pk}: {statuses}"
        for r in responses:
            self.statuses[r.status_code] = self.statuses.get(r.status_code, 0) + 1
            if r.status_code == 200:
                continue
            assert r.status_code == lose_with, f"{kind} on claim {claim.pk}: {statuses}"
            if lose_with in (409, 412):
                body = r.json()
                assert r["Content-Type"].startswith("application/problem+json")
                assert f"Claim {claim.pk}" in body["detail"] or "claim" in body["detail"].lower(), body
            self.losers += 1
        after = Claim.objects.get(pk=claim.pk)
        assert after.version == claim.version + 1, f"{kind}: version {claim.version} -> {after.version}"
        assert ClaimEvent.objects.filter(claim=claim, version__gt=claim.version).count() == 1
        self.races += 1
        return winners[0]


@dataclass
class Desk:
    ledger: Ledger
    make_claim: object
    holder: User = None
    assessor: User = None
    takers: list = field(default_factory=list)
    editors: list = field(default_factory=list)

    def holder_tabs(self, i: int) -> None:
        """The holder, from six tabs: extend, release and assess the same version."""
        claim = transitions.reassign(self.editors[0], self.make_claim(text=f"Race {i}").pk, self.holder)
        path, version = f"/api/v1/claims/{claim.pk}/", {"version": claim.version}
        verdict = {**version, "verdict": "false", "confidence": 0.8, "rationale": "Old video."}
        calls = [
            post(self.holder, path + "extend", version),
            post(self.holder, path + "release", version),
            post(self.holder, path + "assess", verdict),
        ] * 2
        self.ledger.settle("holder", claim, race(calls), 409)

    def sign_off(self, i: int) -> Claim:
        """Six editors sign off or return the same assessment."""
        claim = transitions.reassign(self.editors[0], self.make_claim(text=f"Sign-off race {i}").pk, self.assessor)
        claim = transitions.assess(self.assessor, claim.pk, verdict="false", confidence=0.9, rationale="Old video.")
        # Each action its own body: unknown fields are refused (a return's comment is no sign-off field).
        sign, back = {"version": claim.version}, {"version": claim.version, "comment": "Cite it."}
        calls = [
            post(e, f"/api/v1/claims/{claim.pk}/" + ("signoff" if n % 2 else "return"), sign if n % 2 else back)
            for n, e in enumerate(self.editors)
        ]
        self.ledger.settle("signoff", claim, race(calls), 409)
        return Claim.objects.get(pk=claim.pk)

    def edit(self, claim: Claim) -> Claim:
        """Six editors edit the claim with the same If-Match."""
        self.ledger.settle("patch", claim, race([patch(e, claim, 60 + n) for n, e in enumerate(self.editors)]), 412)
        return Claim.objects.get(pk=claim.pk)

    def reopen(self, claim: Claim) -> None:
        """Six editors reopen the same verdict. Reopening is idempotent: an
        already reopened claim is answered as it is (one event all the same)."""
        if claim.state != "published":
            return
        body = {"version": claim.version, "reason": "New footage."}
        calls = [post(e, f"/api/v1/claims/{claim.pk}/reopen", body) for e in self.editors]
        self.ledger.settle("reopen", claim, race(calls), 409, idempotent=True)

    def take(self, i: int) -> None:
        """Six reviewers ask for the only queued claim; the others get 204."""
        for taken in Claim.objects.filter(lease_owner__in=self.takers):
            transitions.release(taken.lease_owner, taken.pk)
        for other in Claim.objects.filter(state__in=["queued", "reopened"], lease_owner=None):
            transitions.reassign(self.editors[0], other.pk, self.holder)  # out of the way, for the moment
        claim = self.make_claim(text=f"Take race {i}")
        won = self.ledger.settle("take", claim, race([post(r, "/api/v1/queue/next", {}) for r in self.takers]), 204)
        assert won.json()["id"] == claim.pk


def test_it_lets_exactly_one_of_six_concurrent_reviewers_win_each_race(make_claim, figures):
    postgres_only("concurrent reviewers on one claim")
    KEYS.clear()
    desk = Desk(
        Ledger(),
        make_claim,
        holder=people("holder", FACT_CHECKERS, 1)[0],
        assessor=people("assessor", FACT_CHECKERS, 1)[0],
        takers=people("taker", FACT_CHECKERS, RUNNERS),
        editors=people("editor", EDITORS, RUNNERS),
    )
    for i in range(RACES_PER_KIND):
        desk.holder_tabs(i)
        desk.reopen(desk.edit(desk.sign_off(i)))
        desk.take(i)
    ledger = desk.ledger
    events = assert_history_replays()
    figures(
        "concurrent_reviewers",
        races=ledger.races,
        requests=ledger.races * RUNNERS,
        losers_refused=ledger.losers,
        reopen_losers_answered_unchanged=ledger.idempotent,
        statuses=json.dumps(dict(sorted(ledger.statuses.items()))),
        events_replayed=events,
    )
