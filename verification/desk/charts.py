"""Server-rendered SVG charts: no chart library, no JavaScript, no CDN.

Each function takes plain numbers and returns SVG markup (a SafeString) with a
<title> and <desc>, so screen readers announce the chart; the pages also show
the same numbers as a table. All text is escaped here.
"""

import textwrap
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

INK = "#1d1d1d"
MUTED = "#5c5c5c"
BAR = "#1a5fb4"
WARN = "#a51d2d"
GRID = "#d0d0d0"
FONT = 'font-family="system-ui, sans-serif"'


def _svg(
    width: int, height: int, title: str, desc: str, body: list[str], chart_id: str, css_class: str = "chart"
) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" {FONT} font-size="12">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _text(x, y, content, anchor="start", fill=INK, extra="") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" {extra}>{escape(content)}</text>'


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, chart_id: str = "bars", labels: list[str] | None = None
) -> SafeString:
    """Horizontal bars, one per row: (label, value). ``labels`` overrides the
    printed value (e.g. "1000+" for a capped count)."""
    width, left, right, row_h = 640, 150, 70, 30
    height = 16 + row_h * max(len(rows), 1)
    top = max((v for _, v in rows), default=0) or 1
    scale = (width - left - right) / top
    body = []
    for i, (label, value) in enumerate(rows):
        y = 8 + i * row_h
        bar = max(value * scale, 1 if value else 0)
        shown = labels[i] if labels else str(value)
        body.append(_text(left - 8, y + 18, _short(label, 22), "end"))
        body.append(f'<rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 10}" fill="{BAR}" rx="2"/>')
        body.append(_text(left + bar + 6, y + 18, shown))
    desc = "; ".join(f"{label}: {labels[i] if labels else value}" for i, (label, value) in enumerate(rows)) or gettext(
        "No data."
    )
    return _svg(width, height, title, desc, body, chart_id)


def column_chart(rows: list[tuple[str, int]], *, title: str, chart_id: str = "columns") -> SafeString:
    """Vertical bars over time: (day label, value), oldest first."""
    width, height, left, bottom, top_pad = 640, 220, 36, 40, 16
    n = max(len(rows), 1)
    slot = (width - left - 8) / n
    top = max((v for _, v in rows), default=0)
    ceiling = max(top, 1)
    plot_h = height - bottom - top_pad
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" stroke="{GRID}"/>',
        _text(left - 6, top_pad + 4, str(ceiling), "end", MUTED),
        _text(left - 6, height - bottom, "0", "end", MUTED),
        f'<line x1="{left}" y1="{top_pad}" x2="{width - 8}" y2="{top_pad}" stroke="{GRID}" stroke-dasharray="3 3"/>',
    ]
    for i, (label, value) in enumerate(rows):
        x = left + i * slot
        h = plot_h * value / ceiling
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{height - bottom - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}" rx="2"><title>{escape(label)}: {value}</title></rect>'
        )
        if value:
            body.append(_text(x + slot / 2, height - bottom - h - 4, str(value), "middle", INK, 'font-size="11"'))
        if i % max(1, n // 7) == 0 or i == n - 1:
            body.append(_text(x + slot / 2, height - bottom + 16, label, "middle", MUTED, 'font-size="11"'))
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or gettext("No data.")
    return _svg(width, height, title, desc, body, chart_id)


@dataclass
class Interval:
    label: str
    mean: float
    low: float
    high: float
    count: int = 0


def interval_chart(rows: list[Interval], *, title: str, chart_id: str = "intervals") -> SafeString:
    """Each row a 0–1 scale with a line from low to high and a dot at the mean:
    how often the source's stated claims turned out true, with its uncertainty."""
    width, left, right, row_h, axis_h = 640, 150, 90, 34, 30
    height = axis_h + row_h * max(len(rows), 1) + 6
    span = width - left - right

    def x(v: float) -> float:
        return left + span * min(max(v, 0.0), 1.0)

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="{axis_h - 6}" x2="{x(tick):.1f}" y2="{height - 4}" stroke="{GRID}"/>'
        )
        body.append(_text(x(tick), axis_h - 12, f"{tick:.0%}", "middle", MUTED, 'font-size="11"'))
    for i, row in enumerate(rows):
        y = axis_h + i * row_h + row_h / 2
        body.append(_text(left - 8, y + 4, _short(row.label, 22), "end"))
        body.append(
            f'<line x1="{x(row.low):.1f}" y1="{y:.1f}" x2="{x(row.high):.1f}" y2="{y:.1f}" stroke="{BAR}" '
            f'stroke-width="6" stroke-linecap="round" opacity="0.45"/>'
        )
        body.append(f'<circle cx="{x(row.mean):.1f}" cy="{y:.1f}" r="6" fill="{BAR}"/>')
        body.append(_text(width - right + 8, y + 4, f"{row.mean:.0%} (n={row.count})", "start", INK, 'font-size="11"'))
    desc = "; ".join(
        ngettext(
            "%(label)s: %(mean)s, 90%% interval %(low)s–%(high)s, %(count)d claim",
            "%(label)s: %(mean)s, 90%% interval %(low)s–%(high)s, %(count)d claims",
            r.count,
        )
        % {"label": r.label, "mean": f"{r.mean:.0%}", "low": f"{r.low:.0%}", "high": f"{r.high:.0%}", "count": r.count}
        for r in rows
    )
    return _svg(width, height, title, desc or gettext("No track record yet."), body, chart_id)


def reliability_chart(bins: list[dict], *, title: str, chart_id: str = "reliability") -> SafeString:
    """Predicted against observed: one dot per probability bin (mean predicted, share that came
    true), its area by count, beside the diagonal a perfectly calibrated forecaster would follow.
    ``bins`` are sources.credibility.calibration.reliability_diagram rows as dicts."""
    size, pad = 320, 40
    span = size - 2 * pad

    def x(v: float) -> float:
        return pad + span * v

    def y(v: float) -> float:
        return size - pad - span * v

    body = [
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="{GRID}"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="{MUTED}" stroke-dasharray="4 4"/>',
    ]
    for tick in (0, 0.5, 1):
        body.append(_text(x(tick), size - pad + 16, f"{tick:.0%}", "middle", MUTED, 'font-size="11"'))
        body.append(_text(pad - 6, y(tick) + 4, f"{tick:.0%}", "end", MUTED, 'font-size="11"'))
    body.append(_text(size / 2, size - 6, gettext("suggested probability"), "middle", MUTED, 'font-size="11"'))
    came_true = gettext("came true")
    body.append(
        _text(12, size / 2, came_true, "middle", MUTED, f'font-size="11" transform="rotate(-90 12 {size / 2})"')
    )
    filled = [b for b in bins if b.get("count")]
    top = max((b["count"] for b in filled), default=1)
    for b in filled:
        r = 3 + 9 * (b["count"] / top) ** 0.5
        label = ngettext(
            "%(suggested)s suggested, %(observed)s came true, %(count)d claim",
            "%(suggested)s suggested, %(observed)s came true, %(count)d claims",
            b["count"],
        ) % {"suggested": f"{b['mean_predicted']:.0%}", "observed": f"{b['observed']:.0%}", "count": b["count"]}
        body.append(
            f'<circle cx="{x(b["mean_predicted"]):.1f}" cy="{y(b["observed"]):.1f}" r="{r:.1f}" fill="{BAR}" '
            f'opacity="0.8"><title>{escape(label)}</title></circle>'
        )
    desc = "; ".join(
        ngettext(
            "%(low)s–%(high)s: %(suggested)s suggested, %(observed)s came true (%(count)d claim)",
            "%(low)s–%(high)s: %(suggested)s suggested, %(observed)s came true (%(count)d claims)",
            b["count"],
        )
        % {
            "low": f"{b['lo']:.0%}",
            "high": f"{b['hi']:.0%}",
            "suggested": f"{b['mean_predicted']:.0%}",
            "observed": f"{b['observed']:.0%}",
            "count": b["count"],
        }
        for b in filled
    )
    return _svg(size, size, title, desc or gettext("No held-out verdicts yet."), body, chart_id)


# --- Attribution chain --------------------------------------------------------

COLUMNS = [
    (gettext_lazy("Said it"), ("stated", "released_material", "opinion")),
    (gettext_lazy("Passed it on"), ("relayed",)),
    (gettext_lazy("Could not confirm / denied"), ("could_not_confirm", "denied")),
]
_BOX_W, _GAP, _TOP, _COL_X = 210, 14, 28, (10, 265, 520)
# Characters a line of the box holds (bold 12 px names, 11 px roles) and the
# lines it may grow to; a longer name ends in "…" and is whole in the box's
# tooltip and in the list under the diagram.
_NAME_CHARS, _NAME_LINES, _ROLE_CHARS, _ROLE_LINES = 26, 6, 31, 3
_DOUBTFUL = ("could_not_confirm", "denied")
_NOT_ASSERTED = ("could_not_confirm", "opinion")


def _wrap(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _box(x: float, y: float, attribution) -> tuple[str, float]:
    """One source's box, its name wrapped over as many lines as it needs; returns (markup, height)."""
    source = attribution.source
    parent = f" · {source.parent.name}" if source.parent_id else ""
    name = _wrap(source.name, _NAME_CHARS, _NAME_LINES)
    role = _wrap(attribution.get_role_display() + parent, _ROLE_CHARS, _ROLE_LINES)
    height = 16 + 15 * len(name) + 14 * len(role)
    stroke = WARN if attribution.role in _DOUBTFUL else BAR
    dash = ' stroke-dasharray="5 4"' if attribution.role in _NOT_ASSERTED else ""
    lines = [_text(x + 10, y + 19 + 15 * i, line, "start", INK, 'font-weight="600"') for i, line in enumerate(name)]
    first_role = y + 21 + 15 * len(name)
    lines += [_text(x + 10, first_role + 14 * i, line, "start", MUTED, 'font-size="11"') for i, line in enumerate(role)]
    markup = (
        f"<g><title>{escape(source.name)}{escape(parent)}: {escape(attribution.get_role_display())}</title>"
        f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{height}" rx="6" fill="#fff" '
        f'stroke="{stroke}" stroke-width="2"{dash}/>' + "".join(lines) + "</g>"
    )
    return markup, height


def _relay_arrow(origin: tuple, relayer: tuple) -> str:
    """From the box of whoever said it to the box of whoever passed it on:
    the arrow follows the claim as it travelled, left to right."""
    (x1, y1, h1), (x2, y2, h2) = origin, relayer
    if x1 < x2:
        path = f"M{x1 + _BOX_W},{y1 + h1 / 2} L{x2 - 3},{y2 + h2 / 2}"
    else:  # a relay of a relay in the same column: round the left side
        path = f"M{x1},{y1 + h1 / 2} h-8 V{y2 + h2 / 2} h5"
    return f'<path d="{path}" fill="none" stroke="{INK}" stroke-width="1.5" marker-end="url(#arrow)"/>'


def _legend(y: float) -> list[str]:
    small = 'font-size="11"'
    return [
        f'<path d="M10,{y} L38,{y}" stroke="{INK}" stroke-width="1.5" marker-end="url(#arrow)"/>',
        _text(46, y + 4, gettext("passed it on to (A → B: B relayed A)"), "start", MUTED, small),
        f'<rect x="270" y="{y - 6}" width="18" height="12" rx="2" fill="#fff" stroke="{BAR}" stroke-width="2" '
        f'stroke-dasharray="4 3"/>',
        _text(294, y + 4, gettext("dashed: opinion, or could not confirm"), "start", MUTED, small),
        f'<rect x="525" y="{y - 6}" width="18" height="12" rx="2" fill="#fff" stroke="{WARN}" stroke-width="2"/>',
        _text(549, y + 4, gettext("red: could not confirm, denied"), "start", MUTED, small),
    ]


def attribution_chain(attributions: list) -> SafeString:
    """Who stated the claim, who passed it on (an arrow from whom they had it to
    them), and who could not confirm or denied it, with a legend. Needs
    ``source__parent`` and ``relays__source`` loaded."""
    placed: dict[int, tuple[float, float, float]] = {}
    body, bottom = [], _TOP
    for col, (heading, roles) in enumerate(COLUMNS):
        body.append(_text(_COL_X[col], 16, heading, "start", MUTED, 'font-weight="600"'))
        y = _TOP
        for attribution in (a for a in attributions if a.role in roles):
            box, height = _box(_COL_X[col], y, attribution)
            placed[attribution.pk] = (_COL_X[col], y, height)
            body.append(box)
            y += height + _GAP
        bottom = max(bottom, y)
    for attribution in attributions:
        if attribution.role == "relayed" and attribution.relays_id in placed and attribution.pk in placed:
            body.append(_relay_arrow(placed[attribution.relays_id], placed[attribution.pk]))
    marker = (
        f'<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>'
    )
    desc = "; ".join(
        f"{a.source.name} {a.get_role_display().lower()}"
        + (gettext(" (passing on %(name)s)") % {"name": a.relays.source.name} if a.relays_id and a.relays else "")
        for a in attributions
    )
    height = bottom + 26
    return _svg(
        740,
        height,
        gettext("Attribution chain"),
        desc or gettext("No attributions yet."),
        [marker, *body, *_legend(bottom + 10)],
        "chain",
        css_class="chart chain-diagram",  # hidden on phones, where the list under it reads better
    )
