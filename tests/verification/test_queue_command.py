"""`manage.py queue`: the operator's view of the review queue."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.verification.queue_helpers import assessed
from verification.models import Claim
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("queue", stdout=out)
    return out.getvalue()


def test_it_prints_states_overdue_leases_and_the_oldest_item(alice, bob, make_claim):
    oldest = make_claim(text="North Korea has sent 11,000 soldiers to Russia.", priority=30)
    Claim.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=5, minutes=3))
    make_claim(text="The video shows Kursk.", priority=20, due_at=timezone.now() - timedelta(hours=1))
    held = make_claim(text="The Pentagon cannot confirm.", priority=90)
    transitions.take_next(alice)
    make_claim(text="Assessed one", priority=85)
    assessed_claim = Claim.objects.get(text="Assessed one")
    assessed(assessed_claim, bob)
    output = run()
    lines = output.splitlines()
    assert lines[0].split() == ["State", "Claims"]
    assert lines[1].split() == ["queued", "2"] and lines[2].split() == ["in_review", "1"]
    assert lines[3].split() == ["awaiting_signoff", "1"] and lines[6].split() == ["total", "4"]
    assert "Overdue: 1 (0 escalated)" in output
    assert "Leases held: 1" in output
    lease_line = next(line for line in lines if line.strip().startswith("alice"))
    assert f"claim {held.pk}" in lease_line and "expires in 29 min" in lease_line
    assert f"Oldest queued: claim {oldest.pk} (queued), waiting 5 h 3 min, priority 30" in output


def test_it_says_so_when_the_queue_is_empty():
    output = run()
    assert "total                    0" in output and "Overdue: 0" in output
    assert "Leases held: 0" in output and "Oldest queued: none, the queue is empty" in output


def test_it_flags_leases_past_their_expiry(alice, make_claim):
    claim = make_claim()
    transitions.take_next(alice)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=7, seconds=10))
    assert "EXPIRED 7 min ago" in run()
