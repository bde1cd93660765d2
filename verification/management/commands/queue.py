"""`python manage.py queue`: the review queue at a glance, for operators.

Prints claims by state, how many are overdue, every lease held (who, until
when) and the item that has waited longest in the queue.
"""

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from verification.models import Claim
from verification.workflow.transitions import TAKEABLE


def _ago(delta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours < 48 else f"{hours // 24} days {hours % 24} h"


class Command(BaseCommand):
    help = "Show the review queue: claims by state, overdue count, leases held, oldest queued item."

    def handle(self, *args, **options):
        now = timezone.now()
        self._by_state()
        overdue = Claim.objects.filter(due_at__lt=now).exclude(state=Claim.State.PUBLISHED)
        self.stdout.write(
            f"Overdue: {overdue.count()} ({overdue.filter(escalated_at__isnull=False).count()} escalated)"
        )
        self._leases(now)
        self._oldest(now)

    def _by_state(self):
        counts = dict(Claim.objects.order_by().values_list("state").annotate(n=Count("id")))
        self.stdout.write(f"{'State':<18} {'Claims':>7}")
        for state in Claim.State:
            self.stdout.write(f"{state.value:<18} {counts.get(state.value, 0):>7}")
        self.stdout.write(f"{'total':<18} {sum(counts.values()):>7}")

    def _leases(self, now):
        leases = (
            Claim.objects.filter(lease_owner__isnull=False).select_related("lease_owner").order_by("lease_expires_at")
        )
        self.stdout.write(f"Leases held: {len(leases)}")
        for claim in leases:
            until = claim.lease_expires_at
            when = f"expires in {_ago(until - now)}" if until > now else f"EXPIRED {_ago(now - until)} ago"
            self.stdout.write(
                f"  {claim.lease_owner.get_username():<16} claim {claim.pk:<7} until "
                f"{until:%Y-%m-%d %H:%M:%S} UTC ({when})"
            )

    def _oldest(self, now):
        oldest = Claim.objects.filter(state__in=TAKEABLE, lease_owner__isnull=True).order_by("created_at", "id").first()
        if oldest is None:
            self.stdout.write("Oldest queued: none, the queue is empty")
            return
        self.stdout.write(
            f"Oldest queued: claim {oldest.pk} ({oldest.state}), waiting {_ago(now - oldest.created_at)}, "
            f'priority {oldest.priority}: "{oldest.text[:60]}"'
        )
