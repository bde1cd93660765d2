"""Translations of a published verdict for readers (docs/languages.md).

An editor writes the claim's text and the rationale in another language; the
public page shows the reader's language when a current translation exists and
emits one ClaimReview per language. ``translate`` follows the steps of
verification.workflow.transitions: check the right and the input, lock the
claim, check the version the editor read, write the row and one ClaimEvent
through ``history.record``. Nothing is enqueued: readers see it on their next
visit, and webhooks announce verdicts, not their translations.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from verification.language import language_tag_error, normalise_tag
from verification.models import Claim, ClaimEvent, VerdictTranslation
from verification.workflow.errors import NotPublished, require_permission, stale_version
from verification.workflow.history import record

PERMISSION = "verification.add_verdicttranslation"
# As long as a claim's text may be (CLAIMDESK_CLAIM_MAX_CHARS is smaller), and a rationale.
MAX_CHARS = 20000


def translate(actor, claim_id: int, *, language: str, text: str, rationale: str, expected_version: int):
    """Add or replace the ``language`` translation of ``claim_id``'s published
    verdict. Returns the translation; an unchanged one is returned as it is."""
    require_permission(actor, PERMISSION, "translate published verdicts (editors can)")
    language, text, rationale = _checked(language, text, rationale)
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
        if claim is None:
            raise Claim.DoesNotExist(gettext("Claim %(claim_id)s does not exist.") % {"claim_id": claim_id})
        if claim.published_assessment_id is None:
            raise NotPublished(
                gettext(
                    "Claim %(claim_id)s has no published verdict yet: translations are of what readers see, so "
                    "add one after the sign-off."
                )
                % {"claim_id": claim_id}
            )
        if normalise_tag(claim.language) == language:
            raise ValidationError(
                {
                    "language": [
                        gettext("The claim is already in “%(language)s”: choose another language.")
                        % {"language": language}
                    ]
                }
            )
        existing = VerdictTranslation.objects.filter(claim=claim, language=language).first()
        current = {"text": text, "rationale": rationale, "assessment_id": claim.published_assessment_id}
        if existing and all(getattr(existing, k) == v for k, v in current.items()) and existing.is_current(claim):
            return existing  # the same form sent again
        if claim.version != expected_version:
            raise stale_version(claim, expected_version)
        translation, created = VerdictTranslation.objects.update_or_create(
            claim=claim,
            language=language,
            defaults={**current, "of_text": claim.public_text, "translated_by": actor, "updated_at": timezone.now()},
        )
        record(
            claim,
            ClaimEvent.Kind.TRANSLATED,
            actor,
            changes={"language": language, "text": text, "rationale": rationale, "replaced": not created},
        )
        return translation


def for_readers(claim) -> dict[str, VerdictTranslation]:
    """The translations that still say what readers see, by language."""
    return {t.language: t for t in claim.translations.all() if t.is_current(claim)}


def _checked(language: str, text: str, rationale: str) -> tuple[str, str, str]:
    language, text, rationale = (language or "").strip(), (text or "").strip(), (rationale or "").strip()
    errors = {}
    if bad := language_tag_error(language):
        errors["language"] = [bad]
    for name, value, what in (
        ("text", text, gettext("the claim's text")),
        ("rationale", rationale, gettext("the rationale")),
    ):
        if not value:
            errors[name] = [gettext("Write %(what)s in the translation's language: it is empty.") % {"what": what}]
        elif len(value) > MAX_CHARS:
            errors[name] = [
                gettext("At most %(max_chars)s characters; this has %(count)s.")
                % {"max_chars": MAX_CHARS, "count": len(value)}
            ]
        elif "\x00" in value:
            errors[name] = [gettext("It contains a NUL character; remove it and send it again.")]
    if errors:
        raise ValidationError(errors)
    return normalise_tag(language), text, rationale
