"""Have we seen this claim before? Compare proposed claims with existing ones.

The claim matcher (verification.matching) answers, as it does for the API's
text lookup and the duplicate check on creation: at MATCH_SUGGEST_SCORE an
existing claim is shown as a possible duplicate; at MATCH_LINK_SCORE the
proposal is linked to it, unless the proposal has fewer than
INTAKE_LINK_MIN_WORDS words: short texts only ever get suggestions, since
"Prices rose." matches too much.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings

from verification.matching import find_matches

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
    return best.claim_id if best.score >= settings.MATCH_LINK_SCORE else None


class DuplicateFinder:
    """``similar(i)``: existing claims like the i-th of ``texts``, best first, at or above the suggest threshold."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def similar(self, i: int) -> list[Duplicate]:
        found = find_matches(self.texts[i], limit=MAX_DUPLICATES)
        return [Duplicate(m.id, m.score, m.text[:PREVIEW_CHARS]) for m in found]
