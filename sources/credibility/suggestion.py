"""Suggested information credibility (1–6): the rules that turn groups and evidence into a grade.

Pure Python, no Django: `verification.credibility.suggestions` feeds it from the
database and shows the result to the reviewer as a suggestion with its reasons;
nothing here sets a grade.

An item counts by its stance, its information credibility (1–6) and its
provider's reliability (A–F, or a track-record mean); items are grouped by
originating body first (`independence.independent_groups`), so a ministry and
the outlets relaying it count once.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from sources.credibility.independence import (
    REFUTE_ROLES,
    SUPPORT_ROLES,
    AttributedSource,
    Group,
    SourceGraph,
    independent_groups,
)
from sources.credibility.records import INFORMATION_CREDIBILITY

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
class EvidenceProvider(AttributedSource):
    """An evidence item's provider, attributed the item's stance so it joins the independence check.

    It weighs as the item (credibility x provider reliability), not as a bare source.
    """

    evidence: EvidenceItem = field(kw_only=True)


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


def _weight(attributed: AttributedSource, graph: SourceGraph, source_reliability: Mapping) -> float:
    grade = source_reliability.get(attributed.source, source_reliability.get(graph.root(attributed.source)))
    if not isinstance(attributed, EvidenceProvider):
        return reliability_weight(grade)
    return _CREDIBILITY_WEIGHT[attributed.evidence.credibility] * reliability_weight(grade)


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


def _evidence_providers(evidence_items) -> tuple[list[EvidenceProvider], list[float], list[float]]:
    """Evidence with a provider joins the independence check; without one it only adds weight."""
    providers, loose_support, loose_refute = [], [], []
    for item in evidence_items:
        item = item if isinstance(item, EvidenceItem) else EvidenceItem(*item)
        role = _STANCE_ROLE.get(item.stance)
        if role is None:
            continue
        if item.provider is not None:
            providers.append(EvidenceProvider(item.provider, role, evidence=item))
        else:
            weight = _CREDIBILITY_WEIGHT[item.credibility] * reliability_weight(None)
            (loose_support if role == "supports" else loose_refute).append(weight)
    return providers, loose_support, loose_refute


def suggest_credibility(evidence_items, attributions, graph: SourceGraph, source_reliability: Mapping) -> Suggestion:
    """Suggest an information-credibility grade (1-6) with a confidence and reasons.

    1. Evidence with a provider becomes an attributed source (supports/refutes), so two items
       that trace to one ministry count once, like two outlets relaying it.
    2. Group everything by originating body; each group counts at its strongest item
       (stance x evidence credibility x provider reliability).
    3. Apply the rules in `_decide`: 1 needs two independent non-party groups and no credible
       refutation; claims backed only by parties to a conflict stop at 3 or 6.
    """
    providers, loose_support, loose_refute = _evidence_providers(evidence_items)
    groups = independent_groups([*attributions, *providers], graph)
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
