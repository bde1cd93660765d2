"""`manage.py recompute_track_records` rebuilds every source's record."""

from io import StringIO

import pytest
from django.core.management import call_command

from sources.models import TrackRecord
from tests.sources.record_helpers import publish

pytestmark = pytest.mark.django_db


def test_it_recomputes_every_source_and_clears_stale_records(make_source, alice, erin):
    budanov, ryder, idle = make_source("Kyrylo Budanov"), make_source("Pat Ryder"), make_source("Nobody")
    publish("Figure one", [(budanov, "stated")], alice, erin, "confirmed")
    publish("Figure two", [(ryder, "stated"), (budanov, "relayed")], alice, erin, "false")
    stale = TrackRecord.objects.create(source=idle, mean=0.9, interval_low=0.8, interval_high=0.95, count=7)
    out = StringIO()

    call_command("recompute_track_records", "--batch-size=2", stdout=out, stderr=StringIO())

    rows = dict(TrackRecord.objects.values_list("source__name", "count"))
    assert rows == {"Kyrylo Budanov": 1, "Pat Ryder": 1, "Nobody": 0}
    stale.refresh_from_db()
    assert stale.mean is None and stale.interval_low is None  # nothing left to base a record on
    assert TrackRecord.objects.get(source=ryder).mean == pytest.approx(1 / 3)  # Beta(1, 2)
    assert "Recomputed 3 track record(s) for 3 source(s)." in out.getvalue()

    call_command("recompute_track_records", verbosity=0, stdout=StringIO())
    assert TrackRecord.objects.count() == 3
