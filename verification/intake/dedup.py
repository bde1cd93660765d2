"""Have we seen this claim before? Compare proposed claims with existing ones.

Similarity is a number from 0 to 1:

* PostgreSQL: pg_trgm's ``similarity()`` (shared trigrams over all trigrams),
  filtered with the ``%`` operator so the GIN trigram index on claim text
  (migration 0005_intake) answers the query; one query per proposal.
* SQLite: BM25 from ``sources.credibility.prior.ClaimIndex`` over the newest
  INTAKE_DEDUP_SCAN_LIMIT claims, read once per batch. A BM25 score has no
  upper bound, so it is divided by the score of each text against itself, in
  both directions, keeping the smaller: 1 for the same words, near 0 for none
  in common, and a short text inside a long one is not called a copy of it.

The two scales are not identical (trigrams see spelling, BM25 sees rare words),
so the thresholds are settings: at INTAKE_DUPLICATE_SUGGEST an existing claim
is shown as a possible duplicate; at INTAKE_DUPLICATE_LINK the proposal is
linked to it, unless the proposal has fewer than INTAKE_LINK_MIN_WORDS words:
short texts only ever get suggestions, since "Prices rose." matches too much.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction

from sources.credibility.prior import ClaimIndex
from verification.models import Claim

MAX_DUPLICATES = 5
PREVIEW_CHARS = 300


@dataclass
class Duplicate:
    claim_id: int
    score: float
    text: str

    def as_json(self) -> dict:
        return asdict(self)


def link_target(text: str, duplicates: list[Duplicate]) -> int | None:
    """The claim a proposal is linked to, if the best duplicate is close enough and the text long enough."""
    if not duplicates or len(text.split()) < settings.INTAKE_LINK_MIN_WORDS:
        return None
    best = duplicates[0]
    return best.claim_id if best.score >= settings.INTAKE_DUPLICATE_LINK else None


class DuplicateFinder:
    """``similar(i)``: existing claims like the i-th of ``texts``, best first, at or above the suggest threshold."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.threshold = settings.INTAKE_DUPLICATE_SUGGEST
        self.trigram = connection.vendor == "postgresql"
        if not self.trigram:
            self._build_bm25()

    def similar(self, i: int) -> list[Duplicate]:
        found = self._trigram(self.texts[i]) if self.trigram else self._bm25(i)
        return [d for d in found if d.score >= self.threshold][:MAX_DUPLICATES]

    # --- PostgreSQL ------------------------------------------------------------

    def _trigram(self, text: str) -> list[Duplicate]:
        table = Claim._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # `%` compares with this setting; local to the transaction.
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(self.threshold)])
            # The table name comes from the model, never from input.
            sql = (
                f"SELECT id, left(text, {PREVIEW_CHARS}), similarity(text, %s) AS score FROM {table} "
                "WHERE text %% %s ORDER BY score DESC, id DESC LIMIT %s"
            )
            cursor.execute(sql, [text, text, MAX_DUPLICATES])
            return [Duplicate(pk, round(score, 3), preview) for pk, preview, score in cursor.fetchall()]

    # --- SQLite: BM25 -------------------------------------------------------------

    def _build_bm25(self) -> None:
        rows = list(Claim.objects.order_by("-id").values_list("id", "text")[: settings.INTAKE_DEDUP_SCAN_LIMIT])
        self.claims = dict(rows)
        self.index = ClaimIndex()
        # ClaimIndex returns each document's stored value with its score; here that
        # value names the document: an existing claim's id, or -1 - i for the i-th
        # proposal (indexed too, so a text can be scored against itself).
        for pk, text in rows:
            self.index.add(text, truth=float(pk))
        for i, text in enumerate(self.texts):
            self.index.add(text, truth=float(-1 - i))
        self.size = len(rows) + len(self.texts)

    def _scores(self, text: str) -> dict[float, float]:
        return dict(self.index.similar(text, k=self.size))

    def _bm25(self, i: int) -> list[Duplicate]:
        me = float(-1 - i)
        forward = self._scores(self.texts[i])
        own = forward.get(me, 0.0)
        if own <= 0:
            return []
        found = []
        ranked = sorted(((v, s) for v, s in forward.items() if v > 0), key=lambda item: -item[1])
        for value, s in ranked[: MAX_DUPLICATES * 2]:
            pk = int(value)
            backward = self._scores(self.claims[pk])
            their_own = backward.get(value, 0.0)
            ratio = min(s / own, backward.get(me, 0.0) / their_own if their_own > 0 else 0.0)
            found.append(Duplicate(pk, round(min(ratio, 1.0), 3), self.claims[pk][:PREVIEW_CHARS]))
        return sorted(found, key=lambda d: (-d.score, -d.claim_id))
