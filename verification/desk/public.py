"""The public verdict page: readable without login, for claims with a published
verdict only (a reopened claim keeps showing its last published verdict, and
the text that verdict was signed off for, until a new one is signed off).

It is the ``url`` that the API's status fields and the ClaimReview point to,
and it embeds the same ClaimReview JSON-LD (verification.workflow.claimreview),
with, in a second script, a MediaReview for each rated media item it lists
(verification.evidence.media_review).
The evidence shown, its previews, notes for readers and withheld links, are
verification.evidence.published's.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_info
from django.utils.translation.trans_real import parse_accept_lang_header

from sources.models import SourceAlias
from verification.desk.evidence import preview_response
from verification.evidence import previews
from verification.evidence.media_review import build_mediareviews
from verification.evidence.published import for_readers, published_evidence
from verification.models import Appearance, Attribution, Claim, ClaimEvent, Correction, Verdict
from verification.workflow.claimreview import author_source, claimreviews_by_language, jsonld_script
from verification.workflow.translations import for_readers as current_translations


def _label(verdict: str) -> str:
    return Verdict(verdict).label if verdict in Verdict.values else verdict


def corrections(claim: Claim) -> list[dict]:
    """Each earlier published verdict, with when and why it was replaced, and
    each approved text correction, in the order they happened."""
    verdicts = list(
        claim.events.filter(kind=ClaimEvent.Kind.PUBLISHED)
        .order_by("created_at", "id")
        .values("verdict", "confidence", "created_at", "note")[:50]
    )
    replaced = [
        {
            "kind": "verdict",
            "verdict": _label(row["verdict"]),
            "confidence": row["confidence"],
            "published": row["created_at"],
            "replaced": later["created_at"],
            "note": later["note"],
        }
        for row, later in zip(verdicts, verdicts[1:])
    ]
    return sorted(replaced + text_corrections(claim), key=lambda item: item["replaced"])


def text_corrections(claim: Claim) -> list[dict]:
    """Approved corrections of the text; no query for a claim never corrected."""
    if claim.corrected_at is None:
        return []
    rows = claim.corrections.filter(outcome=Correction.Outcome.APPROVED).order_by("decided_at", "id")
    return [
        {"kind": "text", "replaced": row["decided_at"], "note": row["reason"], "old_text": row["old_text"]}
        for row in rows.values("decided_at", "reason", "old_text")[:50]
    ]


def public_claim(request, pk: int):
    claim = get_object_or_404(
        Claim.objects.exclude(published_assessment=None)
        .select_related("published_assessment")
        .prefetch_related(
            # The same rows feed the page and the ClaimReview builder.
            Prefetch("attributions", Attribution.objects.select_related("source", "relays__source")),
            Prefetch("appearances", Appearance.objects.order_by("id")),
        ),
        pk=pk,
    )
    wanted = wanted_languages(request)
    # The page's own words in the reader's language when we have it, whatever its content is in.
    interface = interface_language(wanted)
    with translation.override(interface):
        response = _public_page(request, claim, wanted)
    response["Content-Language"] = interface
    return response


def _public_page(request, claim: Claim, wanted: list[str]):
    translations = current_translations(claim)
    reading = reader_language(claim, translations, wanted)
    attributions = list(claim.attributions.all())
    names = names_by_language(attributions)
    shown = _primary(reading["language"])
    for a in attributions:  # each source as readers of the page's language know it
        a.shown_name = names.get((a.source_id, shown), a.source.name)
        if a.relays_id:
            a.relays_shown_name = names.get((a.relays.source_id, shown), a.relays.source.name)
    author = author_source(attributions)
    author_names = {
        language: names[key]
        for language in translations
        if author is not None and (key := (author.pk, _primary(language))) in names
    }
    reviews = claimreviews_by_language(claim, translations, author_names)
    evidence = for_readers(claim)
    media_reviews = build_mediareviews(claim, evidence)
    context = {
        "claim": claim,
        "assessment": claim.published_assessment,
        "reading": reading,
        "attributions": attributions,
        "appearances": list(claim.appearances.all())[:20],
        "evidence": evidence,
        "corrections": corrections(claim),
        "organisation": settings.ORGANISATION_NAME,
        # One object as before when the claim has no translation; a list of one per language when it has.
        "jsonld": jsonld_script(reviews[0] if len(reviews) == 1 else reviews),
        # Beside it, in a script of its own: one MediaReview per rated media item the page lists.
        "media_jsonld": jsonld_script(media_reviews[0] if len(media_reviews) == 1 else media_reviews)
        if media_reviews
        else "",
    }
    response = render(request, "verification/public_claim.html", context)
    patch_vary_headers(response, ["Accept-Language"])  # the language shown follows it
    return response


def wanted_languages(request) -> list[str]:
    """The reader's languages, first choice first: ``?lang=`` if given, else the browser's Accept-Language."""
    asked = (request.GET.get("lang") or "").strip().lower()[:16]
    header = request.headers.get("Accept-Language", "")
    wanted = [asked] if asked else [tag for tag, _ in parse_accept_lang_header(header)]
    return [tag.lower() for tag in wanted if tag != "*"][:10]


def interface_language(wanted: list[str]) -> str:
    """The first of the reader's languages the page's words are translated into (settings.LANGUAGES), else English."""
    ours = [code for code, _ in settings.LANGUAGES]
    return next((found for tag in wanted if (found := _match(tag, ours))), settings.LANGUAGE_CODE)


def reader_language(claim, translations: dict, wanted: list[str]) -> dict:
    """Which language the claim and its verdict are shown in: the first of the
    reader's languages that the claim has (the original or a current
    translation; ``en-GB`` takes ``en``). When the reader's first choice is not
    there, the original is shown and the page says so. Language names are in
    the active (interface) language; the links to the others in their own."""
    original = claim.language
    available = [original, *sorted(translations)]
    shown = next((found for tag in wanted if (found := _match(tag, available))), original)
    first = _match(wanted[0], available) if wanted else original
    translation = translations.get(shown)
    return {
        "language": shown,
        "text": translation.text if translation else claim.public_text,
        "rationale": translation.rationale if translation else claim.published_assessment.rationale,
        "translated_from": _name(original) if translation else None,
        # The reader asked first for a language we do not have: say the original stands in.
        "missing": _name(wanted[0]) if wanted and first is None and shown == original else None,
        "original": _name(original),
        "others": [(code, _name(code, key="name_local")) for code in available if code != shown],
    }


def names_by_language(attributions) -> dict[tuple[int, str], str]:
    """(source id, language) → the name readers of that language know the
    source by (sources.models.Source.name_in), for every source the claim's
    attributions name: one query, none for a claim without attributions."""
    ids = {a.source_id for a in attributions} | {a.relays.source_id for a in attributions if a.relays_id}
    if not ids:
        return {}
    rows = SourceAlias.objects.filter(source_id__in=ids).exclude(language="")
    return {
        (source, _primary(language)): name
        for source, language, name in rows.values_list("source_id", "language", "name")
    }


def _name(code: str, key: str = "name_translated") -> str:
    """A language's name in the active language (or, with name_local, in its own); the tag if Django has none."""
    try:
        return str(get_language_info(code)[key])
    except KeyError:
        return code


def _primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def _match(tag: str, available: list[str]) -> str | None:
    primary = tag.split("-")[0]
    return next((code for code in available if code == tag), None) or next(
        (code for code in available if code.split("-")[0] == primary), None
    )


def evidence_preview(request, pk: int, evidence_pk: int):
    """The preview of an item the published verdict weighed, for anyone; 404 for
    any other (an unpublished claim's, or one added since the verdict)."""
    evidence = get_object_or_404(published_evidence(pk), pk=evidence_pk)
    response = preview_response(previews.cover(evidence), evidence, request.GET.get("size", ""))
    response["Cache-Control"] = "public, max-age=300"
    return response
