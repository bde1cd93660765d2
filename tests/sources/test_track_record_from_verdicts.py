"""A source's track record is a Beta posterior over the published verdicts of
claims it stated, stored in one TrackRecord row."""

from datetime import UTC, datetime

import pytest

from sources.models import TrackRecord
from tests.sources.record_helpers import publish
from verification.credibility.track_records import NOTE, recompute_for_claim

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _bisect(f, target):
    """Independent of the code under test: plain bisection on a closed-form CDF."""
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def test_it_computes_the_beta_record_of_stated_claims_by_hand(settings, make_source, alice, erin):
    settings.TRACK_RECORD_HALF_LIFE_DAYS = 0  # no decay: plain counts
    budanov = make_source("Kyrylo Budanov")
    publish("Claim one", [(budanov, "stated")], alice, erin, "confirmed", first_made_at=NOW, tags=["troops"])
    publish("Claim two", [(budanov, "stated")], alice, erin, "confirmed", first_made_at=NOW, tags=["troops", "kursk"])
    last = publish("Claim three", [(budanov, "stated")], alice, erin, "false", first_made_at=NOW, tags=["kursk"])

    assert recompute_for_claim(last.pk, now=NOW) == 1

    # Beta(1, 1) prior + 2 true + 1 false = Beta(3, 2); its CDF is 4x^3 - 3x^4.
    record = TrackRecord.objects.get(source=budanov)
    cdf = lambda x: 4 * x**3 - 3 * x**4  # noqa: E731
    assert record.mean == pytest.approx(3 / 5)
    assert record.interval_low == pytest.approx(_bisect(cdf, 0.05), abs=1e-6)
    assert record.interval_high == pytest.approx(_bisect(cdf, 0.95), abs=1e-6)
    assert record.interval_low == pytest.approx(0.2486, abs=1e-4)  # tabled value, as a sanity check
    assert record.count == 3 and record.effective_n == pytest.approx(3.0)
    # By topic: "troops" = 2 true -> Beta(3, 1), mean 3/4; "kursk" = 1 true, 1 false -> Beta(2, 2), mean 1/2.
    assert set(record.by_topic) == {"troops", "kursk"}
    assert record.by_topic["troops"]["mean"] == pytest.approx(0.75) and record.by_topic["troops"]["count"] == 2
    assert record.by_topic["kursk"]["mean"] == pytest.approx(0.5) and record.by_topic["kursk"]["count"] == 2
    # Beta(3, 1): CDF x^3, so the 5% quantile is 0.05 ** (1/3).
    assert record.by_topic["troops"]["interval_low"] == pytest.approx(0.05 ** (1 / 3), abs=1e-6)
    assert "selected sample" in NOTE


def test_it_counts_only_claims_the_source_stated(settings, make_source, alice, erin):
    settings.TRACK_RECORD_HALF_LIFE_DAYS = 0
    budanov, outlet, pentagon = make_source("Kyrylo Budanov"), make_source("News Desk"), make_source("Pentagon")
    publish(
        "Stated and true",
        [(budanov, "stated"), (outlet, "relayed", budanov), (pentagon, "could_not_confirm")],
        alice,
        erin,
        "confirmed",
        first_made_at=NOW,
    )
    publish("Relayed and false", [(outlet, "relayed")], alice, erin, "false", first_made_at=NOW)
    last = publish(
        "Not confirmed and false",
        [(pentagon, "could_not_confirm"), (budanov, "stated")],
        alice,
        erin,
        "false",
        first_made_at=NOW,
    )

    recompute_for_claim(last.pk, now=NOW)

    # Only Budanov stated anything: one true, one false -> Beta(2, 2).
    assert list(TrackRecord.objects.values_list("source__name", "count")) == [("Kyrylo Budanov", 2)]
    assert TrackRecord.objects.get(source=budanov).mean == pytest.approx(0.5)


def test_it_skips_verdicts_that_say_nothing_about_truth(settings, make_source, alice, erin):
    settings.TRACK_RECORD_HALF_LIFE_DAYS = 0
    budanov = make_source("Kyrylo Budanov")
    publish("Unprovable figure", [(budanov, "stated")], alice, erin, "unproven", first_made_at=NOW)
    last = publish("Likely figure", [(budanov, "stated")], alice, erin, "likely_true", first_made_at=NOW)

    recompute_for_claim(last.pk, now=NOW)

    record = TrackRecord.objects.get(source=budanov)
    assert record.count == 1
    assert record.mean == pytest.approx((1 + 0.75) / 3)  # Beta(1.75, 1.25)


def test_it_writes_no_record_for_a_source_without_informative_verdicts(make_source, alice, erin):
    budanov = make_source("Kyrylo Budanov")
    claim = publish("Unprovable figure", [(budanov, "stated")], alice, erin, "unproven")

    assert recompute_for_claim(claim.pk, now=NOW) == 0
    assert not TrackRecord.objects.exists()


def test_it_gives_up_quietly_on_a_claim_that_is_gone(db):
    assert recompute_for_claim(999_999) == 0
    assert not TrackRecord.objects.exists()


def test_it_uses_the_latest_published_verdict_after_a_correction(settings, make_source, alice, bob, erin):
    from verification.workflow import transitions

    settings.TRACK_RECORD_HALF_LIFE_DAYS = 0
    budanov = make_source("Kyrylo Budanov")
    claim = publish("Corrected later", [(budanov, "stated")], alice, erin, "false", first_made_at=NOW)
    transitions.reopen(erin, claim.pk, "New footage")
    transitions.take_next(bob)
    transitions.assess(bob, claim.pk, verdict="confirmed", confidence=0.8, rationale="Footage geolocated.")
    transitions.sign_off(erin, claim.pk)

    recompute_for_claim(claim.pk, now=NOW)

    record = TrackRecord.objects.get(source=budanov)
    assert record.count == 1 and record.mean == pytest.approx(2 / 3)  # one true: Beta(2, 1)
