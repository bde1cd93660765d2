"""Who is this? Match the names an article attributes claims to against known sources.

Every live source's name and every alias are loaded once per batch (two
queries) and compared in memory with rapidfuzz, on ``normalise_name`` keys, so
"Буданов", "Budanov" and "Kyrylo Budanov" meet. A name scoring at least
INTAKE_SOURCE_MATCH_THRESHOLD (0-100) against a source matches it; below, a
new source is proposed with the kind the extractor guessed. Unnamed sources
("two officials familiar with the talks", a bare "ministry") are never
proposed as new records: the reviewer picks the source they stand for, or
leaves them out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings
from rapidfuzz import fuzz, process

from sources.models import Source, SourceAlias
from sources.text import normalise_name

CANDIDATES = 3
# Words that make two names look alike without saying who they are.
_FILLER = frozenset("the of for and a an on in at de du la le".split())


def match_key(name: str) -> str:
    return " ".join(w for w in normalise_name(name).split() if w not in _FILLER)


# A one-word alias equal to a person's surname ("Буданов" for "Kyrylo Budanov"):
# good enough to match, but any full-name match beats it.
SURNAME_SCORE = 88.0


def score(query: str, key: str, person: bool = False) -> float:
    """0-100. Whole-name similarity, word order ignored; or, when both names have
    two words or more, how well the shorter is contained in the longer ("Center
    for Strategic Communication" in "Ukraine's Center for Strategic Communication
    and Information Security"). One shared word ("ministry") is never enough,
    except, for a person, a one-word alias that is the surname of their name."""
    whole = fuzz.token_sort_ratio(query, key)
    words, key_words = query.split(), key.split()
    if person and len(key_words) == 1 and 2 <= len(words) <= 3 and words[-1] == key:
        return max(whole, SURNAME_SCORE)
    if min(len(words), len(key_words)) < 2:
        return whole
    return max(whole, fuzz.token_set_ratio(query, key))


def is_named(name: str) -> bool:
    """A proper name ("Pat Ryder", "@TruthWatch24"), not a description ("officials")."""
    name = name.strip()
    return bool(name) and (name[0].isupper() or name[0] in "@#")


@dataclass
class Candidate:
    id: int
    name: str
    kind: str
    score: float


@dataclass
class SourceMatch:
    """What intake proposes for one attributed name."""

    source_id: int | None
    source_name: str
    score: float
    new_source: bool  # no match, and the name is a proper name: propose creating it
    candidates: list[Candidate] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "source_id": self.source_id,
            "source_name": self.source_name,
            "score": self.score,
            "new_source": self.new_source,
            "candidates": [asdict(c) for c in self.candidates],
        }


class SourceMatcher:
    """The live sources' names and aliases, loaded once, to match many names against."""

    def __init__(self, threshold: int | None = None) -> None:
        self.threshold = settings.INTAKE_SOURCE_MATCH_THRESHOLD if threshold is None else threshold
        self.sources: dict[int, tuple[str, str]] = {}
        self.keys: list[str] = []
        self.owners: list[int] = []
        for pk, name, kind in Source.objects.filter(merged_into__isnull=True).values_list("id", "name", "kind"):
            self.sources[pk] = (name, kind)
            self._add(pk, match_key(name))
        aliases = SourceAlias.objects.filter(source__merged_into__isnull=True).values_list("source_id", "normalised")
        for pk, normalised in aliases:
            self._add(pk, " ".join(w for w in normalised.split() if w not in _FILLER))

    def _add(self, pk: int, key: str) -> None:
        if key:
            self.keys.append(key)
            self.owners.append(pk)

    def candidates(self, name: str, kind: str = "") -> list[Candidate]:
        """The best-scoring sources for ``name``, best first, one entry per source."""
        query = match_key(name)
        if not query or not self.keys:
            return []
        # rapidfuzz's C scorers shortlist; score() then decides on the few left.
        shortlist = {
            i
            for scorer in (fuzz.token_set_ratio, fuzz.token_sort_ratio)
            for _, _, i in process.extract(query, self.keys, scorer=scorer, limit=20, score_cutoff=50)
        }
        best: dict[int, float] = {}
        for i in shortlist:
            pk, value = self.owners[i], round(score(query, self.keys[i], person=kind == "person"), 1)
            best[pk] = max(value, best.get(pk, 0.0))
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.sources[item[0]][0]))[:CANDIDATES]
        return [Candidate(pk, *self.sources[pk], value) for pk, value in ranked]

    def match(self, name: str, kind: str = "") -> SourceMatch:
        """``kind`` is the extractor's guess; for a person a surname alias may match."""
        found = self.candidates(name, kind)
        top = found[0] if found else None
        if top is not None and top.score >= self.threshold:
            return SourceMatch(top.id, top.name, top.score, False, found)
        return SourceMatch(None, "", top.score if top else 0.0, is_named(name), found)
