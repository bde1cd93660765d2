"""Find claims from a piece of their text, the same way on SQLite and PostgreSQL.

1. Split the query into words; take its three longest (the most telling).
2. Fetch a bounded candidate set: claims containing any of them, those with
   the most of them first (a CASE sum the database computes), newest first.
3. Score each candidate in Python by word overlap, with a bonus when the
   claim *starts* with the query (a reader pasting a claim's first words):
   - recall: share of query words found in the claim (the last query word
     may be a prefix, as it often is cut off),
   - coverage: share of the claim's words the query accounts for,
   - score = 0.8·recall + 0.2·coverage; a prefix match scores at least
     0.9 + 0.1·coverage; the identical text scores 1.0.
4. Keep candidates scoring at least MIN_SCORE, best first.

No full-text index: the candidate bound keeps this cheap for a newsroom's
claim volume, and results do not depend on the database's text search.
"""

from django.db.models import Case, IntegerField, Value, When

from verification.api.filters import contains_word, words
from verification.models import Claim

CANDIDATES = 200
MIN_SCORE = 0.5
KEY_WORDS = 3


def score(query: list[str], claim: list[str]) -> float:
    if not query or not claim:
        return 0.0
    claim_set = set(claim)
    last = len(query) - 1
    matched = sum(
        1 for i, w in enumerate(query) if w in claim_set or (i == last and any(c.startswith(w) for c in claim))
    )
    recall = matched / len(query)
    coverage = min(1.0, matched / len(claim))
    value = 0.8 * recall + 0.2 * coverage
    if len(claim) >= len(query) and claim[:last] == query[:last] and claim[last].startswith(query[last]):
        value = max(value, 0.9 + 0.1 * coverage)
    return round(value, 3)


def find_by_text(text: str, columns: tuple[str, ...], limit: int) -> list[tuple[float, tuple]]:
    """[(score, row)] best first; ``row`` holds ``columns`` then the text."""
    query = words(text)
    if not query:
        return []
    key_words = sorted(set(query), key=len, reverse=True)[:KEY_WORDS]
    conditions = [contains_word("text", w) for w in key_words]
    any_word = conditions[0]
    for condition in conditions[1:]:
        any_word |= condition
    hits = sum(
        (Case(When(c, then=Value(1)), default=Value(0), output_field=IntegerField()) for c in conditions), Value(0)
    )
    rows = (
        Claim.objects.filter(any_word)
        .annotate(hits=hits)
        .order_by("-hits", "-updated_at", "-id")
        .values_list(*columns, "text")[:CANDIDATES]
    )
    scored = [(score(query, words(row[-1])), row[:-1]) for row in rows]
    scored = [item for item in scored if item[0] >= MIN_SCORE]
    scored.sort(key=lambda item: -item[0])  # stable: ties keep newest first
    return scored[:limit]
