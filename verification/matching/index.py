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

from dataclasses import dataclass

from django.db import connection

# PostgreSQL: a term's document frequency is counted up to this; past it the
# term is common enough that the exact figure no longer changes its weight much.
DF_COUNT_CAP = 1000


@dataclass(frozen=True)
class Table:
    """A searchable table: its name and the names of its SQLite index tables."""

    name: str  # e.g. verification_claim
    fts_prefix: str  # e.g. claimdesk_claim


CLAIMS = Table("verification_claim", "claimdesk_claim")
EXTERNAL_REVIEWS = Table("verification_externalreview", "claimdesk_extreview")  # migration 0016


def _fts_phrase(terms) -> list[str]:
    return ['"' + term.replace('"', '""') + '"' for term in terms]


class SqliteIndex:
    def __init__(self, table: Table):
        self.table = table
        self.words = f"{table.fts_prefix}_words"
        self.trigrams = f"{table.fts_prefix}_trigrams"
        self.vocab = f"{table.fts_prefix}_words_vocab"

    def statistics(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """(the table's size, each term's document frequency), in one query.
        The size is the highest id: close enough for weights, and an index read."""
        marks = ",".join("%s" for _ in terms) or "NULL"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT NULL, coalesce(max(id), 0) FROM {self.table.name} "
                f"UNION ALL SELECT term, doc FROM {self.vocab} WHERE term IN ({marks})",
                terms,
            )
            rows = cursor.fetchall()
        found = {term: count for term, count in rows if term is not None}
        size = next(count for term, count in rows if term is None)
        return size, {term: found.get(term, 0) for term in terms}

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
    def __init__(self, table: Table):
        self.table = table

    def statistics(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """(the table's size, each term's document frequency), in one query.

        A term among the planner's most common elements of ``search_vector``
        (pg_stats, kept by ANALYZE) gets its share of the table; any other is
        counted, up to DF_COUNT_CAP, through the GIN index: rare terms are
        cheap to count and exactly the ones whose count matters. The size is
        the highest id."""
        table = self.table.name
        values = ", ".join("(%s, to_tsquery('simple', %s))" for _ in terms)
        rows_sql = (
            f" UNION ALL SELECT q.term, coalesce("
            f"(SELECT c.share * (SELECT n FROM size) FROM common c WHERE c.term = q.term), "
            f"(SELECT count(*) FROM (SELECT 1 FROM {table} WHERE search_vector @@ q.query "
            f"LIMIT {DF_COUNT_CAP}) AS hits)) FROM (VALUES {values}) AS q(term, query)"
            if terms
            else ""
        )
        sql = (
            f"WITH size AS (SELECT coalesce(max(id), 0) AS n FROM {table}), "
            "common AS (SELECT u.term, u.share FROM pg_stats, "
            "unnest(most_common_elems::text::text[], most_common_elem_freqs) AS u(term, share) "
            "WHERE tablename = %s AND attname = 'search_vector' AND u.term IS NOT NULL) "
            f"SELECT NULL, (SELECT n FROM size){rows_sql}"
        )
        params = [table, *(value for term in terms for value in (term, _tsquery_term(term)))]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = {term: int(count) for term, count in rows if term is not None}
        size = next(int(count) for term, count in rows if term is None)
        return size, {term: found.get(term, 0) for term in terms}

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
