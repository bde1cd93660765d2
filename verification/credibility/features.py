"""What the suggestion reads about a claim, as numbers: one function for the claim page and the fit.

`features` turns what the desk holds about one claim (`ClaimFacts`) and around it
(`DeskView`: the source graph, track records, the fitted model's tables, similar
published claims) into the model's inputs. `verification.credibility.suggestions`
calls it for the claim on screen; `verification.credibility.fitting` calls it for
every past claim, with that claim's own verdict taken out of every record it is
part of (`LeftOut`), so the fit sees each past claim as it would have looked new.

Every feature is 0 when there is nothing to say, so a missing record never pulls.
Records are log-odds against the desk's average after shrinking towards it
(`sources.credibility.model.relative_logit`): a source with two verdicts moves
the number less than one with two hundred.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext, ngettext

from sources.credibility.grades import EvidenceItem, Structure, structure
from sources.credibility.independence import SUPPORT_ROLES, AttributedSource, SourceGraph
from sources.credibility.model import logit, relative_logit, shrunk
from sources.credibility.records import RELIABILITY_GRADES

# Pseudo-verdicts each record is shrunk with, towards the level above it (chosen on LIAR's
# validation split, never its test split): a source towards the desk, its topics towards it.
SOURCE_STRENGTH = 4.0
SOURCE_TOPIC_STRENGTH = 4.0
ORGANISATION_STRENGTH = 20.0
ORGANISATION_TOPIC_STRENGTH = 10.0
TOPIC_STRENGTH = 10.0
SIMILAR_STRENGTH = 2.0
# What an Admiralty grade says about the chance a source's claim is true, as a starting point.
GRADE_PROBABILITY = {"A": 0.9, "B": 0.75, "C": 0.55, "D": 0.35, "E": 0.2}
TRUE_VERDICTS = frozenset({"confirmed", "likely_true"})
UNINFORMATIVE_VERDICTS = frozenset({"", "not_checkable"})  # an opinion was never going to be rated true

# What counts as something to judge this claim by (else the grade table gives 6): who said it, what
# backs or contradicts it. A topic's or the wording's history says how claims like it fared, not this one.
BASIS = frozenset(
    {"source_record", "organisation_record", "grade", "independent_support", "not_confirmed", "refuted", "evidence"}
)

NAMES = (
    "source_record",
    "source_topic",
    "organisation_record",
    "organisation_topic",
    "topic",
    "text",
    "similar",
    "grade",
    "party_only",
    "independent_support",
    "not_confirmed",
    "refuted",
    "evidence",
)


def rated_true(verdict: str) -> float:
    """The outcome the suggestion predicts: 1 when the desk rated the claim true or likely true."""
    return 1.0 if verdict in TRUE_VERDICTS else 0.0


@dataclass(frozen=True)
class Record:
    """A track record as sums: decayed truth and decayed count (a Beta(1, 1) posterior without its prior)."""

    total: float = 0.0
    weight: float = 0.0

    @classmethod
    def from_mean(cls, mean: float | None, effective_n: float) -> Record:
        """From TrackRecord's posterior mean: mean = (1 + total) / (2 + weight)."""
        if mean is None or effective_n <= 0:
            return cls()
        return cls(max(0.0, mean * (2.0 + effective_n) - 1.0), effective_n)

    def __add__(self, other: Record) -> Record:
        return Record(self.total + other.total, self.weight + other.weight)

    def without(self, left_out: LeftOut | None) -> Record:
        if left_out is None:
            return self
        return Record(max(0.0, self.total - left_out.truth * left_out.weight), max(0.0, self.weight - left_out.weight))

    def rate(self, centre: float, strength: float) -> float:
        return shrunk(self.total, self.weight, centre, strength)


@dataclass(frozen=True)
class LeftOut:
    """A past claim's own verdict, taken out of the records it is part of when the fit reads it."""

    truth: float  # its truth value in the track records (VERDICT_TRUTH)
    weight: float  # its decay weight in them
    outcome: float  # rated true or likely true (1) or not (0): its weight in the topic table is 1
    stated_by: frozenset = frozenset()  # the sources whose track records count it


@dataclass(frozen=True)
class ClaimFacts:
    """What the desk holds about one claim, as the suggestion reads it."""

    claim_id: int | None
    text: str
    tags: tuple[str, ...]
    attributions: tuple[AttributedSource, ...]  # opinions left out: they say nothing about truth
    evidence: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class Tables:
    """The desk's tables, learned at the last fit and stored with the model."""

    truth_mean: float = 0.5  # average truth value of the desk's verdicts (track records' scale)
    true_rate: float = 0.5  # share rated true or likely true
    organisations: Mapping[str, Record] = field(default_factory=dict)  # by source id, as a string
    organisation_topics: Mapping[str, Mapping[str, Record]] = field(default_factory=dict)
    topics: Mapping[str, Record] = field(default_factory=dict)  # outcome sums per tag


@dataclass
class DeskView:
    """What the desk holds around a claim: the graph with grades, records by source, tables, matches."""

    graph: SourceGraph
    grades: Mapping[Hashable, str | None]
    records: Mapping[Hashable, Record]
    topic_records: Mapping[Hashable, Mapping[str, Record]]
    tables: Tables
    matches: Sequence[tuple[str, float, int]]  # (verdict, score, claim id) of similar published claims
    text_score: float = 0.0


@dataclass(frozen=True)
class Reading:
    """The features of one claim and what they rest on, for the explanation."""

    values: dict[str, float]
    shape: Structure
    notes: dict[str, str]  # feature -> what it rests on, in words
    basis: bool  # anything about this claim to judge by (the grade table's 6 when not)


def _supporting(facts: ClaimFacts) -> list[Hashable]:
    return list(dict.fromkeys(a.source for a in facts.attributions if a.role in SUPPORT_ROLES))


def _reliability(facts: ClaimFacts, view: DeskView) -> dict:
    """Admiralty grades of the claim's sources and the bodies they trace to; for an ungraded one
    with three verdicts' worth of history, its record's rate stands in."""
    involved = [a.source for a in facts.attributions] + [e.provider for e in facts.evidence if e.provider is not None]
    reliability = {}
    for source in {s for i in involved for s in (i, view.graph.root(i))}:
        grade, record = view.grades.get(source), view.records.get(source, Record())
        if grade:
            reliability[source] = grade
        elif record.weight >= 3.0:
            reliability[source] = record.rate(0.5, 2.0)
    return reliability


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _source_features(facts, view, left_out, values, notes) -> None:
    t = view.tables
    own, topical = [], []
    for source in _supporting(facts):
        record = view.records.get(source, Record())
        if left_out and source in left_out.stated_by:
            record = record.without(left_out)
        if record.weight <= 0:
            continue
        own.append(relative_logit(record.total, record.weight, t.truth_mean, SOURCE_STRENGTH))
        rate = record.rate(t.truth_mean, SOURCE_STRENGTH)
        notes["source_record"] = gettext("%(source)s's track record: %(share)s over %(count)s") % {
            "source": view.graph.name(source),
            "share": _share(record),
            "count": _count(record),
        }
        for tag in facts.tags:
            topic = view.topic_records.get(source, {}).get(tag, Record())
            if left_out and source in left_out.stated_by:
                topic = topic.without(left_out)
            if topic.weight > 0:
                topical.append(logit(topic.rate(rate, SOURCE_TOPIC_STRENGTH)) - logit(rate))
                notes["source_topic"] = gettext(
                    "%(source)s on “%(tag)s”: %(share)s over %(count)s, against %(rate)s overall"
                ) % {
                    "source": view.graph.name(source),
                    "tag": tag,
                    "share": _share(topic),
                    "count": _count(topic),
                    "rate": _percent(rate),
                }
    values["source_record"], values["source_topic"] = _mean(own), _mean(topical)


def _organisation_features(facts, view, left_out, values, notes) -> None:
    t = view.tables
    own, topical = [], []
    for source in _supporting(facts):
        parent = view.graph.node(source).parent
        if parent is None:
            continue
        record = t.organisations.get(str(parent), Record())
        counted = left_out is not None and source in left_out.stated_by
        record = record.without(left_out) if counted else record
        if record.weight <= 0:
            continue
        own.append(relative_logit(record.total, record.weight, t.truth_mean, ORGANISATION_STRENGTH))
        rate = record.rate(t.truth_mean, ORGANISATION_STRENGTH)
        notes["organisation_record"] = gettext("Claims by %(source)s and its members: %(share)s over %(count)s") % {
            "source": view.graph.name(parent),
            "share": _share(record),
            "count": _count(record),
        }
        for tag in facts.tags:
            topic = t.organisation_topics.get(str(parent), {}).get(tag, Record())
            topic = topic.without(left_out) if counted else topic
            if topic.weight > 0:
                topical.append(logit(topic.rate(rate, ORGANISATION_TOPIC_STRENGTH)) - logit(rate))
                notes["organisation_topic"] = gettext(
                    "%(source)s and its members on “%(tag)s”: %(share)s over %(count)s"
                ) % {
                    "source": view.graph.name(parent),
                    "tag": tag,
                    "share": _share(topic),
                    "count": _count(topic),
                }
    values["organisation_record"], values["organisation_topic"] = _mean(own), _mean(topical)


def _desk_features(facts, view, left_out, values, notes) -> None:
    """The claim's topics and similar published claims: how claims like it fared on this desk."""
    t = view.tables
    topical = []
    for tag in facts.tags:
        record = t.topics.get(tag, Record())
        if left_out is not None:
            record = record.without(LeftOut(left_out.outcome, 1.0, left_out.outcome))
        if record.weight > 0:
            topical.append(relative_logit(record.total, record.weight, t.true_rate, TOPIC_STRENGTH))
            notes["topic"] = gettext("Claims tagged “%(tag)s” on this desk: %(rate)s rated true") % {
                "tag": tag,
                "rate": _percent(record.total / record.weight),
            }
    values["topic"] = _mean(topical)
    values["text"] = view.text_score
    informative = [(rated_true(v), s, pk) for v, s, pk in view.matches if v not in UNINFORMATIVE_VERDICTS]
    if informative:
        total = sum(y * s for y, s, _ in informative)
        weight = sum(s for _, s, _ in informative)
        values["similar"] = relative_logit(total, weight, t.true_rate, SIMILAR_STRENGTH)
        rated = sum(y for y, _, _ in informative)
        ids = ", ".join(f"#{pk}" for _, _, pk in informative[:3])
        notes["similar"] = ngettext(
            "%(rated)d of %(count)d similar published claim rated true or likely true (%(ids)s)",
            "%(rated)d of %(count)d similar published claims rated true or likely true (%(ids)s)",
            len(informative),
        ) % {"rated": rated, "count": len(informative), "ids": ids}
    else:
        values["similar"] = 0.0


def _structure_features(facts, view, shape: Structure, values, notes) -> None:
    graph = view.graph
    grades = []
    for source in _supporting(facts):
        path = graph.origin_path(source)
        grade = next((view.grades.get(s) for s in path if view.grades.get(s) in GRADE_PROBABILITY), None)
        if grade:
            grades.append(logit(GRADE_PROBABILITY[grade]))
            notes["grade"] = gettext("%(source)s is graded %(grade)s (%(label)s)") % {
                "source": graph.name(source),
                "grade": grade,
                "label": _grade_label(grade),
            }
    values["grade"] = _mean(grades)
    values["party_only"] = 1.0 if shape.party_only else 0.0
    if shape.party_only:
        sides = "; ".join(sorted({f"{g.conflict}, {g.side or gettext('sides differ')}" for g in shape.party_support}))
        notes["party_only"] = gettext("Stated only by a party to the conflict (%(sides)s): %(names)s") % {
            "sides": sides,
            "names": _names(shape.party_support, graph),
        }
    values["independent_support"] = float(min(len(shape.independent_support), 3))
    if shape.independent_support:
        n = len(shape.independent_support)
        notes["independent_support"] = ngettext(
            "Supported by %(count)d independent non-party group: %(names)s",
            "Supported by %(count)d independent non-party groups: %(names)s",
            n,
        ) % {"count": n, "names": _names(shape.independent_support, graph)}
    values["not_confirmed"] = float(min(len(shape.not_confirming), 2))
    if shape.not_confirming:
        notes["not_confirmed"] = gettext("A non-party could not confirm it: %(names)s") % {
            "names": _names(shape.not_confirming, graph)
        }
    values["refuted"] = shape.refutation
    if shape.refutation:
        who = [g for g in shape.groups if g.refutes]
        names = _names(who, graph) or gettext("evidence without a provider")
        if shape.party_denials:
            notes["refuted"] = gettext(
                "Denied or refuted by %(names)s (a party to the conflict: parties deny as a matter of course)"
            ) % {"names": names}
        else:
            notes["refuted"] = gettext("Denied or refuted by %(names)s") % {"names": names}
    values["evidence"] = max(-3.0, min(3.0, shape.evidence_balance))
    if shape.evidence_balance:
        sides = [e.stance for e in facts.evidence]
        support, refute = sides.count("supports"), sides.count("refutes")
        notes["evidence"] = ngettext(
            "Evidence: %(support)d item supporting it, %(refute)d refuting it, each weighed by its credibility and "
            "its provider's reliability",
            "Evidence: %(support)d items supporting it, %(refute)d refuting it, each weighed by its credibility and "
            "its provider's reliability",
            support,
        ) % {"support": support, "refute": refute}


def features(facts: ClaimFacts, view: DeskView, left_out: LeftOut | None = None, close_match: float = 0.8) -> Reading:
    """The model's inputs for one claim, what each rests on, and whether there is anything to judge by.

    1. Group attributions and evidence by originating body (the independence check).
    2. Read the records: the sources', their topics', their organisations', the desk's topics.
    3. Read the similar published claims and the wording (scored by the fitted text model).
    """
    graph = view.graph
    shape = structure(facts.evidence, facts.attributions, graph, _reliability(facts, view))
    values: dict[str, float] = {}
    notes: dict[str, str] = {}
    _source_features(facts, view, left_out, values, notes)
    _organisation_features(facts, view, left_out, values, notes)
    _desk_features(facts, view, left_out, values, notes)
    _structure_features(facts, view, shape, values, notes)
    close = [
        pk for verdict, score, pk in view.matches if score >= close_match and verdict not in UNINFORMATIVE_VERDICTS
    ]
    basis = bool(BASIS & set(notes) or close)
    return Reading(values, shape, notes, basis)


def _share(record: Record) -> str:
    """As the source page shows a record: its Beta(1, 1) posterior mean."""
    return gettext("%(rate)s true") % {"rate": _percent(record.rate(0.5, 2.0))}


def _percent(share: float) -> str:
    """0.42 as "42%", in the reader's number format."""
    return f"{formats.number_format(round(share * 100))}%"


def _count(record: Record) -> str:
    n = round(record.weight)
    if n < 1:
        return gettext("less than one checked claim's worth")
    return ngettext("%(count)d checked claim", "%(count)d checked claims", n) % {"count": n}


def _grade_label(grade: str) -> str:
    return RELIABILITY_GRADES[grade].lower()


def _names(groups, graph: SourceGraph) -> str:
    """Members of each group, plus the body they trace to when it is not one of them."""
    parts = []
    for g in groups:
        names = ", ".join(graph.name(m) for m in g.members)
        traced = gettext("%(names)s (traced to %(origin)s)") % {"names": names, "origin": graph.name(g.root)}
        parts.append(names if g.root in g.members else traced)
    return "; ".join(parts)
