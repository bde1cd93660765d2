"""Rule-based extraction of checkable claims, and who made them, from news text.

``extract_claims(text)`` turns an article into ``ProposedClaim`` rows for a
reviewer to accept or discard. It is deliberately plain Python (no Django, no
models, no network) so it can run in a task, a test or ``python -m bench.intake``.

The pipeline:
1. validate the input (type, emptiness, size cap);
2. strip markup, drop headlines, bylines, captions and menus, split sentences;
3. per sentence, find attribution cues (speech verbs, "according to", denials,
   "could not confirm", released material) and the source each one points at,
   resolving "he", "the Center" or a bare surname through a running memory of
   sources already named;
4. classify the sentence (numbers, dates, events; opinion or not) and propose it
   if it carries something checkable, or an attributed opinion.

Step 2 reads a page's main text here (``html_to_text``, also used for pages
fetched by URL) and splits text into sentences in ``verification.intake.patterns``
(with the word lists); step 3 lives in ``verification.intake.reader``; steps 1
and 4 here. It is a first pass, tuned for English wire-style copy; see
bench/intake.py for how well it does, and bench/html_to_text.py for pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import trafilatura
from django.utils.translation import gettext
from lxml import etree

from sources.text import normalise_name
from verification.intake import patterns as P
from verification.intake.patterns import guess_source_kind
from verification.intake.reader import Found, Memory, SentenceReader

__all__ = [
    "ExtractionError",
    "ProposedAttribution",
    "ProposedClaim",
    "ROLES",
    "article_sentences",
    "extract_claims",
    "guess_source_kind",
    "html_to_text",
    "normalise_name",
]

ROLES = ("stated", "relayed", "released_material", "could_not_confirm", "denied", "opinion")
DEFAULT_MAX_CHARS = 1_000_000
# When one source gets several cues in a sentence, the most specific one wins:
# "Ryder stated that he could not confirm..." is a could_not_confirm.
_ROLE_RANK = {"denied": 5, "could_not_confirm": 4, "released_material": 3, "relayed": 2, "stated": 1, "opinion": 0}
_FACT_ROLES = {"denied", "could_not_confirm", "released_material"}
_ROLE_REASON = {"denied": "denial", "could_not_confirm": "unverified", "released_material": "released_material"}


class ExtractionError(ValueError):
    """The text cannot be read as an article; the message says what to do."""


@dataclass
class ProposedAttribution:
    name: str
    role: str
    title: str = ""
    quote: str = ""
    kind: str = "other"


@dataclass
class ProposedClaim:
    text: str
    sentence_index: int
    is_opinion: bool = False
    checkable_reasons: list[str] = field(default_factory=list)
    attributions: list[ProposedAttribution] = field(default_factory=list)


def extract_claims(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[ProposedClaim]:
    """Propose the checkable claims in an article, with their sources.

    ``sentence_index`` counts the article's sentences after headlines, bylines
    and captions are dropped. A sentence repeated verbatim (a standfirst that
    reappears in the body) is proposed once.
    """
    _validate(text, max_chars)
    sentences = article_sentences(text)
    if not sentences:
        raise ExtractionError(
            gettext(
                "No article sentences found: the text looks like menus, markup or headlines only. Paste "
                "the body of the article instead."
            )
        )
    memory = Memory()
    claims: list[ProposedClaim] = []
    seen: set[str] = set()
    for index, sentence in enumerate(sentences):
        claim = _claim_for(sentence, index, memory)
        key = " ".join(sentence.casefold().split())
        if claim is not None and key not in seen:
            claims.append(claim)
        seen.add(key)
    return claims


def _validate(text: str, max_chars: int) -> None:
    if not isinstance(text, str):
        raise ExtractionError(
            gettext("Expected the article as text (str), got %(name)s; decode it first.")
            % {"name": type(text).__name__}
        )
    if len(text) > max_chars:
        raise ExtractionError(
            gettext(
                "The text is %(count)s characters, over the limit of %(max_chars)s. Submit one article at "
                "a time, or raise max_chars."
            )
            % {"count": format(len(text), ","), "max_chars": format(max_chars, ",")}
        )
    if not text.strip():
        raise ExtractionError(gettext("The text is empty: paste the article body to extract claims."))


# --- A page to text, text to sentences -------------------------------------------------

# Pasted text holding a tag or an entity is read as a page, or a piece of one.
_MARKUP_RE = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_BLOCK_MARKUP_RE = re.compile(
    r"<(?:html|body|article|main|section|div|p|br|h[1-6]|ul|ol|li|table|tr|blockquote)\b", re.I
)
# The elements of trafilatura's XML that hold blocks of text; a table <row> is one line.
_BLOCK_TAGS = frozenset("p head item quote list table".split())


def html_to_text(page: str) -> tuple[str, str]:
    """(title, text) of a page: its main text, paragraphs separated by blank lines,
    a <br> kept as a line break; no navigation, header, footer, share buttons,
    related links, cookie banner, script or style.

    trafilatura finds the main text (``python -m bench.html_to_text`` compares it with
    the html.parser stripper it replaced). It is given markup, never a URL, so it
    fetches nothing. ``favor_precision``: on the bench it keeps every sentence either
    way, and it leaves out page furniture the default keeps (a <header> paragraph),
    which would otherwise become claims for a reviewer to discard. Reader comments
    are not the article. The title is the page's own <title>.
    """
    if "<html" not in page[:2000].lower():
        if not _BLOCK_MARKUP_RE.search(page):
            # Text with inline tags only: its blank lines are its paragraphs, its newlines its lines.
            page = "".join(f"<p>{block.strip().replace(chr(10), '<br>')}</p>" for block in re.split(r"\n\s*\n", page))
        page = f"<html><body>{page}</body></html>"  # trafilatura refuses a bare fragment
    tree = trafilatura.load_html(page)
    if tree is None:
        return "", ""
    title = " ".join((tree.findtext(".//title") or "").split())[:500]
    xml = trafilatura.extract(tree, output_format="xml", favor_precision=True, include_comments=False)
    main = etree.fromstring(xml.encode()).find("main") if xml else None
    if main is None:
        return title, ""
    for br in main.iter("lb"):
        br.text = "\n"
    blocks: list[str] = []
    _collect_blocks(main, blocks)
    return title, "\n\n".join(b for b in blocks if b)


def _collect_blocks(element, blocks: list[str]) -> None:
    """Append the text of each paragraph, heading, list item, quotation and table row
    under ``element`` to ``blocks``, in order; a row is one line of its cells."""
    own = [element.text or ""]
    for child in element:
        if child.tag == "row":
            blocks.append(_clean(own))
            blocks.append(" ".join(" ".join(child.itertext()).split()))
            own = []
        elif child.tag in _BLOCK_TAGS:
            blocks.append(_clean(own))
            _collect_blocks(child, blocks)
            own = []
        else:
            own.append("".join(child.itertext()))
        own.append(child.tail or "")
    blocks.append(_clean(own))


def _clean(parts: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def article_sentences(text: str) -> list[str]:
    """The sentences of an article's body, cleaned, in order (``patterns.text_sentences``);
    of a page's main text (``html_to_text``) when the text is markup."""
    if _MARKUP_RE.search(text):
        text = html_to_text(text)[1]
    return P.text_sentences(text)


# --- Attributions and classification ------------------------------------------

_QUOTE_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]+)’|(?<!\w)'([^']+)'(?!\w)")


def _quotes(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of each quotation; the comma that hands a quote over to
    its attribution ("...drones," said X) belongs to the sentence, not the quote."""
    found = []
    for m in _QUOTE_RE.finditer(sentence):
        words = next(g for g in m.groups() if g is not None).strip().rstrip(",;:").rstrip()
        found.append((m.start(), m.end(), words))
    return found


def _attributions(found: list[Found], sentence: str) -> list[ProposedAttribution]:
    """One attribution per source; the main clause and the most specific role win;
    each quotation goes to the source whose cue is nearest."""
    best: dict[str, Found] = {}
    anchors: dict[str, list[int]] = {}
    for f in found:
        key = normalise_name(f.source.name)
        anchors.setdefault(key, []).append(f.anchor)
        rank = (not f.subordinate, _ROLE_RANK[f.role])
        if key not in best or rank > (not best[key].subordinate, _ROLE_RANK[best[key].role]):
            best[key] = f
    quoted: dict[str, list[str]] = {key: [] for key in best}
    for start, end, words in _quotes(sentence) if best else []:
        key = min(anchors, key=lambda k: min(start - a if a <= start else a - end for a in anchors[k]))
        quoted[key].append(words)
    result = []
    for key, f in best.items():
        result.append(
            ProposedAttribution(
                name=f.source.name, role=f.role, title=f.source.title, quote=" … ".join(quoted[key]), kind=f.source.kind
            )
        )
    return result


def _checkable_reasons(sentence: str, roles: set[str]) -> list[str]:
    reasons = []
    # An age in apposition ("Marta Sousa, 29, a teacher") is not a figure to check.
    figures = P.AGE_RE.sub(" ", P.DATE_RE.sub(" ", sentence))
    if P.NUMBER_RE.search(figures):
        reasons.append("number")
    if P.DATE_RE.search(sentence):
        reasons.append("date")
    if P.EVENT_RE.search(sentence):
        reasons.append("event")
    reasons += [_ROLE_REASON[r] for r in ("released_material", "could_not_confirm", "denied") if r in roles]
    if "unverified" not in reasons and P.UNVERIFIED_PASSIVE_RE.search(sentence):
        reasons.append("unverified")
    return reasons


def _is_opinion(sentence: str, reasons: list[str], roles: set[str]) -> bool:
    """Calls to action and declared beliefs are opinion outright; evaluative words
    and bare quotations only when nothing checkable (a number, a date, an event)
    outweighs them."""
    if roles & _FACT_ROLES:
        return False
    if sentence.startswith(('"', "“", "‘", "'")):
        # The quotation is the claim; "said X, 29, who moved last year" is not.
        reasons = _checkable_reasons(" ".join(q for _, _, q in _quotes(sentence)), set())
    if P.STRONG_OPINION_RE.search(sentence):
        return True
    if "number" in reasons or "date" in reasons:
        return False
    if P.JUDGEMENT_RE.search(sentence):
        return True
    # A sentence that opens with a quotation is that quotation, however long
    # the attribution after it ("..., said X, chief economist at Y").
    quoted = sentence.startswith(('"', "“", "‘", "'")) or (
        sum(len(q) for _, _, q in _quotes(sentence)) >= 0.5 * len(sentence)
    )
    weak_quoted = any(P.WEAK_OPINION_RE.search(q) for _, _, q in _quotes(sentence))
    if P.WEAK_OPINION_RE.search(sentence) and ("event" not in reasons or quoted or weak_quoted):
        return True
    return quoted and "event" not in reasons


def _claim_for(sentence: str, index: int, memory: Memory) -> ProposedClaim | None:
    attributions = _attributions(SentenceReader(sentence, memory).read(), sentence)
    roles = {a.role for a in attributions}
    reasons = _checkable_reasons(sentence, roles)
    opinion = _is_opinion(sentence, reasons, roles)
    if opinion:
        for a in attributions:
            if a.role in ("stated", "relayed"):
                a.role = "opinion"
    if not attributions and not reasons:
        return None
    if attributions and not reasons and not opinion:
        # What a named source asserts is worth checking even without a figure.
        reasons.append("attributed")
    return ProposedClaim(
        text=sentence, sentence_index=index, is_opinion=opinion, checkable_reasons=reasons, attributions=attributions
    )
