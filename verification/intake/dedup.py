"""Have we seen this claim before? Compare proposed claims with existing ones.

Similarity is ``sources.text.similarity``, from 0 to 1: the words two claims
have in common, order ignored, so a reworded claim scores by the words it
keeps and a short text inside a long one is never called a copy of it. The
API's text lookup and credibility's similar claims score with the same
function. Only the choice of which existing claims to score depends on the
database:

* PostgreSQL: pg_trgm's ``%`` operator, so the GIN trigram index on claim text
  (migration 0005_intake) answers; up to CANDIDATES claims at trigram
  similarity CANDIDATE_TRIGRAM or more, one query per proposal. The bar is
  loose because trigrams score reworded claims lower than shared words do (a
  reworded claim at 0.69 on words is 0.49 on trigrams).
* SQLite: the newest INTAKE_DEDUP_SCAN_LIMIT claims, read once per batch.

At INTAKE_DUPLICATE_SUGGEST an existing claim is shown as a possible
duplicate; at INTAKE_DUPLICATE_LINK the proposal is linked to it, unless the
proposal has fewer than INTAKE_LINK_MIN_WORDS words: short texts only ever
get suggestions, since "Prices rose." matches too much.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction

from sources.text import most_similar, prepare
from verification.models import Claim

MAX_DUPLICATES = 5
PREVIEW_CHARS = 300
# PostgreSQL candidates: how many, and the trigram similarity they need at least.
CANDIDATES = 50
CANDIDATE_TRIGRAM = 0.2


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
            rows = Claim.objects.order_by("-id").values_list("id", "text")[: settings.INTAKE_DEDUP_SCAN_LIMIT]
            self.claims = {pk: prepare(text) for pk, text in rows}
            self.previews = {pk: text[:PREVIEW_CHARS] for pk, text in rows}

    def similar(self, i: int) -> list[Duplicate]:
        if self.trigram:
            candidates = self._trigram_candidates(self.texts[i])
            previews = {pk: text[:PREVIEW_CHARS] for pk, text in candidates.items()}
        else:
            candidates, previews = self.claims, self.previews
        # Newest first, so equal scores list the newest claim first.
        found = most_similar(self.texts[i], candidates, limit=MAX_DUPLICATES, cutoff=self.threshold)
        return [Duplicate(pk, round(score, 3), previews[pk]) for pk, score in found]

    def _trigram_candidates(self, text: str) -> dict[int, str]:
        table = Claim._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # `%` compares with this setting; local to the transaction.
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(CANDIDATE_TRIGRAM)])
            # The table name comes from the model, never from input.
            sql = f"SELECT id, text FROM {table} WHERE text %% %s ORDER BY similarity(text, %s) DESC, id DESC LIMIT %s"
            cursor.execute(sql, [text, text, CANDIDATES])
            rows = cursor.fetchall()
        return dict(sorted(rows, key=lambda row: -row[0]))
