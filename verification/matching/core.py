"""Has this been checked already? Candidates from the text index, scored here.

1. The query goes through ``search_form`` (Cyrillic words stemmed by its
   language's stemmer and transliterated, Latin words stemmed), the same
   function that filled the index with each claim's own language. The query's
   language is given, or detected by the detector claims get theirs from
   (verification.language); it only matters for Cyrillic words.
2. Each term gets a weight: its inverse document frequency in the index,
   times NAME_OR_NUMBER_WEIGHT for figures ("11000", "5g") and names (words
   capitalised mid-sentence, or in Cyrillic), so "Budanov said 11,000" is about
   Budanov and 11,000, not about "said".
3. Candidates (verification.matching.index): rows holding any of the query's
   telling terms (those in at most COMMON_SHARE of rows), ranked by the
   database's relevance; when every term is common, rows holding all of the
   rarest ones; and, for a word the index has never seen (a misspelling, a
   transliteration), rows with words spelt like it.
4. Each candidate is scored from 0 to 1: how much of the query's weight it
   holds (a word counts when equal, or spelt nearly alike: "koronavirus" and
   "coronavirus"), and how much of itself the query covers. See ``score``.

Thresholds are settings: MATCH_SUGGEST_SCORE (shown as "is it one of
these?") and MATCH_LINK_SCORE (close enough to call a duplicate).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from rapidfuzz import fuzz, process

from sources.text import search_form, transliterate
from verification.language import detect_language
from verification.matching.index import CLAIMS, EXTERNAL_REVIEWS, index_for

__all__ = ["Match", "SeenBefore", "find_matches", "likely_duplicates", "search_form", "seen_before"]

CANDIDATES = 60  # from each index question
MAX_QUERY_TERMS = 12  # the most telling ask the index; more only slow it down (all are scored)
COMMON_SHARE = 0.02  # a term in more rows than this is too common to find candidates by
NAME_OR_NUMBER_WEIGHT = 2.0
NEAR_SPELLING = 0.8  # rapidfuzz ratio for two words to count as one misspelt
NEAR_SPELLING_MIN_CHARS = 4
QUERY_SHARE = 0.75  # of the score: how much of the query the candidate holds; the rest, the reverse

_NAME_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z\u0400-\u042f][\w'’-]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class Match:
    """One claim (or external review) like the query, with a score from 0 to 1."""

    kind: str  # "claim" or "external"
    id: int
    score: float
    text: str
    state: str = ""
    verdict: str = ""


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]  # most telling first
    weights: dict[str, float]
    last: str  # the last word typed, which may be cut off ("Budan")


def query_language(text: str, language: str = "") -> str:
    """The language a query is analysed in: the one given, else the detector's answer
    for a text with Cyrillic words (Latin words are read one way whatever the
    language, so an English lookup never loads the detector)."""
    if language or not _CYRILLIC_RE.search(text):
        return language
    return detect_language(text)


def analyse(text: str, statistics, language: str = "") -> tuple[Query, dict[str, int], int]:
    """The query's terms (``text`` read as ``language``), most telling first, with
    their weights; their document frequencies; and the index's size
    (``statistics(terms)`` answers both)."""
    terms = list(dict.fromkeys(search_form(text, language).split()))
    if not terms:
        return Query((), {}, ""), {}, 0
    marked = set(search_form(" ".join(_NAME_RE.findall(text)), language).split())
    if _CYRILLIC_RE.search(text):
        marked |= set(search_form(" ".join(w for w in transliterate(text).split() if w[:1].isupper())).split())
    size, df = statistics(terms)
    weights = {}
    for term in terms:
        weight = math.log(1 + (size + 1) / (df[term] + 1))
        if term in marked or any(ch.isdigit() for ch in term):
            weight *= NAME_OR_NUMBER_WEIGHT
        weights[term] = weight
    ranked = sorted(terms, key=lambda t: (-weights[t], terms.index(t)))
    return Query(tuple(ranked), weights, terms[-1] if terms else ""), df, size


def candidates(index, query: Query, df: dict[str, int], size: int) -> list[int]:
    """Ids worth scoring, at most a few times CANDIDATES, best guesses first."""
    limit_common = max(COMMON_SHARE * size, 20)
    telling = [t for t in query.terms if 0 < df[t] <= limit_common][:MAX_QUERY_TERMS]
    found: list[int] = []
    if telling:
        found += index.any_of(telling, CANDIDATES)
    known = [t for t in query.terms if df[t] > 0]
    if known and len(found) < CANDIDATES:
        rarest = sorted(known, key=lambda t: df[t])[:4]
        found += index.all_of(rarest, CANDIDATES)
    unseen = [t for t in query.terms if df[t] == 0 and len(t) >= NEAR_SPELLING_MIN_CHARS][:3]
    if unseen:
        found += index.near_spellings(unseen, CANDIDATES)
    return list(dict.fromkeys(found))


def score(query: Query, candidate_terms: list[str]) -> float:
    """0..1: QUERY_SHARE x (share of the query's weight found in the candidate)
    + the rest x (share of the candidate's distinct terms the query covers).
    A query term is found when the candidate has it, when it is the last word
    typed and begins one of the candidate's, or (NEAR_SPELLING_MIN_CHARS or
    longer) when one of the candidate's is spelt nearly alike, for part of
    its weight. 1.0 means the same words; a claim's first words score above
    QUERY_SHARE."""
    theirs = set(candidate_terms)
    if not theirs or not query.terms:
        return 0.0
    held = 0.0
    covered: set[str] = set()
    for term in query.terms:
        if term in theirs:
            held += query.weights[term]
            covered.add(term)
        elif term == query.last and len(term) >= 3 and (longer := [t for t in theirs if t.startswith(term)]):
            held += query.weights[term]
            covered.add(longer[0])
        elif len(term) >= NEAR_SPELLING_MIN_CHARS:
            best = process.extractOne(term, theirs, scorer=fuzz.ratio, score_cutoff=NEAR_SPELLING * 100)
            if best:
                held += query.weights[term] * best[1] / 100
                covered.add(best[0])
    found = held / sum(query.weights.values())
    return QUERY_SHARE * found + (1 - QUERY_SHARE) * len(covered) / len(theirs)


def find_matches(
    text: str,
    *,
    language: str = "",
    limit: int = 5,
    published_only: bool = False,
    exclude_claim: int | None = None,
    include_external: bool = False,
    min_score: float | None = None,
) -> list[Match]:
    """Claims like ``text`` (in ``language``, a BCP 47 tag; detected when not
    given), best first, scoring at least ``min_score``
    (default MATCH_SUGGEST_SCORE); with ``include_external``, reviews by other
    fact-checkers imported as ExternalReview too (kind "external"): they are
    never the desk's own verdicts, so callers show them apart."""
    from verification.models import Claim, ExternalReview

    cutoff = settings.MATCH_SUGGEST_SCORE if min_score is None else min_score
    language = query_language(text, language)
    rows = Claim.objects.all()
    if published_only:
        rows = rows.filter(state=Claim.State.PUBLISHED)
    if exclude_claim is not None:
        rows = rows.exclude(pk=exclude_claim)
    found = [
        Match("claim", pk, value, claim_text, state, verdict)
        for value, (pk, claim_text, state, verdict) in _search(
            CLAIMS, text, language, rows, ("pk", "text", "state", "verdict"), cutoff
        )
    ]
    if include_external:
        found += [
            Match("external", pk, value, claimed, verdict=rating)
            for value, (pk, claimed, rating) in _search(
                EXTERNAL_REVIEWS,
                text,
                language,
                ExternalReview.objects.all(),
                ("pk", "claim_reviewed", "textual_rating"),
                cutoff,
            )
        ]
    found.sort(key=lambda m: (-m.score, m.kind != "claim", -m.id))
    return found[:limit]


def _search(
    table, text: str, language: str, rows, columns: tuple[str, ...], cutoff: float
) -> list[tuple[float, tuple]]:
    """[(score, row of ``columns``)] of ``rows`` (a queryset on ``table``) like ``text``, at ``cutoff`` or more."""
    index = index_for(table)
    query, df, size = analyse(text, index.statistics, language)
    if not query.terms or not size:
        return []
    ids = candidates(index, query, df, size)
    scored = []
    for search_text, *row in rows.filter(pk__in=ids).values_list("search_text", *columns):
        value = score(query, search_text.split())
        if value >= cutoff:
            scored.append((round(value, 3), tuple(row)))
    return scored


@dataclass(frozen=True)
class SeenBefore:
    """A published verdict on a claim like this one: the desk's own, or another fact-checker's."""

    match: Match
    rating: str  # the desk's verdict, or the publisher's textual rating
    publisher: str  # "" for the desk's own
    url: str  # the desk's claim page, or the review
    reviewed_at: object  # a datetime, or None when the publisher gave none


def seen_before(claim_id: int, text: str, limit: int = 5, language: str = "") -> list[SeenBefore]:
    """What the claim page shows as "checked before": published claims of the desk
    and imported reviews like ``text`` (the claim's, in its ``language``), best
    first; the claim itself left out."""
    from django.urls import reverse

    from verification.models import Claim, ExternalReview

    found = find_matches(
        text, language=language, limit=limit, published_only=True, exclude_claim=claim_id, include_external=True
    )
    claims = Claim.objects.in_bulk([m.id for m in found if m.kind == "claim"])
    reviews = ExternalReview.objects.in_bulk([m.id for m in found if m.kind == "external"])
    out = []
    for m in found:
        if m.kind == "claim" and (claim := claims.get(m.id)):
            label = claim.get_verdict_display() if claim.verdict else ""
            out.append(SeenBefore(m, label, "", reverse("desk-claim", args=[m.id]), claim.published_at))
        elif m.kind == "external" and (review := reviews.get(m.id)):
            publisher = review.publisher_name or review.publisher_site
            out.append(SeenBefore(m, review.textual_rating, publisher, review.url, review.review_date))
    return out


def likely_duplicates(text: str, *, language: str = "", exclude_claim: int | None = None) -> list[Match]:
    """Existing claims close enough to ``text`` to be the same claim (MATCH_LINK_SCORE
    or more): what the desk asks "is it one of these?" about, and what makes
    POST /api/v1/claims answer 409 unless the client sends ``force``."""
    return find_matches(
        text, language=language, limit=5, exclude_claim=exclude_claim, min_score=settings.MATCH_LINK_SCORE
    )
