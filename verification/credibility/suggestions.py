"""Suggested information credibility (1–6) and confidence for a claim.

Computed on demand from the claim's attributions, its evidence (stance x
credibility x provider's reliability) and the source graph, by the pure rules in
`sources.credibility.suggestion.suggest_credibility`. It is a suggestion shown to the
reviewer with its reasons: nothing here writes to the claim; the reviewer's
assessment is the only way a credibility grade is set.

Queries: attributions (unless the caller passes them), evidence, and the graph
walk (one query per level, at most sources.graph.MAX_DEPTH; grades and track
records come with it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sources.admiralty import CREDIBILITY_MEANING
from sources.credibility.independence import AttributedSource, Corroboration, Group, corroboration, independent_groups
from sources.credibility.suggestion import EvidenceItem, Suggestion, suggest_credibility
from sources.graph import GraphData, load_graph
from verification.models import Attribution, AttributionRole, Claim, Evidence

# An opinion says nothing about whether the claim is true, so it joins no group.
IGNORED_ROLES = {AttributionRole.OPINION}
# An ungraded source's track record stands in for a grade once it rests on this many (decayed) verdicts.
MIN_RECORD_WEIGHT = 3.0


@dataclass(frozen=True)
class GroupRow:
    """One independent group as the panel lists it."""

    origin: str
    members: list[str]
    stance: str  # supports | refutes | could not confirm | relays only
    party: str  # "Russia–Ukraine war, Ukraine" or ""


@dataclass(frozen=True)
class ClaimSuggestion:
    credibility: int
    label: str
    meaning: str
    confidence: float
    reasons: list[str]
    corroboration: Corroboration
    groups: list[GroupRow]

    @property
    def independent_groups(self) -> int:
        """Independent groups that state or support the claim: the corroboration count."""
        return self.corroboration.supporting

    @property
    def parties_one_side(self) -> bool:
        return self.corroboration.parties_one_side_only


def _attributions(claim_id: int, loaded=None) -> list[AttributedSource]:
    """From the database, or from Attribution rows the caller already holds (with relays loaded)."""
    if loaded is not None:
        return [
            AttributedSource(a.source_id, a.role, a.relays.source_id if a.relays_id else None)
            for a in loaded
            if a.role not in IGNORED_ROLES
        ]
    rows = (
        Attribution.objects.filter(claim_id=claim_id)
        .exclude(role__in=IGNORED_ROLES)
        .order_by("id")
        .values_list("source_id", "role", "relays__source_id")
    )
    return [AttributedSource(source, role, relayed_from) for source, role, relayed_from in rows]


def _evidence(claim_id: int) -> list[EvidenceItem]:
    rows = Evidence.objects.filter(claim_id=claim_id).values_list("stance", "credibility", "provided_by_id")
    return [EvidenceItem(stance, credibility, provider) for stance, credibility, provider in rows]


def _reliability(data: GraphData) -> tuple[dict, list[str]]:
    """Admiralty grades; for ungraded sources with enough history, the track-record mean."""
    reliability, notes = {}, []
    for source_id, grade in data.reliability.items():
        record = data.records.get(source_id)
        if grade:
            reliability[source_id] = grade
        elif record and record.effective_n >= MIN_RECORD_WEIGHT:
            reliability[source_id] = record.mean
            notes.append(
                f"{data.graph.name(source_id)} is not graded; its track record "
                f"({record.mean:.0%} true over {record.count} checked claims) stands in for a grade."
            )
    return reliability, notes


def _stance(group: Group) -> str:
    if group.supports:
        return "supports"
    if group.refutes:
        return "refutes"
    return "could not confirm" if group.not_confirming else "relays only"


def _rows(groups: list[Group], data: GraphData) -> list[GroupRow]:
    name = data.graph.name
    return [
        GroupRow(
            origin=name(g.root),
            members=[name(m) for m in g.members],
            stance=_stance(g),
            party=f"{g.conflict}, {g.side or 'sides differ'}" if g.all_parties else "",
        )
        for g in groups
    ]


def suggest_for_claim(claim: Claim | int, attributions=None) -> ClaimSuggestion:
    """The suggestion for one claim, read fresh from the database.

    `attributions`: the claim's Attribution rows if the caller has them (the claim page does),
    loaded with `relays`, to save a query.

    1. Load attributions (relays point at the attribution they pass on) and evidence.
    2. Load the source graph of every source and evidence provider involved.
    3. Weigh each source by its grade (or, ungraded, by its track record) and apply the rules.
    """
    claim_id = claim.pk if isinstance(claim, Claim) else int(claim)
    attributions, evidence = _attributions(claim_id, attributions), _evidence(claim_id)
    data = load_graph([a.source for a in attributions] + [e.provider for e in evidence])
    reliability, notes = _reliability(data)
    suggestion: Suggestion = suggest_credibility(evidence, attributions, data.graph, reliability)
    groups = independent_groups(
        attributions
        + [
            AttributedSource(e.provider, e.stance)
            for e in evidence
            if e.provider is not None and e.stance != Evidence.Stance.CONTEXT
        ],
        data.graph,
    )
    return ClaimSuggestion(
        credibility=suggestion.credibility,
        label=suggestion.label,
        meaning=CREDIBILITY_MEANING[suggestion.credibility],
        confidence=suggestion.confidence,
        reasons=suggestion.reasons + notes,
        corroboration=corroboration(groups),
        groups=_rows(groups, data),
    )
