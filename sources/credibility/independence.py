"""Independence: which attributions trace back to one body, and so count once.

Pure Python, no Django: sources are known only by id, and `sources.graph` loads
the `SourceGraph` from the database. A spokesperson collapses into the body it
speaks for, a relay into the body whose statement it passes on, so two outlets
repeating one ministry are one voice, not two. Each group also records whether
every member speaks for a party to a shared conflict, and on which side:
agreement among parties on one side is not corroboration.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

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
class AttributedSource:
    """A source id in the role a claim attributes to it, as the graph sees it.

    The database row is `verification.models.Attribution`; this carries only what the
    independence check reads, so it stays pure and can be built from tuples.
    """

    source: Hashable
    role: str
    relayed_from: Hashable | None = None  # for a relay: whose statement it passes on


def _as_attributed_source(item) -> AttributedSource:
    attributed = item if isinstance(item, AttributedSource) else AttributedSource(*item)
    role = _ROLE_ALIASES.get(attributed.role, attributed.role)
    # replace() keeps a subclass (grades' EvidenceProvider) and what it carries.
    return attributed if role == attributed.role else replace(attributed, role=role)


@dataclass(frozen=True)
class Group:
    """Attributed sources that trace back to one originating body, so they count once."""

    root: Hashable
    attributions: tuple[AttributedSource, ...]
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


def _make_group(root, members: list[tuple[AttributedSource, dict[str, str]]]) -> Group:
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

    Attributions may be `AttributedSource`s or (source_id, role[, relayed_from]) tuples. A relay
    follows `relayed_from` (or the graph's relays edge), so it joins its origin's group and
    inherits that origin's party status.
    """
    by_root: dict[Hashable, list[tuple[AttributedSource, dict[str, str]]]] = {}
    for attributed in map(_as_attributed_source, attributions):
        path = graph.origin_path(attributed.source, attributed.relayed_from)
        by_root.setdefault(path[-1], []).append((attributed, graph.conflict_sides(path)))
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
