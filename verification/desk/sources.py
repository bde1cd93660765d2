"""The source page: who a source is, whom it belongs to, which side it is on,
how it has been graded, how its stated claims turned out, and those claims."""

from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from sources.admiralty import RELIABILITY_MEANING
from sources.credibility.records import SELECTION_NOTE
from sources.models import Source
from verification.desk.base import bounded_count, desk_view, page_number, window
from verification.desk.charts import Interval, interval_chart
from verification.models import Attribution

GRADES_SHOWN = 20
RELATIONS_SHOWN = 50
MAX_TOPICS = 12


def _topic_interval(topic: str, record) -> Interval | None:
    """by_topic rows as the track-record task stores them; tolerant of key names."""
    if not isinstance(record, dict) or record.get("mean") is None:
        return None
    low = record.get("lo", record.get("interval_low", record.get("low")))
    high = record.get("hi", record.get("interval_high", record.get("high")))
    if low is None or high is None:
        return None
    return Interval(
        topic, float(record["mean"]), float(low), float(high), int(record.get("count", record.get("n", 0)) or 0)
    )


def track_record_rows(source: Source) -> list[Interval]:
    record = getattr(source, "track_record", None)
    if record is None or record.mean is None or record.interval_low is None:
        return []
    rows = [Interval(gettext("All topics"), record.mean, record.interval_low, record.interval_high, record.count)]
    topics = sorted(
        (record.by_topic or {}).items(), key=lambda item: -(item[1].get("count", 0) if isinstance(item[1], dict) else 0)
    )
    for topic, data in topics[:MAX_TOPICS]:
        interval = _topic_interval(topic, data)
        if interval:
            rows.append(interval)
    return rows


def _admin_url(request, source: Source) -> str | None:
    """The admin's edit page when the user may edit sources and the admin has one."""
    if not request.user.has_perm("sources.change_source"):
        return None
    try:
        return reverse("admin:sources_source_change", args=[source.pk])
    except NoReverseMatch:
        return None


def _track_record(source: Source):
    try:
        return source.track_record
    except Source.track_record.RelatedObjectDoesNotExist:
        return None


@desk_view
def source_page(request, pk: int):
    source = get_object_or_404(Source.objects.select_related("parent", "merged_into", "track_record"), pk=pk)
    # Newest claims first by claim id (ids follow creation), so attribution_source_recent_idx serves the
    # page; ordering by the claim's created_at would sort every attribution of the source on each view.
    attributed = Attribution.objects.filter(source=source).select_related("claim").order_by("-claim_id", "-id")
    rows = track_record_rows(source) if _track_record(source) else []
    context = {
        "source": source,
        "ancestors": source.ancestors(),
        "aliases": list(source.aliases.order_by("name")[:100]),
        "children": list(source.children.filter(merged_into__isnull=True).order_by("name")[:RELATIONS_SHOWN]),
        "relations_out": list(source.relations_out.select_related("to_source")[:RELATIONS_SHOWN]),
        "relations_in": list(source.relations_in.select_related("from_source")[:RELATIONS_SHOWN]),
        "parties": list(source.conflict_parties.select_related("conflict")),
        "grades": list(source.grades.select_related("graded_by")[:GRADES_SHOWN]),
        "record": _track_record(source),
        "record_rows": rows,
        "selection_note": SELECTION_NOTE,
        "reliability_meaning": RELIABILITY_MEANING.get(source.reliability, ""),
        "record_svg": interval_chart(
            rows,
            title=gettext("Track record of %(source_name)s: share of stated claims found true")
            % {"source_name": source.name},
            chart_id="track-record",
        )
        if rows
        else None,
        "admin_url": _admin_url(request, source),
        "claims": window(attributed, page_number(request)),
        "claims_total": bounded_count(attributed),
    }
    return render(request, "sources/source.html", context)
