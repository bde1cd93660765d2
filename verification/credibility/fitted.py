"""The fitted suggestion model as the code uses it, and what both the fit and the claim page read.

`SuggestionModel` rows hold it as JSON (verification/models/suggestion.py);
`current()` reads the newest row, or the prior model when the desk has never
been fitted, which is what a fit on no verdicts at all would give.
`source_view` loads, for a set of sources, the graph and the records the
features read: the claim page calls it for one claim, the fit for all of history.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sources.credibility.model import Logistic, Platt, TextModel, logit
from sources.graph import load_graph
from sources.models import TrackRecord
from verification.credibility.features import NAMES, Record, Tables
from verification.models import SuggestionModel

# The prior of each coefficient: what a desk with no history starts from (mean, precision). The means
# follow the LIAR fit where LIAR can teach them (records, topics, wording, similar claims, parties) and
# reasoned guesses where it cannot (grades, independent support, refutation, evidence: LIAR has none).
PRIOR = {
    "source_record": (0.75, 2.0),
    "source_topic": (0.35, 2.0),
    "organisation_record": (0.6, 2.0),
    "organisation_topic": (0.5, 2.0),
    "topic": (0.1, 2.0),
    "text": (1.0, 2.0),
    "similar": (0.6, 2.0),
    "grade": (0.5, 2.0),
    "party_only": (-0.3, 2.0),
    "independent_support": (0.4, 2.0),
    "not_confirmed": (-0.6, 2.0),
    "refuted": (-1.2, 2.0),
    "evidence": (0.7, 2.0),
}
BIAS_PRECISION = 0.5
assert set(PRIOR) == set(NAMES), "every feature needs a prior"


@dataclass(frozen=True)
class FittedModel:
    logistic: Logistic
    platt: Platt
    tables: Tables
    text: TextModel
    verdicts: int = 0  # published verdicts it learned from
    held_out: Mapping = field(default_factory=dict)  # n, brier, ece, bins: suggestions on unseen verdicts
    fitted_at: datetime | None = None
    through_event: int = 0

    def parameters(self) -> dict:
        t = self.tables
        return {
            "logistic": self.logistic.as_dict(),
            "platt": self.platt.as_dict(),
            "truth_mean": t.truth_mean,
            "true_rate": t.true_rate,
            "organisations": {k: _pair(r) for k, r in t.organisations.items()},
            "organisation_topics": {
                k: {tag: _pair(r) for tag, r in v.items()} for k, v in t.organisation_topics.items()
            },
            "topics": {k: _pair(r) for k, r in t.topics.items()},
            "text": dict(self.text.weights),
        }

    def band(self, probability: float) -> dict | None:
        """The held-out reliability bin a probability falls in: how such suggestions fared here."""
        for b in self.held_out.get("bins", ()):
            if b["lo"] <= probability < b["hi"] or (b["hi"] >= 1.0 and probability >= b["lo"]):
                return b
        return None


def _pair(record: Record) -> list[float]:
    return [round(record.total, 6), round(record.weight, 6)]


def _record(pair) -> Record:
    return Record(float(pair[0]), float(pair[1]))


def from_row(row: SuggestionModel) -> FittedModel:
    p = row.parameters
    tables = Tables(
        truth_mean=p["truth_mean"],
        true_rate=p["true_rate"],
        organisations={k: _record(v) for k, v in p["organisations"].items()},
        organisation_topics={k: {t: _record(r) for t, r in v.items()} for k, v in p["organisation_topics"].items()},
        topics={k: _record(v) for k, v in p["topics"].items()},
    )
    return FittedModel(
        logistic=Logistic.from_dict(p["logistic"]),
        platt=Platt(**p["platt"]),
        tables=tables,
        text=TextModel(p["text"]),
        verdicts=row.verdicts,
        held_out=row.held_out,
        fitted_at=row.fitted_at,
        through_event=row.through_event,
    )


def prior_model() -> FittedModel:
    """The model of a desk with no verdicts: the prior's weights and their full uncertainty."""
    names = tuple(sorted(PRIOR))
    variances = [1.0 / BIAS_PRECISION] + [1.0 / PRIOR[n][1] for n in names]
    covariance = tuple(tuple(v if i == j else 0.0 for j in range(len(variances))) for i, v in enumerate(variances))
    logistic = Logistic(names, logit(0.5), tuple(PRIOR[n][0] for n in names), covariance)
    return FittedModel(logistic, Platt(), Tables(), TextModel({}))


_cache = threading.local()  # (row id, model): the JSON is parsed once per process and fit


def current() -> FittedModel:
    """The newest fitted model, or the prior model before the first fit. One query when cached."""
    latest = SuggestionModel.objects.order_by("-fitted_at", "-id").values_list("pk", flat=True).first()
    if latest is None:
        return prior_model()
    cached = getattr(_cache, "model", None)
    if cached is None or cached[0] != latest:
        cached = (latest, from_row(SuggestionModel.objects.get(pk=latest)))
        _cache.model = cached
    return cached[1]


@dataclass
class SourceView:
    """The graph of some sources with their grades and records, as `features.DeskView` wants them."""

    graph: object
    grades: dict
    records: dict[int, Record]
    topic_records: dict[int, dict[str, Record]]


def source_view(
    source_ids: Iterable[int], topics_of: Iterable[int] = (), tags: Iterable[str] | None = None
) -> SourceView:
    """The graph above `source_ids` (one query per level), and the per-topic records of `topics_of`.

    `tags`: only these topics are read (the claim page knows its claim's tags); None reads all (the fit).
    """
    data = load_graph(source_ids)
    records = {s: Record.from_mean(r.mean, r.effective_n) for s, r in data.records.items()}
    topic_records: dict[int, dict[str, Record]] = {}
    wanted = None if tags is None else set(tags)
    ids = [s for s in dict.fromkeys(topics_of) if s in records]  # a source with no record has no topics
    if ids and (wanted is None or wanted):
        for source_id, by_topic in TrackRecord.objects.filter(source_id__in=ids).values_list("source_id", "by_topic"):
            topic_records[source_id] = {
                tag: Record.from_mean(summary.get("mean"), summary.get("effective_n", 0.0))
                for tag, summary in (by_topic or {}).items()
                if wanted is None or tag in wanted
            }
    return SourceView(data.graph, dict(data.reliability), records, topic_records)
