"""Reading ClaimReview published elsewhere: files, feeds and pages to records.

Accepted, in JSON (UTF-8) or in an HTML page's ``<script type="application/ld+json">``
blocks:

* one ClaimReview object, or a list of them;
* an object with ``@graph`` (other node types in the graph are skipped);
* a schema.org ``DataFeed``, ClaimReviews under ``dataFeedElement[].item[]``,
  as Data Commons and Google publish them.

Each ClaimReview is mapped to the fields of ``ExternalReview``
(docs/external_reviews.md has the table). A record that cannot be imported
(no ``url`` or ``claimReviewed``, a date or number that does not parse, not a
ClaimReview where only ClaimReviews belong) becomes a ``RecordError`` naming
where it starts: the line in the file (for a feed, also its item number). Lines
are found only when something is wrong: the file is decoded once with the fast
C decoder, and again with a position-keeping one only to place the errors.

Nothing here writes; verification.workflow.external_reviews does, refusing
the whole import if any record is bad. ``read_url`` fetches a page or a feed
through the SSRF-safe fetcher (verification.evidence.fetching).
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.dateparse import parse_date, parse_datetime

from verification.evidence.fetching import FetchError, FetchPolicy, fetch
from verification.intake.articles import decode

# A feed read from a URL may be large; past this, download it and import the file.
URL_MAX_BYTES = 100 * 1024 * 1024
# Longest values kept in the bounded columns (``raw`` keeps the whole record).
_LIMITS = {"claimant": 500, "publisher_name": 300, "publisher_site": 253, "textual_rating": 300, "licence": 2000}
URL_MAX_LENGTH = 2000

JSONLD, DATAFEED, HTML = "jsonld", "datafeed", "html"  # ExternalReviewImport.Format values


@dataclass(frozen=True)
class RecordError:
    """One record (or the whole input, when ``where`` says so) that cannot be imported."""

    where: str  # "line 12", "item 3 (line 40)", "the file", the URL
    field: str  # the schema.org property at fault, "" for the whole record
    reason: str
    line: int | None = None

    def __str__(self):
        return f"{self.where}: {self.field + ': ' if self.field else ''}{self.reason}"


@dataclass
class Record:
    """One good ClaimReview: ExternalReview's fields, and the record as read."""

    fields: dict
    raw: dict


@dataclass
class Parsed:
    source: str  # the file name or URL, for the run record
    format: str
    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    repeated: int = 0  # records given twice, identically, in the same input: imported once
    # url -> (path, feed item, record, how to find its line): for URLs given twice, across a page's scripts too
    first_of: dict = field(default_factory=dict, repr=False)


# --- Entry points ------------------------------------------------------------------


def parse(data: bytes | str, source: str, base_url: str = "", declared_type: str = "") -> Parsed:
    """Records and errors from a file's or a response's content. ``base_url`` is
    the page's address when it came from the web: relative review URLs resolve
    against it, and a page's ClaimReview without ``url`` is taken to be the page.
    ``declared_type`` is the server's Content-Type, for a page's charset."""
    text = _as_text(data, declared_type) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if text is None:
        return Parsed(source, JSONLD, errors=[RecordError("the file", "", _NOT_UTF8)])
    start = text.lstrip(" \t\r\n")[:1]
    if start not in ("{", "[", "<"):
        return Parsed(source, JSONLD, errors=[RecordError("the file", "", _NEITHER)])
    parsed = _parse_html(text, source, base_url) if start == "<" else _parse_json(text, source, base_url)
    parsed.first_of.clear()  # its line finders hold the whole text
    return parsed


def read_url(url: str) -> Parsed:
    """Fetch ``url`` (refusing internal addresses) and parse what it holds."""
    policy = FetchPolicy(allow_loopback=settings.ALLOW_LOOPBACK_FETCH, max_bytes=URL_MAX_BYTES)
    try:
        result = fetch(url, policy)
    except FetchError as exc:
        return Parsed(url, JSONLD, errors=[RecordError(url, "", f"could not be read: {exc.reason}.")])
    try:
        with result.open() as handle:
            body = handle.read()
    finally:
        if result.body_path:
            result.body_path.unlink(missing_ok=True)
    return parse(body, url, base_url=result.final_url, declared_type=result.headers.get("content-type", ""))


_NOT_UTF8 = "is not UTF-8 text; JSON-LD is UTF-8 (save or export it as such)."
_NEITHER = "is neither JSON (it would start with { or [) nor an HTML page (it would start with <)."


def _as_text(data: bytes, declared_type: str) -> str | None:
    """JSON is UTF-8 (RFC 8259); a page may declare another charset, as intake reads it."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        return decode(data, declared_type)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# --- JSON --------------------------------------------------------------------------


def _parse_json(text: str, source: str, base_url: str) -> Parsed:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return Parsed(source, JSONLD, errors=[RecordError(where, "", f"not valid JSON: {exc.msg}.", exc.lineno)])
    fmt = DATAFEED if _is_feed(doc) else JSONLD
    parsed = Parsed(source, fmt)
    found = list(_walk(doc))
    if not found:
        parsed.errors.append(RecordError("the file", "", _NONE_FOUND))
    _collect(parsed, found, base_url, page=False, nul="\\u0000" in text, line_of=_LineFinder(text))
    return parsed


_NONE_FOUND = "holds no ClaimReview (no object with @type ClaimReview, no DataFeed items)."


def _is_feed(doc) -> bool:
    return isinstance(doc, dict) and "DataFeed" in _types(doc)


def _walk(doc, path=(), strict=True, counter=None):
    """Yield (path, node, feed item number or None, why it is not a record or "")
    for every ClaimReview in ``doc`` and every node that should have been one.

    ``strict``: where only ClaimReviews belong (a file of them, a feed's items),
    anything else is reported; in an ``@graph`` or a page, other nodes
    (WebPage, Organization...) are skipped."""
    counter = counter if counter is not None else [0]
    if isinstance(doc, list):
        for index, node in enumerate(doc):
            yield from _walk(node, (*path, index), strict, counter)
        return
    types = _types(doc) if isinstance(doc, dict) else []
    if "ClaimReview" in types:
        yield path, doc, None, ""
    elif "DataFeed" in types:
        for element_path, element in _entries(doc.get("dataFeedElement"), (*path, "dataFeedElement")):
            wrapper = isinstance(element, dict) and "item" in element and "ClaimReview" not in _types(element)
            items = _entries(element["item"], (*element_path, "item")) if wrapper else [(element_path, element)]
            for item_path, item in items:
                counter[0] += 1
                yield item_path, item, counter[0], _not_review(item)
    elif isinstance(doc, dict) and "@graph" in doc:
        yield from _walk(doc["@graph"], (*path, "@graph"), False, counter)
    elif strict:
        yield path, doc, None, _not_review(doc)


def _entries(value, path: tuple) -> list[tuple[tuple, object]]:
    """(path, entry) for a property that holds one entry or a list of them."""
    if isinstance(value, list):
        return [((*path, index), entry) for index, entry in enumerate(value)]
    return [] if value is None else [(path, value)]


def _not_review(node) -> str:
    """Why ``node`` is not a ClaimReview, or "" if it is one."""
    if not isinstance(node, dict):
        return f"is {type(node).__name__} {json.dumps(node)[:40]}, not a ClaimReview object"
    types = _types(node)
    if "ClaimReview" in types:
        return ""
    return f"@type is {', '.join(types)}, not ClaimReview" if types else "has no @type; a ClaimReview says so"


def _types(node: dict) -> list[str]:
    """@type as plain names: "schema:ClaimReview" and "https://schema.org/ClaimReview" are ClaimReview."""
    return [re.sub(r"^(https?://schema\.org/|schema:)", "", str(t)) for t in _listed(node.get("@type"))]


def _listed(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _collect(parsed: Parsed, found: list, base_url: str, page: bool, nul: bool, line_of: _LineFinder) -> None:
    """Map every found node into ``parsed``; place the bad ones by line
    (``line_of(path)`` in this document).

    A URL given twice with the same content is imported once; with different
    content it is an error, naming where the first one starts."""
    problems = []  # (path, item, property, reason, what it clashes with)
    for path, node, item, not_review in found:
        if not_review:
            problems.append((path, item, "", not_review, None))
            continue
        fields, bad = map_review(node, base_url=base_url, page=page)
        if bad:
            problems += [(path, item, name, reason, None) for name, reason in bad]
            continue
        record = Record(fields, _without_nul(node) if nul else node)
        earlier = parsed.first_of.setdefault(fields["url"], (path, item, record, line_of))
        if earlier[2] is record:
            parsed.records.append(record)
        elif earlier[2] == record:
            parsed.repeated += 1
        else:
            clash = "is also the url of {first}, which says something else; a review URL names one review."
            problems.append((path, item, "url", clash, earlier))
    for path, item, name, reason, clash in problems:
        if clash:
            other_path, other_item, _, other_line_of = clash
            reason = reason.format(first=_where(other_line_of(other_path), other_item))
        line = line_of(path)
        parsed.errors.append(RecordError(_where(line, item), name, reason, line))


def _where(line: int, item: int | None) -> str:
    return f"item {item} (line {line})" if item is not None else f"line {line}"


# --- Where records start -----------------------------------------------------------


class _LocatedDict(dict):
    """A decoded JSON object that remembers where each of its values starts."""

    offsets: dict


class _LocatedList(list):
    """A decoded JSON array that remembers where each of its values starts."""

    offsets: list


def _located_loads(text: str):
    """json.loads keeping the offset of every value in its container (``offsets``):
    the pure-Python scanner with its object and array parsers wrapped. Slower
    than json.loads, so used only to place errors."""
    decoder = json.JSONDecoder()

    def recording(scan_once, offsets):
        def scan(string, index):
            offsets.append(index)  # the scanners call this at each value's first character
            return scan_once(string, index)

        return scan

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        offsets = []
        pairs, end = json.decoder.JSONObject(s_and_end, strict, recording(scan_once, offsets), None, list, memo)
        located = _LocatedDict(pairs)
        located.offsets = dict(zip((key for key, _ in pairs), offsets, strict=True))
        return located, end

    def parse_array(s_and_end, scan_once):
        offsets = []
        values, end = json.decoder.JSONArray(s_and_end, recording(scan_once, offsets))
        located = _LocatedList(values)
        located.offsets = offsets
        return located, end

    decoder.parse_object, decoder.parse_array = parse_object, parse_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


class _LineFinder:
    """The line where each value of one JSON text starts, counting from ``first_line``.
    The text is decoded again, keeping positions, on first use only."""

    def __init__(self, text: str, first_line: int = 1):
        self.text, self.first_line, self._doc = text, first_line, None

    def __call__(self, path: tuple) -> int:
        if self._doc is None:
            self._doc = _located_loads(self.text)
        container, offset = self._doc, len(self.text) - len(self.text.lstrip())
        for step in path:
            offset = container.offsets[step]
            container = container[step]
        return self.first_line + self.text.count("\n", 0, offset)


# --- HTML pages --------------------------------------------------------------------


class _JsonLdScripts(HTMLParser):
    """The text of each <script type="application/ld+json">, with the page line it starts on."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[int, str]] = []
        self._open: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            line = self.getpos()[0] + (self.get_starttag_text() or "").count("\n")
            self._open = (line, [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.blocks.append((self._open[0], "".join(self._open[1])))
            self._open = None


# Wrappers some pages put around a script's JSON; blanked (same length) so offsets hold.
_WRAPPERS = re.compile(r"^\s*(<!--|//\s*<!\[CDATA\[)|(-->|//\s*\]\]>)\s*$")


def _parse_html(text: str, source: str, base_url: str) -> Parsed:
    reader = _JsonLdScripts()
    reader.feed(text)
    reader.close()
    parsed = Parsed(source, HTML)
    for line, block in reader.blocks:
        block = _WRAPPERS.sub(lambda m: " " * len(m.group(0)), block)
        if not block.strip():
            continue
        try:
            doc = json.loads(block)
        except json.JSONDecodeError as exc:
            at = line + exc.lineno - 1
            parsed.errors.append(
                RecordError(f"line {at}", "", f"this JSON-LD script is not valid JSON: {exc.msg}.", at)
            )
            continue
        found = list(_walk(doc, strict=False))
        nul = "\\u0000" in block
        _collect(parsed, found, base_url, page=True, nul=nul, line_of=_LineFinder(block, line))
    if not parsed.records and not parsed.errors:
        parsed.errors.append(RecordError("the page", "", "holds no ClaimReview in its application/ld+json scripts."))
    return parsed


# --- Mapping one ClaimReview ---------------------------------------------------------


def map_review(node: dict, base_url: str = "", page: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    """ExternalReview's fields from a ClaimReview, and (property, reason) for each problem."""
    problems: list[tuple[str, str]] = []
    claim = _text(node.get("claimReviewed"))
    if not claim:
        problems.append(("claimReviewed", "missing; a ClaimReview names the claim it reviews."))
    url = _review_url(node, base_url, page, problems)
    item = _first_dict(node.get("itemReviewed"))
    author = _first_dict(node.get("author")) or _first_dict(node.get("publisher"))
    rating = _first_dict(node.get("reviewRating"))
    author_url = _text(author.get("url") or author.get("@id"))
    fields = {
        "claim_reviewed": claim,
        "claimant": _name(item.get("author")),
        "claim_date": _date(item.get("datePublished"), "itemReviewed.datePublished", problems),
        "publisher_name": _name(node.get("author")) or _name(node.get("publisher")),
        "publisher_site": _host(author_url) or _host(url),
        "url": url,
        "title": _text(node.get("name")) or _text(node.get("headline")),
        "review_date": _date(node.get("datePublished"), "datePublished", problems),
        "textual_rating": _text(rating.get("alternateName")) or _text(rating.get("name")),
        "rating_value": _number(rating.get("ratingValue"), "reviewRating.ratingValue", problems),
        "rating_best": _number(rating.get("bestRating"), "reviewRating.bestRating", problems),
        "rating_worst": _number(rating.get("worstRating"), "reviewRating.worstRating", problems),
        "language": language_tag(node.get("inLanguage")),
        "licence": _text(node.get("sdLicense")),
    }
    for name, limit in _LIMITS.items():
        fields[name] = fields[name][:limit]
    return fields, problems


_SPACE = re.compile(r"\s")


def _is_web_address(url: str) -> bool:
    """Absolute http(s) with a host. (Django's URLValidator says the same of review
    URLs and took a third of the time of reading a 100,000-review feed.)"""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not _SPACE.search(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return False


def _review_url(node: dict, base_url: str, page: bool, problems: list) -> str:
    given = _text(node.get("url") or node.get("@id"))
    if not given and page and base_url:
        return base_url  # a page's own ClaimReview often leaves url out: it is the page
    url = urljoin(base_url, given) if base_url and given else given
    if not given:
        problems.append(("url", "missing; the review's address is what identifies it."))
    elif len(url) > URL_MAX_LENGTH:
        problems.append(("url", f"is {len(url)} characters long; at most {URL_MAX_LENGTH} are kept."))
    elif not _is_web_address(url):
        problems.append(("url", f"'{url[:100]}' is not an absolute http(s) URL."))
    return url


def _text(value) -> str:
    """A property's text: strings as given (trimmed), numbers written out, the
    first of a list, a JSON-LD value object's @value."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), "")
    if isinstance(value, dict):
        return _text(value.get("@value") if "@value" in value else value.get("@id"))
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).replace("\x00", "").strip()


def _first_dict(value) -> dict:
    return next((v for v in _listed(value) if isinstance(v, dict)), {})


def _name(value) -> str:
    """An author's name: a Person or Organization's ``name``, or a plain string."""
    for entry in _listed(value):
        name = _text(entry.get("name")) if isinstance(entry, dict) else _text(entry)
        if name:
            return name
    return ""


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _date(value, name: str, problems: list) -> datetime | None:
    """An ISO 8601 date or date-time; a date alone is midnight UTC, a time without offset is UTC."""
    text = _text(value)
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time(0), UTC)
    except ValueError:
        moment = None
    if moment is None:
        problems.append((name, f"'{text[:40]}' is not a date; use ISO 8601, e.g. 2024-03-01 or 2024-03-01T12:00:00Z."))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(value, name: str, problems: list) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        problems.append((name, f"{json.dumps(value)[:40]} is not a number."))
        return None
    return number


_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")
_BY_NAME = {
    name.lower(): code
    for code, info in LANG_INFO.items()
    if "name" in info
    for name in (info["name"], info["name_local"])
}


def language_tag(value) -> str:
    """inLanguage as a BCP 47 tag: a tag as given ("en", "pt-br" -> "pt-BR"), a
    Language object's alternateName or name, or a language's English or own name
    ("Ukrainian", "Українська" -> "uk"). Anything else is left blank (raw keeps it)."""
    if isinstance(value, list):
        return next((t for t in map(language_tag, value) if t), "")
    if isinstance(value, dict):
        return language_tag(value.get("alternateName")) or language_tag(value.get("name"))
    text = _text(value)
    if _TAG.match(text) and text.lower() not in _BY_NAME:
        return _canonical(text)
    return _canonical(_BY_NAME.get(text.lower(), ""))


def _canonical(tag: str) -> str:
    """Case as BCP 47 writes it: language lower, script title, region upper."""
    parts = re.split(r"[-_]", tag) if tag else []
    out = parts[:1] and [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)[:35]


def _without_nul(value):
    """PostgreSQL's jsonb cannot hold U+0000; such characters carry nothing a reader needs.
    JSON can only hold one escaped, so this runs only for input that has "\\u0000"."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {k.replace("\x00", ""): _without_nul(v) for k, v in value.items()}
    return value
