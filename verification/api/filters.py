"""The claim list filters, shared by GET /claims and the exports.

``state``, ``verdict`` (comma-separated values allowed), ``source`` (id),
``tag`` (name), ``since``/``until`` (RFC 3339 or a date; on ``updated_at``,
since inclusive, until exclusive) and ``q`` (every word must appear in the
text, case-insensitively: the same results on SQLite and PostgreSQL).
A bad value answers 400 naming the parameter.
"""

import re
from datetime import UTC, datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from verification.models import Attribution, Claim, Verdict

MAX_Q_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def _choices(name: str, raw: str, allowed: list[str]) -> list[str]:
    values = [v.strip() for v in raw.split(",") if v.strip()]
    bad = [v for v in values if v not in allowed]
    if bad or not values:
        raise ValidationError(
            {
                name: [
                    gettext("Unknown value %(value)s; use one or more of %(allowed)s.")
                    % {"value": repr(", ".join(bad) or raw), "allowed": ", ".join(allowed)}
                ]
            }
        )
    return values


def parse_time(name: str, raw: str) -> datetime:
    """RFC 3339 date-time, or a date meaning its midnight UTC. A '+' sent
    unencoded in a query string arrives as a space; put it back."""
    text = raw.strip().replace(" ", "+")
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            value = datetime.combine(day, time.min) if day else None
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({name: [gettext("Use an RFC 3339 time such as 2025-01-31T12:00:00Z, or a date.")]})
    value = value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    try:
        # As UTC: Python takes offsets up to ±23:59, PostgreSQL only to ±15:59 (a 500 before).
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError({name: [gettext("That time is outside the years 1 to 9999.")]}) from None


MAX_ID = 2**62  # larger is no id, and past what the databases compare with an id


def _positive_int(name: str, raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise ValidationError({name: [gettext("Use a numeric id.")]})
    return int(raw)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def contains_word(field: str, word: str) -> Q:
    """icontains, plus capitalised and upper-case spellings: SQLite's LIKE
    folds case for ASCII only, so 'росія' would miss 'Росія' there."""
    condition = Q(**{f"{field}__icontains": word})
    if not word.isascii():
        for variant in {word.capitalize(), word.upper()} - {word}:
            condition |= Q(**{f"{field}__contains": variant})
    return condition


def filter_claims(queryset, params):
    """Apply the list filters in ``params`` (a QueryDict) to a Claim queryset."""
    errors = {}
    for name, apply in _FILTERS:
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        try:
            queryset = apply(queryset, raw)
        except ValidationError as exc:
            errors.update(exc.detail)
    if errors:
        raise ValidationError(errors)
    return queryset


def _by_q(queryset, raw):
    terms = words(raw)[:MAX_Q_WORDS]
    for term in terms:
        queryset = queryset.filter(contains_word("text", term))
    return queryset


_FILTERS = [
    ("state", lambda qs, raw: qs.filter(state__in=_choices("state", raw, Claim.State.values))),
    ("verdict", lambda qs, raw: qs.filter(verdict__in=_choices("verdict", raw, Verdict.values))),
    (
        "source",
        lambda qs, raw: qs.filter(
            id__in=Attribution.objects.filter(source_id=_positive_int("source", raw)).values("claim_id")
        ),
    ),
    (
        "tag",
        lambda qs, raw: qs.filter(
            id__in=Claim.tags.through.objects.filter(tag__name=raw.strip().lower()).values("claim_id")
        ),
    ),
    ("since", lambda qs, raw: qs.filter(updated_at__gte=parse_time("since", raw))),
    ("until", lambda qs, raw: qs.filter(updated_at__lt=parse_time("until", raw))),
    ("q", _by_q),
]


def _enum_list(name: str, values: list[str], what: str) -> OpenApiParameter:
    # An array of enum values in OpenAPI's form style without explode: state=queued,published.
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        many=True,
        enum=values,
        style="form",
        explode=False,
        description=f"Comma-separated {what}: " + ", ".join(values),
    )


FILTER_PARAMETERS = [
    _enum_list("state", Claim.State.values, "states"),
    _enum_list("verdict", Verdict.values, "published verdicts"),
    OpenApiParameter(
        "source",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        description="Claims attributed to this source id.",
    ),
    OpenApiParameter("tag", OpenApiTypes.STR, description="Claims with this tag name."),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Changed at or after this time (RFC 3339)."),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Changed before this time (RFC 3339)."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Words that must all appear in the claim text."),
]
