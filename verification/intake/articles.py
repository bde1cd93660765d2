"""What intake accepts as an article: checks on pasted text, and a web page read as text.

``check_text`` refuses, with a message saying what to do, text that is empty,
too large, not an article (menus, markup, headlines only) or in several
languages at once: the extractor reads English news copy, and a paste that
mixes an English article with a Ukrainian one would give half-read claims.
``read_url`` fetches a page through the SSRF-safe fetcher and keeps its main
text (``extraction.html_to_text``: no scripts, styles, navigation, headers,
footers or related links).
"""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from django.utils.translation import gettext

from verification.evidence.fetching import FetchError, FetchFailed, FetchPolicy, fetch
from verification.intake.extraction import article_sentences, html_to_text


class IntakeRefused(ValueError):
    """The input cannot become proposals; ``str()`` tells the submitter why and what to do."""

    def __init__(self, message: str, code: str = "invalid_article", transient: bool = False):
        super().__init__(message)
        self.code, self.transient = code, transient


# --- Pasted text -----------------------------------------------------------------

# A share of other-script letters above this is a second language, not a quoted name.
MAX_OTHER_SCRIPT_SHARE = 0.15
# English function words: a paragraph of 12+ words with fewer than this share of
# them is in another Latin-script language (Spanish, German, transliterated Ukrainian...).
MIN_ENGLISH_SHARE = 0.12
_ENGLISH = frozenset(
    "the a an of to in on at for from by with and or but is are was were be been has have had "
    "it its this that these those he she they his her their we our you not as will would said "
    "says after before about over into than more who which".split()
)
_WORD_RE = re.compile(r"[^\W\d_]+")
_SCRIPTS = (  # (first code point, last code point, name), for the letters that matter in news copy
    (0x0041, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x3040, 0x30FF, "Japanese"),
    (0x4E00, 0x9FFF, "Chinese"),
    (0xAC00, 0xD7AF, "Korean"),
)


def size_label(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def check_size(n_bytes: int) -> None:
    limit = settings.INTAKE_MAX_BYTES
    if n_bytes > limit:
        raise IntakeRefused(
            gettext(
                "The text is %(n_bytes)s, over the intake limit of %(limit)s (CLAIMDESK_INTAKE_MAX_BYTES). "
                "Paste one article at a time."
            )
            % {"n_bytes": size_label(n_bytes), "limit": size_label(limit)},
            code="too_large",
        )


def check_text(text: str) -> str:
    """The text, stripped, if intake can read it; IntakeRefused otherwise.

    1. not empty; 2. not over INTAKE_MAX_BYTES; 3. has article sentences;
    4. in one language, and that language English."""
    text = (text or "").strip()
    if not text:
        raise IntakeRefused(
            gettext("The text is empty: paste the body of a news article, or give its URL."), code="empty"
        )
    check_size(len(text.encode("utf-8")))
    if not article_sentences(text):
        raise IntakeRefused(
            gettext(
                "No article sentences found: the text looks like menus, links or headlines only. Paste the "
                "body of the article (its paragraphs) instead."
            ),
            code="not_an_article",
        )
    _check_language(text)
    return text


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        name = next((n for lo, hi, n in _SCRIPTS if lo <= code <= hi), "other")
        counts[name] = counts.get(name, 0) + 1
    return counts


def _check_language(text: str) -> None:
    counts = _script_counts(text)
    letters = sum(counts.values()) or 1
    latin = counts.get("Latin", 0)
    other = max((n for n in counts if n != "Latin"), key=counts.get, default=None)
    if latin / letters <= MAX_OTHER_SCRIPT_SHARE:
        raise IntakeRefused(
            gettext(
                "The article is written in %(other)s script; intake reads English news copy only. Paste an "
                "English version of the article."
            )
            % {"other": other},
            code="unsupported_language",
        )
    if other and (letters - latin) / letters > MAX_OTHER_SCRIPT_SHARE:
        share = round(100 * (letters - latin) / letters)
        raise IntakeRefused(
            gettext(
                "The text mixes languages: about %(share)s%% of its letters are in %(other)s script and "
                "the rest in Latin. Intake reads one English article at a time: paste the English part "
                "only."
            )
            % {"share": share, "other": other},
            code="mixed_languages",
        )
    english, foreign = _english_words(text)
    total = english + foreign or 1
    if foreign / total > MAX_OTHER_SCRIPT_SHARE:
        if english / total < MAX_OTHER_SCRIPT_SHARE:
            raise IntakeRefused(
                gettext(
                    "The article does not look like English; intake reads English news copy only. Paste an "
                    "English version of the article."
                ),
                code="unsupported_language",
            )
        raise IntakeRefused(
            gettext(
                "The text mixes languages: about %(value)s%% of its words are in paragraphs that do not "
                "read as English. Paste the English article only."
            )
            % {"value": round(100 * foreign / total)},
            code="mixed_languages",
        )


def _english_words(text: str) -> tuple[int, int]:
    """Words in English paragraphs and words in paragraphs of another Latin-script language."""
    english = foreign = 0
    for block in re.split(r"\n\s*\n|(?<=[.!?])\s*\n", text):
        words = [w.lower() for w in _WORD_RE.findall(block)]
        if len(words) < 12:
            continue
        share = sum(w in _ENGLISH for w in words) / len(words)
        if share >= MIN_ENGLISH_SHARE:
            english += len(words)
        else:
            foreign += len(words)
    return english, foreign


# --- A web page ----------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def decode(body: bytes, declared_type: str) -> str:
    """The page as text: the charset the server declared, else the page's meta tag, else UTF-8."""
    candidates = re.findall(r"charset=[\"']?([\w.:-]+)", declared_type or "", re.I)
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    return body.decode("utf-8", errors="replace")


_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def read_url(url: str) -> tuple[str, str, str]:
    """(final URL, title, text) of the article at ``url``; IntakeRefused when it cannot be read.

    The fetch refuses internal addresses (see verification.evidence.fetching); pages that
    are not HTML or plain text are refused rather than guessed at."""
    policy = FetchPolicy(allow_loopback=settings.ALLOW_LOOPBACK_FETCH, max_bytes=settings.CAPTURE_MAX_BYTES)
    try:
        result = fetch(url, policy)
    except FetchError as exc:
        transient = isinstance(exc, FetchFailed) and exc.transient
        raise IntakeRefused(
            gettext("Could not read %(url)s: %(reason)s.") % {"url": url, "reason": exc.reason},
            code="fetch_failed",
            transient=transient,
        ) from exc
    try:
        with result.open() as handle:
            body = handle.read()
    finally:
        if result.body_path:
            result.body_path.unlink(missing_ok=True)
    if not result.content_type.startswith(_TEXT_TYPES):
        raise IntakeRefused(
            gettext(
                "%(result_final_url)s is %(value)s, not a web page. Give the address of the article's "
                "page, or paste its text."
            )
            % {"result_final_url": result.final_url, "value": result.content_type or "not text"},
            code="not_an_article",
        )
    text = decode(body, result.headers.get("content-type", ""))
    if result.content_type.startswith("text/plain"):
        return result.final_url, "", text
    title, text = html_to_text(text)
    return result.final_url, title, text
