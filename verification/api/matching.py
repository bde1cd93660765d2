"""Find claims from a piece of their text, the same way on SQLite and PostgreSQL.

1. Split the query into words; take its three longest (the most telling).
2. Fetch a bounded candidate set: claims containing any of them, those with
   the most of them first (a CASE sum the database computes), newest first.
3. Score each candidate with ``sources.text.similarity(query, claim, part=True)``,
   the score intake's duplicate check and credibility's similar claims also use,
   read as "how well is the query found in this claim": 1.0 for the claim's own
   text, about 0.97 for its first words (the last one may be cut off, as it
   often is), less for words picked from here and there, 0 with no word in common.
4. Keep candidates scoring at least MIN_SCORE, best first.

No full-text index: the candidate bound keeps this cheap for a newsroom's
claim volume, and results do not depend on the database's text search.
"""

from django.db.models import Case, IntegerField, Value, When

from sources.text import most_similar
from verification.api.filters import contains_word, words
from verification.models import Claim

CANDIDATES = 200
MIN_SCORE = 0.5
KEY_WORDS = 3


def find_by_text(text: str, columns: tuple[str, ...], limit: int) -> list[tuple[float, tuple]]:
    """[(score, row)] best first; ``row`` holds ``columns``."""
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
    # Stable: equal scores keep the newest first.
    found = most_similar(text, [(row[:-1], row[-1]) for row in rows], limit=limit, cutoff=MIN_SCORE, part=True)
    return [(round(score, 3), row) for row, score in found]
