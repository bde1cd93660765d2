"""The dashboard: backlog by state, SLA breaches, throughput per day, median
time to verdict and reviewer calibration, with server-rendered SVG charts.

Every number is one bounded or indexed query; the aggregate ones are cached
for CACHE_SECONDS so a room full of reloading editors costs one computation.
"""

import statistics
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from verification.desk.base import bounded_count, desk_view
from verification.desk.charts import bar_chart, column_chart, reliability_chart
from verification.models import BrokerFailure, CalibrationSnapshot, Claim, ClaimEvent, SuggestionModel

State = Claim.State
BACKLOG_STATES = [State.QUEUED, State.IN_REVIEW, State.AWAITING_SIGNOFF, State.REOPENED]
BACKLOG_CAP = 10_000
THROUGHPUT_DAYS = 14
MEDIAN_WINDOW_DAYS = 30
MIN_ASSESSMENTS = 5  # tested verdicts; below this a Brier score says more about luck than calibration
CACHE_SECONDS = 30


def backlog() -> list[tuple[str, object]]:
    return [(State(s).label, bounded_count(Claim.objects.filter(state=s), BACKLOG_CAP)) for s in BACKLOG_STATES]


def sla_breaches(now):
    overdue = Claim.objects.filter(due_at__lt=now).exclude(state=State.PUBLISHED)
    worst = list(overdue.select_related("lease_owner").order_by("due_at", "id")[:10])
    return bounded_count(overdue, BACKLOG_CAP), worst


def throughput(now, days: int = THROUGHPUT_DAYS) -> list[tuple[str, int]]:
    """Verdicts published per day (corrections included), oldest day first."""
    first = timezone.localdate(now) - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())
    per_day = dict(
        ClaimEvent.objects.filter(kind=ClaimEvent.Kind.PUBLISHED, created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [
        ((first + timedelta(days=i)).strftime("%d %b"), per_day.get(first + timedelta(days=i), 0)) for i in range(days)
    ]


def median_hours_to_verdict(now) -> tuple[float | None, int]:
    """Median hours from submission to first published verdict, over claims
    first published in the last MEDIAN_WINDOW_DAYS (a sample of at most 5000)."""
    since = now - timedelta(days=MEDIAN_WINDOW_DAYS)
    # Found through the (kind, created_at) index of events, then narrowed to first publications.
    recent = ClaimEvent.objects.filter(kind=ClaimEvent.Kind.PUBLISHED, created_at__gte=since).values("claim_id")
    pairs = (
        Claim.objects.filter(pk__in=recent, first_published_at__gte=since)
        .order_by("-first_published_at")
        .values_list("created_at", "first_published_at")[:5000]
    )
    hours = [(published - created).total_seconds() / 3600 for created, published in pairs]
    return (statistics.median(hours) if hours else None), len(hours)


def calibration() -> list[dict]:
    """Each reviewer's Brier score over their published verdicts that were later
    put to the test (the claim was published again: the verdict was revised or
    confirmed), as verification.credibility.calibration caches it hourly."""
    rows = CalibrationSnapshot.objects.select_related("reviewer").order_by("reviewer__username")[:200]
    return [
        {
            "reviewer_id": r.reviewer_id,
            "username": r.reviewer.get_username(),
            "n": r.count,
            "confirmed": r.confirmed,
            "brier": r.brier,
            "ece": r.ece,
            "computed_at": r.computed_at,
            "enough": r.count >= MIN_ASSESSMENTS,
        }
        for r in rows
    ]


def suggestion_calibration() -> dict | None:
    """How the suggested credibility fared on the latest verdicts its model had not learned from
    (verification.credibility.fitting keeps these with each fit); None before the first fit."""
    row = SuggestionModel.objects.order_by("-fitted_at", "-id").values("fitted_at", "verdicts", "held_out").first()
    if row is None or not row["held_out"]:
        return None
    held = row["held_out"]
    return {
        **held,
        "fitted_at": row["fitted_at"],
        "verdicts": row["verdicts"],
        "rows": [b for b in held["bins"] if b["count"]],
        "svg": reliability_chart(held["bins"], title=gettext("Suggestions against the verdicts that followed")),
    }


def _cached(name: str, compute):
    return cache.get_or_set(f"desk:dashboard:{name}", compute, CACHE_SECONDS)


def _duration(hours: float | None) -> str:
    if hours is None:
        return "—"
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


@desk_view
def dashboard(request):
    now = timezone.now()
    states = backlog()
    overdue, worst = sla_breaches(now)
    # Days begin at midnight in the reader's zone (verification/desk/profile.py): one cached series per zone.
    per_day = _cached(f"throughput:{timezone.get_current_timezone_name()}", lambda: throughput(now))
    median, sample = _cached("median", lambda: median_hours_to_verdict(now))
    reviewers = calibration()
    if not request.user.has_perm("verification.signoff_claim"):
        reviewers = [r for r in reviewers if r["reviewer_id"] == request.user.pk]  # fact-checkers see their own score
    context = {
        "states": states,
        "overdue": overdue,
        "worst": worst,
        "now": now,
        "backlog_svg": bar_chart(
            [(label, n.value) for label, n in states],
            labels=[str(n) for _, n in states],
            title=gettext("Backlog by state"),
            chart_id="backlog",
        ),
        "throughput": per_day,
        "throughput_total": sum(n for _, n in per_day),
        "throughput_svg": column_chart(
            per_day,
            title=gettext("Verdicts published per day, last %(throughput_days)s days")
            % {"throughput_days": THROUGHPUT_DAYS},
            chart_id="throughput",
        ),
        "median": _duration(median),
        "median_sample": sample,
        "median_days": MEDIAN_WINDOW_DAYS,
        "calibration": reviewers,
        "min_assessments": MIN_ASSESSMENTS,
        "calibration_ready": any(r["enough"] for r in reviewers),
        "suggestions": suggestion_calibration(),
        "broker_failures": BrokerFailure.objects.filter(created_at__gte=now - timedelta(days=1)),
    }
    return render(request, "verification/dashboard.html", context)
