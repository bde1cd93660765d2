"""16 reviewers at once on PostgreSQL: no claim is ever held by two, none is skipped.

Each reviewer is a real thread with its own connection, taking the next claim
and then either releasing it or assessing it, until the queue is empty. The
claims' event history is the evidence: per claim, leases (taken → released or
assessed) never overlap, and versions run without gaps.
"""

import random
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from sources.roles import FACT_CHECKERS, ensure_roles
from tests.services import require_postgres
from verification.models import Claim, ClaimEvent
from verification.workflow import transitions

REVIEWERS = 16
CLAIMS = 200


def reviewers() -> list[User]:
    ensure_roles()
    group = Group.objects.get(name=FACT_CHECKERS)
    users = User.objects.bulk_create([User(username=f"reviewer-{i}") for i in range(REVIEWERS)])  # no password: fast
    group.user_set.add(*users)
    return list(User.objects.filter(username__startswith="reviewer-").order_by("id"))


def work(user, seed: int, errors: list, start: threading.Barrier) -> None:
    rng = random.Random(seed)
    try:
        start.wait()
        while (claim := transitions.take_next(user)) is not None:
            if rng.random() < 0.4:
                transitions.release(user, claim.pk, expected_version=claim.version)
            else:
                transitions.assess(
                    user,
                    claim.pk,
                    verdict="unproven",
                    confidence=0.5,
                    rationale="Checked.",
                    expected_version=claim.version,
                )
    except Exception as exc:  # noqa: BLE001 - reported by the main thread
        errors.append(exc)
    finally:
        connection.close()  # this thread's own connection


def check_leases_never_overlap(events: list[ClaimEvent]) -> None:
    """Events of one claim (or one reviewer) in order: each lease ends before the next begins."""
    holder = None
    for event in events:
        if event.kind == "taken":
            assert holder is None, f"{event.kind} {event.claim_id} by {event.actor_id} while {holder} was held"
            holder = (event.claim_id, event.actor_id)
        elif event.kind in ("released", "assessed"):
            assert holder == (event.claim_id, event.actor_id), (
                f"{event.kind} {event.claim_id} by {event.actor_id}, held: {holder}"
            )
            holder = None
    assert holder is None


@pytest.mark.django_db(transaction=True)
def test_it_never_gives_one_claim_to_two_of_16_concurrent_reviewers(make_claim):
    require_postgres()
    users = reviewers()
    Claim.objects.bulk_create([Claim(text=f"Claim {i}", priority=i % 100) for i in range(CLAIMS)])
    errors: list[Exception] = []
    start = threading.Barrier(REVIEWERS)
    threads = [threading.Thread(target=work, args=(user, i, errors, start)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []

    # None skipped: every claim was worked through to an assessment.
    assert Claim.objects.filter(state=Claim.State.AWAITING_SIGNOFF).count() == CLAIMS
    assert not Claim.objects.filter(lease_owner__isnull=False).exists()
    events = list(ClaimEvent.objects.order_by("claim_id", "version"))
    by_claim: dict[int, list[ClaimEvent]] = {}
    for event in events:
        by_claim.setdefault(event.claim_id, []).append(event)
    assert len(by_claim) == CLAIMS
    for claim_events in by_claim.values():
        check_leases_never_overlap(claim_events)
        assert [e.version for e in claim_events] == list(range(2, 2 + len(claim_events)))  # no lost update
        times = [e.created_at for e in claim_events]
        assert times == sorted(times)  # the history reads in the order things happened
    by_reviewer: dict[int, list[ClaimEvent]] = {}
    for event in sorted(events, key=lambda e: (e.created_at, e.id)):
        by_reviewer.setdefault(event.actor_id, []).append(event)
    for reviewer_events in by_reviewer.values():
        check_leases_never_overlap(reviewer_events)  # one lease per reviewer at a time, too
    assert sum(e.kind == "taken" for e in events) > CLAIMS  # releases put claims back, and they were taken again
    assert len({e.actor_id for e in events if e.kind == "taken"}) == REVIEWERS
