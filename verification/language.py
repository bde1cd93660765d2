"""What language a claim is in, when whoever entered it did not say.

Detection runs offline with lingua (Rust n-gram models inside the wheel, no
download), limited to the desk's languages (``CLAIM_LANGUAGES``, by default
English, Ukrainian and Russian). Limiting it matters twice: it is more accurate
between Ukrainian and Russian, which share most letters, than a detector
choosing among 75 languages, and it loads only three models. lingua was chosen
on bench/language_dev_sentences.json over py3langid and langdetect, and is
measured on the blind set by ``python -m bench.language`` (docs/languages.md).

The high-accuracy models take about 100 MB and 1.5 s to load, once per process,
on the first claim it creates; a text with no letters ("11,000") falls back to
the first of the desk's languages.
"""

import re
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from sources.text import LANGUAGE_TAG

# A BCP 47 language tag as the desk takes one (sources.text.LANGUAGE_TAG, shared with source names).
USE_A_TAG = "use a BCP 47 tag such as uk, ru, en or en-GB."
BAD_TAG = "“{value}” is not a language tag: " + USE_A_TAG
NOT_A_TAG = "This is not a language tag: " + USE_A_TAG  # where the value is beside the message


def language_tag_error(value: str) -> str | None:
    """Why ``value`` is no language tag the desk takes, or None if it is one."""
    return None if re.fullmatch(LANGUAGE_TAG, value) else BAD_TAG.format(value=value[:20])


def normalise_tag(value: str) -> str:
    """``uk``, ``en-GB``: the language in lower case, as BCP 47 writes it (tags compare case-blind)."""
    language, *rest = value.strip().split("-")
    return "-".join([language.lower(), *rest])


def _language(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError:
        raise ImproperlyConfigured(
            f"CLAIMDESK_CLAIM_LANGUAGES names {code!r}, which the language detector does not know; "
            "use ISO 639-1 codes such as en,uk,ru."
        ) from None


@cache
def _detector():
    languages = [_language(code) for code in settings.CLAIM_LANGUAGES]
    if len(languages) == 1:  # lingua needs two to choose between; one language is always the answer
        return None
    # Loaded at once on the first call, not model by model on later ones, so no claim waits halfway.
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def detect_language(text: str) -> str:
    """The ISO 639-1 code (a BCP 47 tag) of the desk language ``text`` is most likely in."""
    detector = _detector()
    found = detector.detect_language_of(text) if detector else None
    return found.iso_code_639_1.name.lower() if found else settings.CLAIM_LANGUAGES[0]
