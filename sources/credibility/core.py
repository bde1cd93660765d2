"""Credibility core: Admiralty scales, track records, independence, suggestions, calibration.

Pure Python on purpose (no Django): the Celery task, the admin and the LIAR
benchmark (`python -m bench.liar`) all call these same functions, so what the
benchmark measures is what the product ships.

The Admiralty code keeps two axes apart: how reliable a *source* has been
(A–F) and how credible one piece of *information* is (1–6). They are never
collapsed into one number here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

RELIABILITY_GRADES = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
INFORMATION_CREDIBILITY = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}

# Verdict -> truth value for track records. `unproven` and `not_checkable` are
# left out on purpose: they say nothing about whether the source told the truth.
VERDICT_TRUTH = {
    "confirmed": 1.0,
    "likely_true": 0.75,
    "disputed": 0.5,
    "misleading": 0.25,
    "false": 0.0,
}
NO_INFORMATION_VERDICTS = frozenset({"unproven", "not_checkable"})

SELECTION_NOTE = (
    "Fact-checked claims are a selected sample: checkers pick claims that look doubtful "
    "or matter, so a track record describes checked claims, not everything a source says."
)


def verdict_truth(verdict: str) -> float | None:
    """Truth value of a verdict, or None when the verdict carries no information."""
    if verdict in NO_INFORMATION_VERDICTS:
        return None
    try:
        return VERDICT_TRUTH[verdict]
    except KeyError:
        raise ValueError(f"Unknown verdict {verdict!r}; expected one of {sorted(VERDICT_TRUTH)}") from None


# --- Beta distribution (stdlib only; scipy would be one heavy dependency for three functions) ---


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta, by the modified Lentz method."""
    tiny, eps = 1e-300, 3e-16
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    # Converges in O(sqrt(max(a, b))) terms; the bound only guards against a bug.
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= c * d
        if abs(c * d - 1.0) < eps:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularized incomplete beta I_x(a, b): P(X <= x) for X ~ Beta(a, b)."""
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive, got a={a}, b={b}")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    # The fraction converges fast only left of the mean; use the symmetry on the right.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def beta_pdf(x: float, a: float, b: float) -> float:
    if x <= 0.0 or x >= 1.0:
        return 0.0
    return math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - _log_beta(a, b))


def beta_ppf(q: float, a: float, b: float) -> float:
    """Quantile of Beta(a, b): Newton steps, falling back to bisection inside a shrinking bracket."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"Quantile level must be in [0, 1], got {q}")
    if q in (0.0, 1.0):
        return q
    lo, hi, x = 0.0, 1.0, a / (a + b)
    for _ in range(200):
        error = beta_cdf(x, a, b) - q
        if abs(error) < 1e-13:
            return x
        lo, hi = (x, hi) if error < 0 else (lo, x)
        slope = beta_pdf(x, a, b)
        step = x - error / slope if slope > 0 else -1.0
        x = step if lo < step < hi else (lo + hi) / 2.0
        if hi - lo < 1e-15:
            break
    return x


# --- Track records ---


@dataclass(frozen=True)
class TrackRecord:
    """Beta posterior over how often a source's checked claims were true."""

    mean: float
    lo: float  # 5% quantile: with `hi`, the 90% equal-tailed credible interval
    hi: float
    effective_n: float  # sum of decayed weights: how many fresh outcomes the record is worth
    count: int  # raw number of outcomes used
    alpha: float
    beta: float
    by_topic: dict[str, TrackRecord] = field(default_factory=dict)
    note: str = SELECTION_NOTE

    @property
    def interval(self) -> tuple[float, float]:
        return (self.lo, self.hi)


def decay_weight(when: datetime, now: datetime, half_life_days: float | None) -> float:
    """0.5 ** (age / half-life); outcomes dated in the future count as fresh."""
    if half_life_days is None:
        return 1.0
    if half_life_days <= 0:
        raise ValueError(f"half_life_days must be positive or None, got {half_life_days}")
    age_days = max(0.0, (now - when).total_seconds() / 86400.0)
    return 0.5 ** (age_days / half_life_days)


def _posterior(weighted: Iterable[tuple[float, float]], prior: tuple[float, float]) -> TrackRecord:
    alpha, beta = prior
    if alpha <= 0 or beta <= 0:
        raise ValueError(f"Prior pseudo-counts must be positive, got {prior}")
    total, count = 0.0, 0
    for truth, weight in weighted:
        alpha += weight * truth
        beta += weight * (1.0 - truth)
        total += weight
        count += 1
    return TrackRecord(
        mean=alpha / (alpha + beta),
        lo=beta_ppf(0.05, alpha, beta),
        hi=beta_ppf(0.95, alpha, beta),
        effective_n=total,
        count=count,
        alpha=alpha,
        beta=beta,
    )


def track_record(
    outcomes: Iterable[tuple[float, datetime, str | None]],
    now: datetime,
    half_life_days: float | None = None,
    prior: tuple[float, float] = (1.0, 1.0),
) -> TrackRecord:
    """Beta posterior of a source's truthfulness from (truth_value, when, topic) outcomes.

    1. Weigh each outcome by its age (exponential decay; no decay when half_life_days is None).
    2. Add weight * truth to alpha and weight * (1 - truth) to beta, starting from `prior`.
    3. Repeat per topic (same prior) for `by_topic`.
    """
    weighted_by_topic: dict[str, list[tuple[float, float]]] = {}
    weighted = []
    for truth, when, topic in outcomes:
        if not 0.0 <= truth <= 1.0:
            raise ValueError(f"Truth values must be in [0, 1], got {truth}")
        item = (truth, decay_weight(when, now, half_life_days))
        weighted.append(item)
        if topic is not None:
            weighted_by_topic.setdefault(topic, []).append(item)
    overall = _posterior(weighted, prior)
    topics = {topic: _posterior(items, prior) for topic, items in sorted(weighted_by_topic.items())}
    return replace(overall, by_topic=topics)


# --- Independence ---

# Attribution roles, as stored on verification.Attribution; the short verb forms are accepted too.
SUPPORT_ROLES = frozenset({"stated", "released_material", "supports"})
REFUTE_ROLES = frozenset({"denied", "refutes"})
NON_CONFIRM_ROLE = "could_not_confirm"
RELAY_ROLE = "relayed"
_ROLE_ALIASES = {"states": "stated", "relays": "relayed", "denies": "denied", "support": "supports"}


@dataclass(frozen=True)
class SourceNode:
    """One source and its outgoing edges in the source graph."""

    id: Hashable
    name: str = ""
    kind: str = "other"
    parent: Hashable | None = None  # organisation it belongs to (Budanov -> HUR)
    speaks_for: Hashable | None = None  # body whose statements it voices (spokesperson -> ministry)
    relays: Hashable | None = None  # body whose statements it usually repeats (state outlet -> ministry)
    conflicts: Mapping[str, str] = field(default_factory=dict)  # conflict -> side, if a party
    affiliations: tuple[Hashable, ...] = ()  # e.g. a political party; not a voice, so no collapse


class SourceGraph:
    """Sources by id. Unknown ids behave as independent, unaffiliated sources."""

    def __init__(self, nodes: Iterable[SourceNode] = ()):
        self.nodes: dict[Hashable, SourceNode] = {}
        for node in nodes:
            self.add(node)

    def add(self, node: SourceNode) -> SourceNode:
        self.nodes[node.id] = node
        return node

    def node(self, source: Hashable) -> SourceNode:
        return self.nodes.get(source) or SourceNode(id=source, name=str(source))

    def name(self, source: Hashable) -> str:
        return self.node(source).name or str(source)

    def _up(self, source: Hashable) -> Hashable | None:
        node = self.node(source)
        # Relays and speaks_for first: a statement's origin matters more than who owns the speaker.
        for nxt in (node.relays, node.speaks_for, node.parent):
            if nxt is not None:
                return nxt
        return None

    def origin_path(self, source: Hashable, relayed_from: Hashable | None = None) -> list[Hashable]:
        """[source, ..., originating body]; `relayed_from` overrides the first hop. Cycle-safe."""
        path = [source]
        current = relayed_from if relayed_from is not None else self._up(source)
        while current is not None and current not in path:
            path.append(current)
            current = self._up(current)
        return path

    def root(self, source: Hashable) -> Hashable:
        return self.origin_path(source)[-1]

    def conflict_sides(self, path: Sequence[Hashable]) -> dict[str, str]:
        """Conflicts any body on the path is party to; a speaker inherits its body's side."""
        sides: dict[str, str] = {}
        for source in path:
            for conflict, side in self.node(source).conflicts.items():
                sides.setdefault(conflict, side)
        return sides

    def affiliations(self, source: Hashable) -> list[Hashable]:
        """Affiliations of the source and of every body above it, nearest first, no repeats."""
        seen: list[Hashable] = []
        for body in self.origin_path(source):
            seen.extend(a for a in self.node(body).affiliations if a not in seen)
        return seen


@dataclass(frozen=True)
class Attribution:
    source: Hashable
    role: str
    relayed_from: Hashable | None = None  # for a relay: whose statement it passes on
    evidence: EvidenceItem | None = None  # set when an evidence provider stands in as an attribution


def _as_attribution(item) -> Attribution:
    att = item if isinstance(item, Attribution) else Attribution(*item)
    role = _ROLE_ALIASES.get(att.role, att.role)
    return att if role == att.role else Attribution(att.source, role, att.relayed_from, att.evidence)


@dataclass(frozen=True)
class Group:
    """Attributions that trace back to one originating body, so they count once."""

    root: Hashable
    attributions: tuple[Attribution, ...]
    all_parties: bool  # every member speaks for a party to a shared conflict
    conflict: str | None
    side: str | None  # None when not all parties, or the parties are on different sides

    @property
    def members(self) -> tuple[Hashable, ...]:
        return tuple(dict.fromkeys(a.source for a in self.attributions))

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self.attributions)

    @property
    def supports(self) -> bool:
        return bool(self.roles & SUPPORT_ROLES)

    @property
    def refutes(self) -> bool:
        return bool(self.roles & REFUTE_ROLES)

    @property
    def not_confirming(self) -> bool:
        return NON_CONFIRM_ROLE in self.roles


def _make_group(root, members: list[tuple[Attribution, dict[str, str]]]) -> Group:
    shared = set.intersection(*(set(sides) for _, sides in members))
    conflict = min(shared) if shared else None
    sides = {sides[conflict] for _, sides in members} if conflict else set()
    return Group(
        root=root,
        attributions=tuple(a for a, _ in members),
        all_parties=conflict is not None,
        conflict=conflict,
        side=sides.pop() if len(sides) == 1 else None,
    )


def independent_groups(attributions: Iterable, graph: SourceGraph) -> list[Group]:
    """Collapse attributions to their originating body: one group per root, in first-seen order.

    Attributions may be `Attribution`s or (source_id, role[, relayed_from]) tuples. A relay
    follows `relayed_from` (or the graph's relays edge), so it joins its origin's group and
    inherits that origin's party status.
    """
    by_root: dict[Hashable, list[tuple[Attribution, dict[str, str]]]] = {}
    for att in map(_as_attribution, attributions):
        path = graph.origin_path(att.source, att.relayed_from)
        by_root.setdefault(path[-1], []).append((att, graph.conflict_sides(path)))
    return [_make_group(root, members) for root, members in by_root.items()]


@dataclass(frozen=True)
class Corroboration:
    supporting: int  # independent groups that state or support the claim
    non_party_supporting: int
    refuting: int
    non_party_refuting: int
    non_party_not_confirming: int
    parties_one_side_only: bool  # every supporting group is a party, all on one side
    conflict: str | None = None
    side: str | None = None


def corroboration(groups: Sequence[Group]) -> Corroboration:
    support = [g for g in groups if g.supports]
    sides = {(g.conflict, g.side) for g in support}
    one_side = bool(support) and all(g.all_parties for g in support) and len(sides) == 1
    conflict, side = next(iter(sides)) if one_side else (None, None)
    return Corroboration(
        supporting=len(support),
        non_party_supporting=sum(not g.all_parties for g in support),
        refuting=sum(g.refutes for g in groups),
        non_party_refuting=sum(g.refutes and not g.all_parties for g in groups),
        non_party_not_confirming=sum(g.not_confirming and not g.all_parties for g in groups),
        parties_one_side_only=one_side and side is not None,
        conflict=conflict,
        side=side,
    )


# --- Suggested information credibility ---

# How much one item counts: evidence credibility (1-6) times the provider's reliability (A-F).
# "Cannot be judged" (6, F) sits low but above "improbable"/"unreliable": unknown is not bad.
_CREDIBILITY_WEIGHT = {1: 1.0, 2: 0.8, 3: 0.55, 4: 0.3, 5: 0.1, 6: 0.25, None: 0.25}
_RELIABILITY_WEIGHT = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.35, "E": 0.15, "F": 0.4}
_CREDIBLE = 0.45  # an item at least this strong (e.g. a C source stating it) is taken seriously
_PARTY_DENIAL = 0.5  # parties deny what hurts them as a matter of course; alone, that is weak refutation
_STANCE_ROLE = {"supports": "supports", "refutes": "refutes"}  # context items take no side


@dataclass(frozen=True)
class EvidenceItem:
    stance: str  # supports | refutes | context
    credibility: int | None = None  # 1-6 on the information axis
    provider: Hashable | None = None  # source id of whoever supplied it


@dataclass(frozen=True)
class Suggestion:
    credibility: int  # 1-6, a key of INFORMATION_CREDIBILITY
    confidence: float  # 0-1: how sure the suggestion itself is
    reasons: list[str]

    @property
    def label(self) -> str:
        return INFORMATION_CREDIBILITY[self.credibility]


def reliability_weight(grade) -> float:
    """A-F grade, or a probability such as a track-record mean, as a weight in [0, 1]."""
    if grade is None:
        return _RELIABILITY_WEIGHT["F"]
    if isinstance(grade, str):
        return _RELIABILITY_WEIGHT[grade.upper()]
    return min(1.0, max(0.0, float(grade)))


def _weight(att: Attribution, graph: SourceGraph, source_reliability: Mapping) -> float:
    grade = source_reliability.get(att.source, source_reliability.get(graph.root(att.source)))
    if att.evidence is None:
        return reliability_weight(grade)
    return _CREDIBILITY_WEIGHT[att.evidence.credibility] * reliability_weight(grade)


def _group_strengths(groups, graph, source_reliability, roles) -> list[tuple[Group, float]]:
    """Each group counts once, at the strength of its strongest item in `roles`."""
    result = []
    for group in groups:
        weights = [_weight(a, graph, source_reliability) for a in group.attributions if a.role in roles]
        if weights:
            result.append((group, max(weights)))
    return result


def _names(groups: Iterable[Group], graph: SourceGraph) -> str:
    """Members of each group, plus the body they trace to when it is not one of them
    (a reviewer should read "Pat Ryder (traced to the Pentagon)", not just a name)."""
    parts = []
    for g in groups:
        names = ", ".join(graph.name(m) for m in g.members)
        parts.append(names if g.root in g.members else f"{names} (traced to {graph.name(g.root)})")
    return "; ".join(parts)


def _evidence_attributions(evidence_items) -> tuple[list[Attribution], list[float], list[float]]:
    """Evidence with a provider joins the independence check; without one it only adds weight."""
    attributions, loose_support, loose_refute = [], [], []
    for item in evidence_items:
        item = item if isinstance(item, EvidenceItem) else EvidenceItem(*item)
        role = _STANCE_ROLE.get(item.stance)
        if role is None:
            continue
        if item.provider is not None:
            attributions.append(Attribution(item.provider, role, evidence=item))
        else:
            weight = _CREDIBILITY_WEIGHT[item.credibility] * reliability_weight(None)
            (loose_support if role == "supports" else loose_refute).append(weight)
    return attributions, loose_support, loose_refute


def suggest_credibility(evidence_items, attributions, graph: SourceGraph, source_reliability: Mapping) -> Suggestion:
    """Suggest an information-credibility grade (1-6) with a confidence and reasons.

    1. Evidence with a provider becomes an attribution (supports/refutes), so two items that
       trace to one ministry count once, like two outlets relaying it.
    2. Group everything by originating body; each group counts at its strongest item
       (stance x evidence credibility x provider reliability).
    3. Apply the rules in `_decide`: 1 needs two independent non-party groups and no credible
       refutation; claims backed only by parties to a conflict stop at 3 or 6.
    """
    extra, loose_support, loose_refute = _evidence_attributions(evidence_items)
    groups = independent_groups([*map(_as_attribution, attributions), *extra], graph)
    support = _group_strengths(groups, graph, source_reliability, SUPPORT_ROLES)
    refute = _group_strengths(groups, graph, source_reliability, REFUTE_ROLES)
    # Unattributed evidence cannot be checked for independence: it may refute, never confirm.
    refute_strength = max([w * (_PARTY_DENIAL if g.all_parties else 1.0) for g, w in refute] + loose_refute + [0.0])
    not_confirming = [g for g in groups if g.not_confirming and not g.all_parties]
    reasons = []
    if not_confirming:
        reasons.append(f"A non-party could not confirm it: {_names(not_confirming, graph)}.")
    if any(g.all_parties for g, _ in refute):
        reasons.append(f"Denied by a party to the conflict: {_names((g for g, _ in refute if g.all_parties), graph)}.")
    if loose_support or loose_refute:
        reasons.append("Evidence without a provider was weighed but not counted as independent.")
    credibility, confidence, why = _decide(support, refute_strength, bool(not_confirming), graph)
    return Suggestion(credibility, round(confidence, 3), why + reasons)


def _decide(support, refute_strength, not_confirmed, graph) -> tuple[int, float, list[str]]:
    non_party = [(g, w) for g, w in support if not g.all_parties and w >= _CREDIBLE]
    parties = [(g, w) for g, w in support if g.all_parties]
    credible_refute = refute_strength >= _CREDIBLE
    best = max([w for _, w in support] + [0.0])
    penalty = 0.15 if not_confirmed else 0.0
    if len(non_party) >= 2 and not credible_refute:
        why = [
            f"Supported by {len(non_party)} independent non-party groups: {_names((g for g, _ in non_party), graph)}."
        ]
        return 1, min(0.95, 0.5 + 0.1 * len(non_party) + 0.2 * best - penalty), why
    if credible_refute:
        if not non_party:
            return 5, 0.4 + 0.4 * refute_strength, ["Credibly refuted, and no independent non-party support."]
        grade = 4 if refute_strength >= best else 3
        return grade, 0.35, ["Credible evidence both ways: independent support and a credible refutation."]
    if non_party:
        return (
            2,
            0.45 + 0.2 * best - penalty,
            [f"One independent non-party group supports it: {_names([non_party[0][0]], graph)}."],
        )
    if parties:
        return _party_only(parties, support, graph, penalty)
    if support:
        return 6, 0.4, ["Only weakly reliable sources state it; nothing independent."]
    return 6, 0.5, ["Nothing states or supports the claim yet."]


def _party_only(parties, support, graph, penalty) -> tuple[int, float, list[str]]:
    """Backed only by parties to a conflict: at best 'possibly true', never confirmed or probable."""
    labels = "; ".join(sorted({f"{g.conflict}, {g.side or 'sides differ'}" for g, _ in parties}))
    why = [f"Stated only by a party to the conflict ({labels}): {_names((g for g, _ in parties), graph)}."]
    if len(support) > len(parties):
        why.append("Other supporting sources are too weakly reliable to count as independent.")
    if max(w for _, w in parties) >= _CREDIBLE:
        return 3, 0.5 - penalty / 2, why
    return 6, 0.45 - penalty / 2, why
