"""The recompute task is idempotent: running it twice leaves one identical row,
and publishing a verdict runs it through a real worker."""

import pytest

from sources.models import TrackRecord
from tests.sources.record_helpers import publish
from tests.worker import wait_for
from verification.tasks import recompute_track_records_for_claim

FIELDS = ["id", "source_id", "mean", "interval_low", "interval_high", "effective_n", "count", "by_topic"]


def _rows():
    return list(TrackRecord.objects.order_by("source_id").values(*FIELDS))


@pytest.mark.django_db
def test_it_writes_the_same_row_when_run_twice(make_source, alice, erin):
    budanov, outlet = make_source("Kyrylo Budanov"), make_source("News Desk")
    claim = publish(
        "North Korea has sent 11,000 soldiers to Russia.",
        [(budanov, "stated"), (outlet, "relayed", budanov)],
        alice,
        erin,
        "likely_true",
        tags=["troops"],
    )

    assert recompute_track_records_for_claim(claim.pk) == 1
    first = _rows()
    assert recompute_track_records_for_claim(claim.pk) == 1
    assert _rows() == first
    assert len(first) == 1 and first[0]["source_id"] == budanov.pk and first[0]["count"] == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_recomputes_through_the_worker_after_sign_off(celery_worker, make_source, alice, erin):
    budanov = make_source("Kyrylo Budanov")

    claim = publish("North Korea has sent 11,000 soldiers to Russia.", [(budanov, "stated")], alice, erin, "confirmed")

    record = wait_for(
        lambda: TrackRecord.objects.filter(source=budanov).first(),
        timeout=60,
        message=f"the worker to write Budanov's track record\n{celery_worker.log_tail()}",
    )
    assert record.count == 1 and record.mean == pytest.approx(2 / 3)  # Beta(2, 1), no decay today
    before = _rows()
    recompute_track_records_for_claim(claim.pk)  # a redelivered task changes nothing
    assert _rows() == before
