"""The source graph from the database, as the independence check wants it.

`sources.credibility.independence` is pure Python and knows sources only by id. This
module loads the part of the graph that matters for a set of sources: the sources
themselves and every body above them (parent organisation, the body a
spokesperson speaks for, the body an outlet usually relays, affiliations),
with the conflicts each is party to and on which side, and each one's grade
and cached track record (for the suggestion's weights).

It walks upwards one level at a time, one query per level (each source with
its outgoing relations and conflict parties joined in), and stops after
MAX_DEPTH levels, so the number of queries is bounded whatever the data: at
most MAX_DEPTH, and as many as the longest chain is deep (three for
spokesperson -> directorate -> ministry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sources.credibility.independence import SourceGraph, SourceNode
from sources.models import Source, SourceRelation

# Spokesperson -> directorate -> ministry -> government is four levels; eight leaves room.
MAX_DEPTH = 8

Kind = SourceRelation.Kind


@dataclass
class GraphData:
    """The graph plus what the suggestion needs from the same rows."""

    graph: SourceGraph
    reliability: dict[int, str | None] = field(default_factory=dict)  # Admiralty grade, None when ungraded
    records: dict[int, RecordSummary] = field(default_factory=dict)  # cached track records, where one exists


@dataclass(frozen=True)
class RecordSummary:
    mean: float
    effective_n: float
    count: int


@dataclass
class _Level:
    sources: dict[int, dict] = field(default_factory=dict)
    relations: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    parties: dict[int, dict[str, str]] = field(default_factory=dict)


def _load_level(ids: set[int]) -> _Level:
    """One query: each source LEFT JOINed to its outgoing relations, its conflict parties and its
    cached track record.

    That is one row per (relation, party) pair of a source; sources have a handful of each,
    and one query per level keeps the claim page's query count low.
    """
    level = _Level()
    rows = (
        Source.objects.filter(pk__in=ids)
        .order_by("pk", "relations_out__id", "conflict_parties__id")
        .values(
            "id",
            "name",
            "kind",
            "parent_id",
            "merged_into_id",
            "reliability",
            "track_record__mean",
            "track_record__effective_n",
            "track_record__count",
            "relations_out__kind",
            "relations_out__to_source_id",
            "conflict_parties__conflict__name",
            "conflict_parties__side",
        )
    )
    for row in rows:
        source_id = row["id"]
        level.sources.setdefault(source_id, row)
        edges = level.relations.setdefault(source_id, {})
        target, kind = row["relations_out__to_source_id"], row["relations_out__kind"]
        # Ordered by relation id, so a source with two "relays" edges always resolves to the oldest.
        if target is not None and target not in edges.setdefault(kind, []):
            edges[kind].append(target)
        if row["conflict_parties__conflict__name"] is not None:
            level.parties.setdefault(source_id, {})[row["conflict_parties__conflict__name"]] = row[
                "conflict_parties__side"
            ]
    return level


def _node(row: dict, edges: dict[str, list[int]], conflicts: dict[str, str]) -> SourceNode:
    first = lambda kind: (edges.get(kind) or [None])[0]  # noqa: E731
    # A merged record is the same body as the record it went into: walking up through it
    # makes stale references collapse into one group with the live record.
    parent = row["merged_into_id"] or row["parent_id"]
    return SourceNode(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        parent=parent,
        speaks_for=first(Kind.SPEAKS_FOR),
        relays=first(Kind.RELAYS),
        conflicts=conflicts,
        affiliations=tuple(edges.get(Kind.AFFILIATED, ())),
    )


def _next_ids(node: SourceNode) -> set[int]:
    return {i for i in (node.parent, node.speaks_for, node.relays, *node.affiliations) if i is not None}


def load_graph(source_ids: Iterable[int]) -> GraphData:
    """The graph of `source_ids` and everything above them, in at most MAX_DEPTH queries."""
    data = GraphData(SourceGraph())
    frontier = {int(i) for i in source_ids if i is not None}
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        level = _load_level(frontier)
        following: set[int] = set()
        for source_id, row in level.sources.items():
            node = data.graph.add(_node(row, level.relations.get(source_id, {}), level.parties.get(source_id, {})))
            data.reliability[source_id] = row["reliability"] or None
            if row["track_record__mean"] is not None:
                data.records[source_id] = RecordSummary(
                    row["track_record__mean"], row["track_record__effective_n"], row["track_record__count"]
                )
            following |= _next_ids(node)
        frontier = following - data.graph.nodes.keys()
    return data


def build_graph(source_ids: Iterable[int]) -> SourceGraph:
    return load_graph(source_ids).graph
