"""schema.org ClaimReview JSON-LD of a claim's published verdict.

The API (GET /api/v1/claims/{id}/claimreview) and the public verdict page
(``<script type="application/ld+json">``, via ``jsonld_script``) embed the
same document, built here.

Verdicts on the 1–5 ``ratingValue`` scale (``worstRating`` 1, ``bestRating``
5); ``alternateName`` carries our own verdict name, which is the authority:

    ===============  =====  ==========================================
    verdict          value  why
    ===============  =====  ==========================================
    false              1    the evidence shows it is not true
    misleading         2    true in part, but gives a false impression
    unproven           3    cannot be confirmed either way
    disputed           3    credible evidence both ways
    not_checkable      3    opinion: neither true nor false
    likely_true        4    the evidence points to true
    confirmed          5    the evidence shows it is true
    ===============  =====  ==========================================

``claimReviewed`` is the text as signed off (``Claim.public_text``): while a
reopened claim is edited, readers keep the text its verdict was given for.
``datePublished`` is the first sign-off; ``dateModified`` appears after a
later sign-off or an approved text correction, whichever came last. The claim's ``author`` is the source that
stated it (or, lacking one, that released material or relayed it, else the
first one attributed), and ``appearance`` lists the articles where it was
published.
"""

import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import override

from sources.models import SourceKind
from verification.models import AttributionRole, Verdict
from verification.status import public_url, rfc3339

RATING = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.UNPROVEN: 3,
    Verdict.DISPUTED: 3,
    Verdict.NOT_CHECKABLE: 3,
    Verdict.LIKELY_TRUE: 4,
    Verdict.CONFIRMED: 5,
}
WORST, BEST = 1, 5
# Whose claim it is, in order of preference.
_AUTHOR_ROLES = (AttributionRole.STATED, AttributionRole.RELEASED_MATERIAL, AttributionRole.RELAYED)


def verdict_name(verdict: str) -> str:
    """'Unproven (cannot be confirmed)' -> 'Unproven': the short name for alternateName."""
    return Verdict(verdict).label.split(" (")[0]


def _entity(source) -> dict:
    entity = {"@type": "Person" if source.kind == SourceKind.PERSON else "Organization", "name": source.name}
    if source.homepage:
        entity["url"] = source.homepage
    return entity


def author_of(attributions) -> dict | None:
    source = author_source(attributions)
    return _entity(source) if source is not None else None


def _appearances(claim, attributions) -> list[dict]:
    items, seen = [], set()
    for appearance in claim.appearances.all():
        item = {"@type": "CreativeWork", "url": appearance.url}
        if appearance.title:
            item["headline"] = appearance.title
        if appearance.published_at:
            item["datePublished"] = rfc3339(appearance.published_at)
        items.append(item)
        seen.add(appearance.url)
    for attribution in attributions:
        if attribution.appeared_url and attribution.appeared_url not in seen:
            item = {"@type": "CreativeWork", "url": attribution.appeared_url}
            if attribution.appeared_at:
                item["datePublished"] = rfc3339(attribution.appeared_at)
            items.append(item)
            seen.add(attribution.appeared_url)
    return items


def organisation() -> dict:
    """This desk's organisation: the author of its ClaimReviews and MediaReviews."""
    home = settings.PUBLIC_BASE_URL.rstrip("/") + "/"
    return {"@type": "Organization", "name": settings.ORGANISATION_NAME, "url": home}


def build_claimreview(claim) -> dict | None:
    """The ClaimReview of ``claim``'s published verdict, or None before the first sign-off.

    Reads ``claim.published_assessment``, ``attributions`` (with sources) and
    ``appearances``; prefetch them when building many.
    """
    assessment = claim.published_assessment
    if assessment is None:
        return None
    attributions = list(claim.attributions.all())
    item = {"@type": "Claim", "appearance": _appearances(claim, attributions)}
    author = author_of(attributions)
    if author:
        item["author"] = author
    if claim.first_made_at:
        item["datePublished"] = rfc3339(claim.first_made_at)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(claim.pk),
        "claimReviewed": claim.public_text,
        "itemReviewed": item,
        "author": organisation(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[assessment.verdict],
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": verdict_name(assessment.verdict),
        },
        "datePublished": rfc3339(claim.first_published_at or claim.published_at),
        "inLanguage": claim.language,
    }
    modified = date_modified(claim)
    if modified:
        review["dateModified"] = rfc3339(modified)
    return review


def claimreviews_by_language(claim, translations, author_names=None) -> list[dict]:
    """The ClaimReview of the original, then one per current translation
    (``translations``: language → VerdictTranslation), each with its
    ``inLanguage``, its ``claimReviewed``, the page's address in it, and the
    claim's author by the name readers of it know (``author_names``: language
    → name, where the source has one)."""
    with override(claim.language):  # the verdict's name in the claim's own language, where the desk has it
        original = build_claimreview(claim)
    if original is None:
        return []
    reviews = [original]
    for language, translation in sorted(translations.items()):
        review = {**original, "claimReviewed": translation.text, "inLanguage": language}
        review["url"] = f"{original['url']}?lang={language}"
        with override(language):  # the verdict's name in that language, where the desk has it
            alternate = verdict_name(claim.published_assessment.verdict)
        review["reviewRating"] = {**original["reviewRating"], "alternateName": alternate}
        author = original["itemReviewed"].get("author")
        if author and (name := (author_names or {}).get(language)):
            review["itemReviewed"] = {**original["itemReviewed"], "author": {**author, "name": name}}
        reviews.append(review)
    return reviews


def author_source(attributions):
    """The source ClaimReview names as the claim's author (see ``author_of``)."""
    for role in _AUTHOR_ROLES:
        for attribution in attributions:
            if attribution.role == role:
                return attribution.source
    # Claims framed as "X could not confirm …" or "X denied …" are X's statements.
    return attributions[0].source if attributions else None


def date_modified(claim):
    """The last change readers can see after the first sign-off (a new sign-off
    or an approved correction), or None if there was none."""
    changes = [claim.corrected_at]
    if claim.published_at and claim.first_published_at and claim.published_at > claim.first_published_at:
        changes.append(claim.published_at)
    return max((c for c in changes if c is not None), default=None)


def jsonld_script(data: dict) -> str:
    """A ``<script type="application/ld+json">`` element, safe to put in HTML:
    <, > and & are escaped so a claim's text cannot close the script."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
