"""History completeness, as a property: random sequences of legal and illegal
calls to verification.workflow.transitions, by every persona, with current, stale and
missing versions. After every step:

- a refused call (IllegalMove, NotAllowed, StaleVersion, ValidationError)
  changed nothing at all;
- an accepted call changed at most one claim, by exactly one version and
  exactly one event, and a claim whose state, lease or verdict changed got
  that event;
- replaying each claim's events (from_state, to_state, version, lease
  holder, published verdict) gives the stored row.

Hypothesis shrinks any failure to the shortest sequence that shows it.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from tests.conftest import make_user
from tests.reliability.replay import assert_history_replays
from verification.models import Claim, ClaimEvent, Verdict
from verification.workflow import transitions
from verification.workflow.claims import ClaimInput, create_claim, edit_claim

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 50
STEPS = 20
PERSONAS = ["alice", "bob", "erin", "frank", "adam", "carol"]
REFUSALS = (transitions.Refused, ValidationError)
TRACKED = ("version", "state", "lease_owner_id", "verdict", "pending_assessment_id", "published_assessment_id")

versions = st.sampled_from(["current", "current", "stale", "none"])
people = st.sampled_from(PERSONAS)
# "fitting" is whoever may make the move (the lease holder, or an editor who
# did not assess), so sequences get deep into the workflow, not only refused.
actors = st.sampled_from(["fitting", "fitting", *PERSONAS])


class Tally:
    examples = steps = accepted = refused = events = 0


class ClaimWorkflow(RuleBasedStateMachine):
    """One example: a few claims, six people, and calls in any order."""

    claims = Bundle("claims")

    def __init__(self):
        super().__init__()
        self.users = {name: self.persona(name) for name in PERSONAS}
        self.ids: list[int] = []
        Tally.examples += 1

    @staticmethod
    def persona(name):
        from django.contrib.auth.models import User

        from sources.roles import ADMINS, EDITORS, FACT_CHECKERS

        role = {"alice": FACT_CHECKERS, "bob": FACT_CHECKERS, "erin": EDITORS, "frank": EDITORS, "adam": ADMINS}
        return User.objects.filter(username=name).first() or make_user(name, role.get(name))

    # --- helpers ------------------------------------------------------------

    def snapshot(self) -> dict:
        rows = (
            Claim.objects.filter(pk__in=self.ids).annotate(n_events=Count("events")).values("pk", "n_events", *TRACKED)
        )
        return {row["pk"]: row for row in rows}

    def resolve(self, who: str, claim_id: int, signing: bool = False):
        if who != "fitting":
            return self.users[who]
        claim = Claim.objects.select_related("pending_assessment").get(pk=claim_id)
        if signing:
            assessor = claim.pending_assessment.reviewer_id if claim.pending_assessment else None
            return self.users["frank"] if assessor == self.users["erin"].pk else self.users["erin"]
        holder = claim.lease_owner_id
        return next((u for u in self.users.values() if u.pk == holder), self.users["alice"])

    def version(self, claim_id: int, which: str) -> int | None:
        current = Claim.objects.filter(pk=claim_id).values_list("version", flat=True).get()
        return {"current": current, "stale": current - 1, "none": None}[which]

    def act(self, call) -> None:
        """Run one call and check what it did (or did not do) to every claim."""
        before = self.snapshot()
        try:
            call()
            refused = False
        except REFUSALS:
            refused = True
        after = self.snapshot()
        Tally.steps += 1
        Tally.refused += refused
        Tally.accepted += not refused
        if refused:
            assert after == before, "a refused call changed something"
            return
        changed = [pk for pk in after if after[pk] != before.get(pk)]
        assert len(changed) <= 1, f"one call changed several claims: {changed}"
        for pk in changed:
            bumped = after[pk]["version"] - before[pk]["version"]
            assert bumped == 1, f"claim {pk}: version moved by {bumped}"
            assert after[pk]["n_events"] - before[pk]["n_events"] == 1, (
                f"claim {pk}: not exactly one event for one change"
            )

    # --- rules --------------------------------------------------------------

    @initialize(target=claims)
    def first_claim(self):
        return self.new_claim()

    @rule(target=claims)
    def another_claim(self):
        return self.new_claim()

    def new_claim(self) -> int:
        claim = create_claim(self.users["alice"], ClaimInput(text=f"Claim {len(self.ids)} of a property run"))
        self.ids.append(claim.pk)
        return claim.pk

    @rule(claim=claims)
    def advance(self, claim):
        """The next legal move for the claim's state, by the right person."""
        state = Claim.objects.filter(pk=claim).values_list("state", flat=True).get()
        erin, alice = self.users["erin"], self.users["alice"]
        moves = {
            "queued": lambda: transitions.reassign(erin, claim, alice),
            "reopened": lambda: transitions.reassign(erin, claim, self.users["bob"]),
            "in_review": lambda: transitions.assess(
                self.resolve("fitting", claim),
                claim,
                verdict="false",
                confidence=0.9,
                rationale="The video is from 2019.",
            ),
            "awaiting_signoff": lambda: transitions.sign_off(self.resolve("fitting", claim, signing=True), claim),
            "published": lambda: transitions.reopen(erin, claim, "A correction request"),
        }
        self.act(moves[state])

    @rule(claim=claims)
    def advance_again(self, claim):
        self.advance(claim)

    @rule(who=people)
    def take_next(self, who):
        self.act(lambda: transitions.take_next(self.users[who]))

    @rule(who=actors, claim=claims, which=versions)
    def release(self, who, claim, which):
        self.act(lambda: transitions.release(self.resolve(who, claim), claim, self.version(claim, which), note="Back"))

    @rule(who=actors, claim=claims, which=versions)
    def extend(self, who, claim, which):
        self.act(lambda: transitions.extend(self.resolve(who, claim), claim, self.version(claim, which)))

    @rule(
        who=actors,
        claim=claims,
        which=versions,
        verdict=st.sampled_from([*Verdict.values, "maybe"]),
        confidence=st.sampled_from([0.0, 0.7, 1.0, 0.7, 1.5, -0.1]),
        rationale=st.sampled_from(["Checked the footage.", "Checked the footage.", "   "]),
        credibility=st.sampled_from([None, 2, 2, 7]),
    )
    def assess(self, who, claim, which, verdict, confidence, rationale, credibility):
        self.act(
            lambda: transitions.assess(
                self.resolve(who, claim),
                claim,
                verdict=verdict,
                confidence=confidence,
                rationale=rationale,
                credibility=credibility,
                expected_version=self.version(claim, which),
            )
        )

    @rule(who=actors, claim=claims, which=versions)
    def sign_off(self, who, claim, which):
        self.act(
            lambda: transitions.sign_off(self.resolve(who, claim, signing=True), claim, self.version(claim, which))
        )

    @rule(who=actors, claim=claims, which=versions, comment=st.sampled_from(["Cite the source.", " "]))
    def return_for_changes(self, who, claim, which, comment):
        actor = self.resolve(who, claim, signing=True)
        self.act(lambda: transitions.return_for_changes(actor, claim, comment, self.version(claim, which)))

    @rule(
        who=st.sampled_from([*PERSONAS, None]),
        claim=claims,
        which=versions,
        dedup=st.sampled_from(["", "evidence:1", "evidence:2"]),
    )
    def reopen(self, who, claim, which, dedup):
        actor = self.users[who] if who else None
        self.act(lambda: transitions.reopen(actor, claim, "New footage", self.version(claim, which), dedup_key=dedup))

    @rule(claim=claims, owner=people, late=st.booleans())
    def expire_lease(self, claim, owner, late):
        # ``late``: the scan runs after the lease ran out (time passes).
        now = timezone.now() + timedelta(seconds=django_settings.LEASE_SECONDS + 1 if late else 0)
        self.act(lambda: transitions.expire_lease(claim, self.users[owner].pk, now=now))

    @rule(who=people, claim=claims, to=people, which=versions)
    def reassign(self, who, claim, to, which):
        self.act(lambda: transitions.reassign(self.users[who], claim, self.users[to], self.version(claim, which)))

    @rule(who=people, claim=claims, which=versions, priority=st.integers(0, 100))
    def edit(self, who, claim, which, priority):
        expected = self.version(claim, which) or 0
        self.act(lambda: edit_claim(self.users[who], claim, expected, {"priority": priority}))

    @invariant()
    def history_replays_to_the_stored_claims(self):
        if self.ids:
            Tally.events = max(Tally.events, assert_history_replays(self.ids))


def test_it_records_every_change_exactly_once_and_replays_to_the_stored_state(db, figures):
    run_state_machine_as_test(
        ClaimWorkflow,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert Tally.accepted > 0 and Tally.refused > 0, "the run should mix legal and illegal calls"
    assert Claim.objects.filter(state="published").exists(), "some sequence should reach a published verdict"
    figures(
        "history_property",
        examples=Tally.examples,
        steps=Tally.steps,
        accepted_calls=Tally.accepted,
        refused_calls=Tally.refused,
        claims=Claim.objects.count(),
        events_replayed=ClaimEvent.objects.count(),
    )
