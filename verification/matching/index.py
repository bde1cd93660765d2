"""The matcher's text index, one class per database, same questions.

Both index ``search_text`` (sources.text.search_form: stemmed Latin words), so
a term is the same string in Python, in SQLite and in PostgreSQL:

* SQLite (migration 0014): FTS5 tables ``<prefix>_words`` (unicode61) and
  ``<prefix>_trigrams`` (trigram tokenizer), ``<prefix>_words_vocab`` for
  document frequencies; ranked by FTS5's ``bm25()``.
* PostgreSQL: a generated ``search_vector`` (``to_tsvector('simple', ...)``)
  with a GIN index, ranked by ``ts_rank``; document frequencies from the
  planner's statistics for common terms and from a capped count for the rest;
  ``pg_trgm`` word similarity for words the index has never seen.

Every method answers a bounded list of ids; the caller scores them.
Table names come from code, never from input; terms only ever travel as
query parameters (SQLite's MATCH string is built from ``search_form`` terms,
which hold nothing but letters and digits, each quoted).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

# PostgreSQL: a term's document frequency is counted up to this; past it the
# term is common enough that the exact figure no longer changes its weight much.
DF_COUNT_CAP = 1000
STATS_SECONDS = 300  # how long pg_stats' common terms are reused


@dataclass(frozen=True)
class Table:
    """A searchable table: its name and the names of its SQLite index tables."""

    name: str  # e.g. verification_claim
    fts_prefix: str  # e.g. claimdesk_claim


CLAIMS = Table("verification_claim", "claimdesk_claim")


def _fts_phrase(terms) -> list[str]:
    return ['"' + term.replace('"', '""') + '"' for term in terms]


class SqliteIndex:
    def __init__(self, table: Table):
        self.table = table
        self.words = f"{table.fts_prefix}_words"
        self.trigrams = f"{table.fts_prefix}_trigrams"
        self.vocab = f"{table.fts_prefix}_words_vocab"

    def size(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {self.table.name}")
            return cursor.fetchone()[0]

    def frequencies(self, terms: list[str]) -> dict[str, int]:
        if not terms:
            return {}
        marks = ",".join("%s" for _ in terms)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {self.vocab} WHERE term IN ({marks})", terms)
            found = dict(cursor.fetchall())
        return {term: found.get(term, 0) for term in terms}

    def any_of(self, terms: list[str], limit: int) -> list[int]:
        """Rows holding any of ``terms``, most relevant (BM25) first."""
        return self._match(" OR ".join(_fts_phrase(terms)), limit, ranked=True)

    def all_of(self, terms: list[str], limit: int) -> list[int]:
        """Rows holding every one of ``terms``, newest first."""
        return self._match(" ".join(_fts_phrase(terms)), limit, ranked=False)

    def near_spellings(self, words: list[str], limit: int) -> list[int]:
        """Rows with words spelt like ``words``: sharing most of their trigrams."""
        grams = sorted({w[i : i + 3] for w in words for i in range(len(w) - 2)})
        if not grams:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {self.trigrams} WHERE {self.trigrams} MATCH %s ORDER BY rank LIMIT %s",
                [" OR ".join(_fts_phrase(grams)), limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _match(self, expression: str, limit: int, ranked: bool) -> list[int]:
        order = "rank" if ranked else "rowid DESC"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {self.words} WHERE {self.words} MATCH %s ORDER BY {order} LIMIT %s",
                [expression, limit],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresIndex:
    _stats: dict[str, tuple[float, dict[str, float], float]] = {}  # table -> (read at, freqs, min freq)

    def __init__(self, table: Table):
        self.table = table

    def size(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {self.table.name}")
            return cursor.fetchone()[0]

    def _common_terms(self) -> tuple[dict[str, float], float]:
        """The planner's most common terms of ``search_vector`` and their share of rows."""
        cached = self._stats.get(self.table.name)
        if cached and time.monotonic() - cached[0] < STATS_SECONDS:
            return cached[1], cached[2]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = %s AND attname = 'search_vector'",
                [self.table.name],
            )
            row = cursor.fetchone()
        terms, freqs = (row or (None, None))[:2]
        common = dict(zip(terms or [], freqs or [], strict=False))
        # most_common_elem_freqs ends with min, max and null share after one per term
        floor = min(common.values()) if common else 0.0
        self._stats[self.table.name] = (time.monotonic(), common, floor)
        return common, floor

    def frequencies(self, terms: list[str]) -> dict[str, int]:
        if not terms:
            return {}
        common, _ = self._common_terms()
        size = self.size()
        out = {t: int(common[t] * size) for t in terms if t in common}
        rest = [t for t in terms if t not in out]
        if rest:
            parts = " UNION ALL ".join(
                f"SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM {self.table.name} "
                f"WHERE search_vector @@ to_tsquery('simple', %s) LIMIT {DF_COUNT_CAP}) AS hits)"
                for _ in rest
            )
            params = [value for term in rest for value in (term, _tsquery_term(term))]
            with connection.cursor() as cursor:
                cursor.execute(parts, params)
                out.update(dict(cursor.fetchall()))
        return {t: out.get(t, 0) for t in terms}

    def any_of(self, terms: list[str], limit: int) -> list[int]:
        query = " | ".join(_tsquery_term(t) for t in terms)
        return self._match(query, limit, order="ts_rank(search_vector, q) DESC, id DESC")

    def all_of(self, terms: list[str], limit: int) -> list[int]:
        query = " & ".join(_tsquery_term(t) for t in terms)
        return self._match(query, limit, order="id DESC")

    def near_spellings(self, words: list[str], limit: int) -> list[int]:
        """Rows with words spelt like ``words`` (pg_trgm's ``<%``, at its default
        word_similarity_threshold of 0.6), the closest first."""
        if not words:
            return []
        where = " OR ".join("%s <%% search_text" for _ in words)
        closest = "greatest(" + ", ".join("word_similarity(%s, search_text)" for _ in words) + ")"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {self.table.name} WHERE {where} ORDER BY {closest} DESC, id DESC LIMIT %s",
                [*words, *words, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def _match(self, query: str, limit: int, order: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {self.table.name}, to_tsquery('simple', %s) AS q "
                f"WHERE search_vector @@ q ORDER BY {order} LIMIT %s",
                [query, limit],
            )
            return [row[0] for row in cursor.fetchall()]


def _tsquery_term(term: str) -> str:
    # search_form terms are letters and digits only; quoting keeps them literal anyway.
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


def index_for(table: Table):
    return PostgresIndex(table) if connection.vendor == "postgresql" else SqliteIndex(table)
