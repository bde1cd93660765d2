"""CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS: older verdicts weigh less in a track record."""

from datetime import UTC, datetime, timedelta

import pytest

from sources.models import TrackRecord
from tests.sources.record_helpers import publish
from verification.credibility.track_records import recompute_for_claim

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def history(make_source, alice, erin):
    """A true claim one year old and a false claim from today, both stated by Budanov."""
    budanov = make_source("Kyrylo Budanov")
    publish("Old and true", [(budanov, "stated")], alice, erin, "confirmed", first_made_at=NOW - timedelta(days=365))
    return publish("New and false", [(budanov, "stated")], alice, erin, "false", first_made_at=NOW)


def test_it_halves_the_weight_of_a_verdict_one_half_life_old(settings, history):
    settings.TRACK_RECORD_HALF_LIFE_DAYS = 365

    recompute_for_claim(history.pk, now=NOW)

    # alpha = 1 + 0.5 (the old true claim), beta = 1 + 1 (today's false one).
    record = TrackRecord.objects.get()
    assert record.effective_n == pytest.approx(1.5)
    assert record.mean == pytest.approx(1.5 / 3.5)
    assert record.count == 2


def test_it_weighs_every_verdict_alike_with_decay_off(settings, history):
    settings.TRACK_RECORD_HALF_LIFE_DAYS = 0

    recompute_for_claim(history.pk, now=NOW)

    record = TrackRecord.objects.get()
    assert record.effective_n == pytest.approx(2.0)
    assert record.mean == pytest.approx(0.5)


def test_it_reads_the_half_life_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_int

    monkeypatch.setenv("CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS", "90")
    assert env_int("CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS", 730, minimum=0) == 90
    monkeypatch.setenv("CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS", "-1")
    with pytest.raises(ImproperlyConfigured, match="CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS"):
        env_int("CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS", 730, minimum=0)
