"""URL normalisation, so an article URL matches however a client spells it, and
the one check of a web address that people type (evidence, intake, webhooks):
each kind of bad address gets one message, whichever form, page or API call
it came through."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

URL_MAX_CHARS = 2000
# One message per kind of bad address, defined here only.
BAD_URL = gettext_lazy(
    "Give a full web address starting with http:// or https://, e.g. https://example.org/news/1 "
    "(copy it from the browser's address bar)."
)
URL_CHARACTERS = gettext_lazy(
    'A web address has no spaces, control characters or any of <>"{}|\\^`, and “%” only before '
    "two hex digits (copy it from the browser's address bar)."
)
LONG_URL = format_lazy(
    gettext_lazy("Give an address of at most {limit} characters (the part after ? can often go)."), limit=URL_MAX_CHARS
)
URL_ERRORS = {"invalid": BAD_URL, "max_length": LONG_URL}  # error_messages= of a form or serializer field

# Tracking parameters never change which article a URL names.
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ref", "igshid")


def normalise_url(url: str) -> str:
    """Drop the scheme (http and https name the same article), lower-case the
    host, drop default ports, fragments, tracking parameters, 'www.' and a
    trailing slash; sort the remaining query."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    )
    # Scheme is dropped: http and https copies of an article are the same article.
    return urlunsplit(("", netloc, path, urlencode(query), "")).lstrip("/")


# Anywhere: controls, spaces, surrogates, non-characters and what RFC 3987 excludes; a % not escaping a byte.
_NEVER_IN_IRI = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]|%(?![0-9A-Fa-f]{2})')


def is_iri(value: str) -> bool:
    """Whether ``value`` holds only characters an IRI (RFC 3987) may hold where
    it holds them: brackets only around an IPv6 host. Cyrillic hosts and paths are welcome."""
    if _NEVER_IN_IRI.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return True  # URLValidator refuses it with its own message
    after_host = parts.path + parts.query + parts.fragment
    return "[" not in after_host and "]" not in after_host


class WebURLValidator(URLValidator):
    """An http or https address, its faults told in the messages above: a
    character no address holds, or anything else. Length is the field's
    max_length to say (with LONG_URL), so an over-long address gets one message."""

    def __init__(self):
        super().__init__(schemes=["http", "https"], message=BAD_URL)

    def __call__(self, value):
        if isinstance(value, str) and len(value) > URL_MAX_CHARS:
            return
        if isinstance(value, str) and not is_iri(value):
            raise ValidationError(URL_CHARACTERS, code="invalid_characters")
        super().__call__(value)


def check_web_url(value: str) -> str:
    """``value`` stripped, or ValidationError with the one message for its fault."""
    value = (value or "").strip()
    if len(value) > URL_MAX_CHARS:
        raise ValidationError(LONG_URL, code="max_length")
    WebURLValidator()(value)
    return value
