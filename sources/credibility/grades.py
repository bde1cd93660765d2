"""From a probability and the corroboration structure to an Admiralty grade (1–6).

Pure Python, no Django. `verification.credibility.suggestions` gives it the
probability the desk's model computed and the claim's independence groups
(`sources.credibility.independence`); this module reads the structure of the
support and applies the grade table. Nothing here sets a grade on a claim.

The grade table (docs/credibility.md shows it too), first match wins:

| rule | grade |
|---|---|
| nothing to judge by: no source with a grade or a record, no evidence taking a side, no close published match | 6 |
| credibly refuted (a non-party denies it, or credible evidence refutes it), no credible independent support | 5 |
| otherwise the probability's band: ≥ 0.80 → 1, ≥ 0.60 → 2, ≥ 0.45 → 3, ≥ 0.30 → 4, below → 5 | 1–5 |
| … but 1 needs two credible independent non-party groups supporting it, else 2 | ≤ 2 |
| … and support only from parties to a conflict is capped at 3 | ≥ 3 |

An item counts by its stance, its information credibility (1–6) and its provider's
reliability (A–F, or a track-record mean); items are grouped by originating body first
(`independence.independent_groups`), so a ministry and the outlets relaying it count once.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext

from sources.credibility.independence import (
    REFUTE_ROLES,
    SUPPORT_ROLES,
    AttributedSource,
    Group,
    SourceGraph,
    independent_groups,
)

# How much one item counts: evidence credibility (1-6) times the provider's reliability (A-F).
# "Cannot be judged" (6, F) sits low but above "improbable"/"unreliable": unknown is not bad.
CREDIBILITY_WEIGHT = {1: 1.0, 2: 0.8, 3: 0.55, 4: 0.3, 5: 0.1, 6: 0.25, None: 0.25}
RELIABILITY_WEIGHT = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.35, "E": 0.15, "F": 0.4}
CREDIBLE = 0.45  # an item at least this strong (a C source stating it, B evidence of credibility 3) counts
PARTY_DENIAL = 0.5  # parties deny what hurts them as a matter of course; alone, that is weak refutation
# Lower bounds of the probability bands, best grade first (grade 1 also needs two independent groups).
BANDS = ((0.80, 1), (0.60, 2), (0.45, 3), (0.30, 4), (0.0, 5))
PARTY_CAP = 3
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


def reliability_weight(grade) -> float:
    """A-F grade, or a probability such as a track-record mean, as a weight in [0, 1]; F when unknown."""
    if grade is None:
        return RELIABILITY_WEIGHT["F"]
    if isinstance(grade, str):
        return RELIABILITY_WEIGHT[grade.upper()]
    return min(1.0, max(0.0, float(grade)))


@dataclass(frozen=True)
class Structure:
    """What the support for a claim looks like, independent of any probability."""

    groups: tuple[Group, ...]
    independent_support: tuple[Group, ...]  # credible non-party groups stating or supporting it
    party_support: tuple[Group, ...]  # groups of parties to a conflict stating or supporting it
    not_confirming: tuple[Group, ...]  # non-party groups that could not confirm it (and do not support it)
    party_denials: tuple[Group, ...]
    refutation: float  # 0-1: the strongest refutation, a party's denial counting half
    evidence_balance: float  # support minus refutation, each evidence item at its weight
    loose_evidence: bool  # evidence without a provider: weighed, never counted as independent

    @property
    def party_only(self) -> bool:
        """Stated or supported, but only by parties to a conflict."""
        supporting = [g for g in self.groups if g.supports]
        return bool(supporting) and all(g.all_parties for g in supporting)

    @property
    def credibly_refuted(self) -> bool:
        return self.refutation >= CREDIBLE


def _weight(attributed: AttributedSource, graph: SourceGraph, reliability: Mapping) -> float:
    grade = reliability.get(attributed.source, reliability.get(graph.root(attributed.source)))
    if not isinstance(attributed, EvidenceProvider):
        return reliability_weight(grade)
    return CREDIBILITY_WEIGHT[attributed.evidence.credibility] * reliability_weight(grade)


def _strongest(group: Group, graph: SourceGraph, reliability: Mapping, roles) -> float:
    """A group counts once, at the strength of its strongest item in `roles` (0 if none)."""
    return max((_weight(a, graph, reliability) for a in group.attributions if a.role in roles), default=0.0)


def _evidence_providers(evidence: Iterable) -> tuple[list[EvidenceProvider], list[tuple[str, float]]]:
    """Evidence with a provider joins the independence check; without one it only adds weight."""
    providers, loose = [], []
    for item in evidence:
        item = item if isinstance(item, EvidenceItem) else EvidenceItem(*item)
        role = _STANCE_ROLE.get(item.stance)
        if role is None:
            continue
        if item.provider is not None:
            providers.append(EvidenceProvider(item.provider, role, evidence=item))
        else:
            loose.append((role, CREDIBILITY_WEIGHT[item.credibility] * reliability_weight(None)))
    return providers, loose


def structure(evidence: Iterable, attributions: Iterable, graph: SourceGraph, reliability: Mapping) -> Structure:
    """Group attributions and evidence providers by originating body and read the support's shape.

    1. Evidence with a provider becomes an attributed source (supports/refutes), so two items
       that trace to one ministry count once, like two outlets relaying it.
    2. Each group counts at its strongest item (stance x evidence credibility x provider reliability).
    3. Unattributed evidence cannot be checked for independence: it may refute, never confirm.
    """
    providers, loose = _evidence_providers(evidence)
    groups = tuple(independent_groups([*attributions, *providers], graph))
    support = [(g, _strongest(g, graph, reliability, SUPPORT_ROLES)) for g in groups if g.supports]
    refute = [(g, _strongest(g, graph, reliability, REFUTE_ROLES)) for g in groups if g.refutes]
    refutation = max(
        [w * (PARTY_DENIAL if g.all_parties else 1.0) for g, w in refute] + [w for r, w in loose if r == "refutes"],
        default=0.0,
    )
    signed = [(p.role, _weight(p, graph, reliability)) for p in providers] + loose
    balance = sum(w if role == "supports" else -w for role, w in signed)
    return Structure(
        groups=groups,
        independent_support=tuple(g for g, w in support if not g.all_parties and w >= CREDIBLE),
        party_support=tuple(g for g, _ in support if g.all_parties),
        # A body that could not confirm it once and supports it now (say, with evidence) supports it.
        not_confirming=tuple(g for g in groups if g.not_confirming and not g.all_parties and not g.supports),
        party_denials=tuple(g for g, _ in refute if g.all_parties),
        refutation=refutation,
        evidence_balance=balance,
        loose_evidence=bool(loose),
    )


def band(probability: float) -> int:
    return next(grade for low, grade in BANDS if probability >= low)


def grade(probability: float, shape: Structure, basis: bool) -> tuple[int, str]:
    """The grade and the rule of the table that set it, in words a reviewer can check."""
    if not basis:
        return 6, gettext("Nothing to judge by: no source with a grade or a track record, no evidence, no close match.")
    if shape.credibly_refuted and not shape.independent_support:
        return 5, gettext("Credibly refuted, and no credible independent support.")
    result = band(probability)
    rule = gettext("The probability falls in the band of grade %(result)s.") % {"result": result}
    if result == 1 and len(shape.independent_support) < 2:
        result, rule = 2, gettext("Grade 1 needs two independent non-party groups supporting the claim.")
    if shape.party_only and result < PARTY_CAP:
        result, rule = PARTY_CAP, gettext("Capped at 3: all support comes from parties to a conflict.")
    return result, rule
