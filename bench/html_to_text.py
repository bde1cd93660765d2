"""Which HTML-to-text step reads a news page best? The article-extraction step alone, then end to end.

Run from the repository root::

    python -m bench.html_to_text                      # bench/intake_stories.json
    python -m bench.html_to_text other_stories.json   # any file in bench.intake's format

Each story is rendered into a news page the way sites build them: a cookie
banner, a header with a tagline, navigation, share buttons, a newsletter
promotion, related-story links (other stories' headlines, some with a teaser
sentence), a footer, a script and a style block. Four layouts take turns:

* ``semantic``: ``<header>``, ``<nav>``, ``<article>`` of ``<p>``, ``<aside>``, ``<footer>``;
* ``div-soup``: the same content in ``<div class="...">`` only, paragraphs included;
* ``inline-junk``: an ``<article>`` that itself holds the share bar, the
  newsletter promotion, a "read more" list and a figure caption;
* ``main-section``: ``<main><section>`` of ``<p>``, no ``<article>``, a
  ``role="navigation"`` menu and a sidebar of related links.

Every candidate turns each page into text, scored three ways:

1. sentence recall: the story's sentences (``article_sentences`` of its plain
   text) found, normalised with ``normalise_name``, in the extracted text;
2. boilerplate leaked: the planted strings (navigation, header, share,
   newsletter, related, cookie, footer, script/style) found in the text;
3. end to end: the text goes through the real extractor and bench.intake's
   scoring (``bench.intake.score_story`` and ``metrics``), beside the plain
   story text (the ceiling) and the raw page pasted as it is.

It prints a table per measure and, as its last line, one JSON object keyed by
candidate. ``retired-parser`` is the html.parser stripper intake used before
trafilatura replaced it, kept here only so the comparison can be rerun.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import trafilatura

from bench.intake import DEFAULT_STORIES, Counts, load_stories, metrics, score_story
from verification.intake.extraction import article_sentences, html_to_text, normalise_name

LAYOUTS = ("semantic", "div-soup", "inline-junk", "main-section")
SITE = "The Daily Meridian"
BOILERPLATE = {
    "navigation": ["Climate Desk", "Puzzles and Games", "Newsletters and Podcasts"],
    "header": ["Independent journalism from the Meridian newsroom since 1921."],
    "share": ["Share on Facebook", "Share on WhatsApp", "Copy link to this story"],
    "newsletter": ["Sign up for the Morning Briefing to get the top stories in your inbox every weekday."],
    "cookie": [
        "We use cookies to personalise content and ads, and to analyse our traffic.",
        "Accept all cookies",
    ],
    "footer": [
        f"© 2024 {SITE}. All rights reserved.",
        f"{SITE} is not responsible for the content of external websites.",
        "Contact the newsroom",
    ],
    "script/style": ["window.dataLayer", "position: fixed"],
}
SCRIPT = "window.dataLayer = window.dataLayer || []; dataLayer.push({event: 'article_view', words: 412});"
STYLE = ".cookie-consent { position: fixed; bottom: 0 } .share a { margin: 0 4px }"


# --- Pages ---------------------------------------------------------------------------


def _paragraphs(block: str, rng: random.Random) -> list[str]:
    """The block cut into paragraphs of one to three sentences, only where a sentence ends."""
    ends = [normalise_name(s) for s in article_sentences(block)]
    if len(ends) < 2:
        return [block]
    pieces = re.split(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“A-Z0-9])", " ".join(block.split()))
    paragraphs, current, wanted, done = [], "", rng.randint(1, 3), 0
    for piece in pieces:
        current = f"{current} {piece}".strip()
        norm = normalise_name(current)
        done = sum(1 for e in ends if e and e in norm)
        if done >= wanted and any(norm.endswith(e) for e in ends if e):
            paragraphs.append(current)
            current, wanted = "", rng.randint(1, 3)
    return paragraphs + ([current] if current else [])


def _teasers(stories: list[dict], i: int) -> list[tuple[str, str]]:
    """(headline, teaser sentence or "") of three other stories."""
    out = []
    for k, other in enumerate(stories[i + 1 : i + 4] + stories[: max(0, i + 4 - len(stories))]):
        headline, _, rest = other["text"].partition("\n\n")
        sentences = article_sentences(rest)
        out.append((headline.strip(), sentences[0] if sentences and k != 1 else ""))
    return out


def render(story: dict, stories: list[dict], i: int) -> tuple[str, str, list[tuple[str, str]]]:
    """(layout, page, planted boilerplate as (category, string)) for the i-th story."""
    rng = random.Random(f"{story['id']}-{i}")
    layout = LAYOUTS[i % len(LAYOUTS)]
    headline, _, body = story["text"].partition("\n\n")
    blocks = [p for block in body.split("\n\n") if block.strip() for p in _paragraphs(block, rng)]
    teasers = _teasers(stories, i)
    planted = [(cat, s) for cat, strings in BOILERPLATE.items() for s in strings]
    planted += [("related", h) for h, _ in teasers] + [("related", t) for _, t in teasers if t]
    e = html.escape
    nav_items = ["World", "Politics", *BOILERPLATE["navigation"], "Business"]
    nav = "<ul>" + "".join(f'<li><a href="/{k}">{e(n)}</a></li>' for k, n in enumerate(nav_items)) + "</ul>"
    share = '<div class="share">' + "".join(f'<a href="#s">{e(s)}</a>' for s in BOILERPLATE["share"]) + "</div>"
    promo = f'<div class="newsletter-promo"><p>{e(BOILERPLATE["newsletter"][0])}</p><a href="/nl">Sign up</a></div>'
    related = "".join(
        f'<li><a href="/r{k}">{e(h)}</a>' + (f"<p>{e(t)}</p>" if t else "") + "</li>"
        for k, (h, t) in enumerate(teasers)
    )
    cookie = (
        f'<div id="cookie-banner" class="cookie-consent"><p>{e(BOILERPLATE["cookie"][0])}</p>'
        f"<button>{e(BOILERPLATE['cookie'][1])}</button></div>"
    )
    tagline = f'<p class="tagline">{e(BOILERPLATE["header"][0])}</p>'
    footer = "".join(f"<p>{e(s)}</p>" for s in BOILERPLATE["footer"][:2]) + (
        f'<a href="/contact">{e(BOILERPLATE["footer"][2])}</a> <a href="/privacy">Privacy policy</a>'
    )
    paras = [f"<p>{e(p)}</p>" for p in blocks]
    if layout == "semantic":
        body_html = (
            f'{cookie}<header class="site-header"><a class="logo" href="/">{SITE}</a>{tagline}</header>'
            f'<nav class="main-nav">{nav}</nav><main><article><h1>{e(headline)}</h1>{share}{"".join(paras)}</article>'
            f'<aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside>{promo}</main>'
            f"<footer>{footer}</footer>"
        )
    elif layout == "div-soup":
        divs = "".join(f'<div class="para">{e(p)}</div>' for p in blocks)
        body_html = (
            f'<div class="site-header"><a class="logo" href="/">{SITE}</a>{tagline}</div><div class="menu">{nav}</div>'
            f'<div class="story"><div class="headline">{e(headline)}</div>{share}<div class="story-body">{divs}</div>'
            f'</div><div class="related-links"><div>Related stories</div><ul>{related}</ul></div>{promo}'
            f'<div class="site-footer">{footer}</div>{cookie}'
        )
    elif layout == "inline-junk":
        half = max(1, len(paras) // 2)
        body_html = (
            f'{cookie}<header><a class="logo" href="/">{SITE}</a>{tagline}</header><nav>{nav}</nav>'
            f"<article><h1>{e(headline)}</h1>{share}{paras[0]}{promo}{''.join(paras[1:half])}"
            f'<div class="read-more"><p>Read more</p><ul>{related}</ul></div>'
            f'<figure><img src="/p.jpg" alt=""><figcaption>File photo. (Photo: Meridian archive)</figcaption></figure>'
            f"{''.join(paras[half:])}{share}</article><footer>{footer}</footer>"
        )
    else:
        body_html = (
            f'<div class="top"><a class="logo" href="/">{SITE}</a>{tagline}</div><div role="navigation">{nav}</div>'
            f'<main><section class="content"><h1>{e(headline)}</h1>{"".join(paras)}{share}</section>'
            f'<div class="sidebar"><h3>Related stories</h3><ul>{related}</ul>{promo}</div></main>'
            f'<div class="bottom">{footer}</div>{cookie}'
        )
    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(headline)} | {SITE}</title>'
        f"<style>{STYLE}</style><script>{SCRIPT}</script></head><body>{body_html}"
        f"<script>{SCRIPT}</script></body></html>"
    )
    return layout, page, planted


# --- Candidates ----------------------------------------------------------------------


class _RetiredParser(HTMLParser):
    """The html.parser stripper intake used before trafilatura, unchanged: body text
    minus script/style/nav/header/footer/aside/form tags, <article> alone if present."""

    SKIP = frozenset("script style noscript template svg nav header footer aside form iframe button select".split())
    BLOCKS = frozenset(
        "p div li ul ol h1 h2 h3 h4 h5 h6 tr table article section main blockquote pre dd dt figcaption".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = self.article = 0
        self.head = self.in_title = False
        self.title: list[str] = []
        self.body: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in self.SKIP
        self.head = (tag == "head") if tag in ("head", "body") else self.head
        self.in_title = self.in_title or tag == "title"
        self.article += tag == "article"
        if tag in self.BLOCKS or tag == "br":
            self._emit("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag):
        self.skip = max(0, self.skip - (tag in self.SKIP))
        self.head = False if tag == "head" else self.head
        self.in_title = False if tag == "title" else self.in_title
        self.article = max(0, self.article - (tag == "article"))
        if tag in self.BLOCKS:
            self._emit("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.head:
            self._emit(data)

    def _emit(self, text: str) -> None:
        if not self.skip:
            self.body.append(text)
            if self.article:
                self.inside.append(text)


def retired_parser(page: str) -> tuple[str, str]:
    parser = _RetiredParser()
    parser.feed(page)
    parser.close()
    chunks = parser.inside if "".join(parser.inside).strip() else parser.body
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(chunks))
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r" *\n *", "\n", text)).strip()
    return " ".join("".join(parser.title).split()), text


def _trafilatura(**options) -> Callable[[str], tuple[str, str]]:
    def run(page: str) -> tuple[str, str]:
        text = trafilatura.extract(page, include_comments=False, **options) or ""
        return "", "\n\n".join(line for line in text.splitlines() if line.strip())

    return run


CANDIDATES: dict[str, Callable[[str], tuple[str, str]]] = {
    "retired-parser": retired_parser,
    "trafilatura": _trafilatura(),
    "trafilatura-precision": _trafilatura(favor_precision=True),
    "trafilatura-recall": _trafilatura(favor_recall=True),
    "intake.html_to_text": html_to_text,
}


# --- Scoring -------------------------------------------------------------------------


def _found(needle: str, haystack_norm: str) -> bool:
    norm = normalise_name(needle)
    return bool(norm) and norm in haystack_norm


def measure(stories: list[dict]) -> dict[str, dict]:
    """Scores per candidate, plus ``plain-text`` (the ceiling) and ``raw-page`` (the page pasted as it is)."""
    pages = [render(story, stories, i) for i, story in enumerate(stories)]
    results: dict[str, dict] = {}
    for name, extract in CANDIDATES.items():
        per_layout = {layout: {"sentences": 0, "found": 0, "planted": 0, "leaked": 0} for layout in LAYOUTS}
        leaked_by_category: dict[str, int] = {}
        total, seconds = Counts(), 0.0
        for story, (layout, page, planted) in zip(stories, pages):
            started = time.perf_counter()
            _, text = extract(page)
            seconds += time.perf_counter() - started
            norm = normalise_name(text)
            wanted = article_sentences(story["text"])
            row = per_layout[layout]
            row["sentences"] += len(wanted)
            row["found"] += sum(_found(s, norm) for s in wanted)
            row["planted"] += len(planted)
            for category, string in planted:
                if _found(string, norm):
                    row["leaked"] += 1
                    leaked_by_category[category] = leaked_by_category.get(category, 0) + 1
            total.add(score_story({**story, "text": text or " "}))
        results[name] = _summary(per_layout, leaked_by_category, total, seconds / len(stories))
    for name, texts in (("plain-text", [s["text"] for s in stories]), ("raw-page", [p for _, p, _ in pages])):
        total = Counts()
        for story, text in zip(stories, texts):
            total.add(score_story({**story, "text": text}))
        results[name] = {"end_to_end": {k: round(v, 4) for k, v in metrics(total).items()}}
    return results


def _summary(per_layout: dict, leaked_by_category: dict, total: Counts, seconds: float) -> dict:
    sentences = sum(r["sentences"] for r in per_layout.values())
    planted = sum(r["planted"] for r in per_layout.values())
    return {
        "sentence_recall": round(sum(r["found"] for r in per_layout.values()) / sentences, 4),
        "boilerplate_leaked": round(sum(r["leaked"] for r in per_layout.values()) / planted, 4),
        "by_layout": {
            layout: {"recall": round(r["found"] / r["sentences"], 3), "leaked": round(r["leaked"] / r["planted"], 3)}
            for layout, r in per_layout.items()
            if r["sentences"]
        },
        "leaked_by_category": dict(sorted(leaked_by_category.items())),
        "ms_per_page": round(1000 * seconds, 1),
        "end_to_end": {k: round(v, 4) for k, v in metrics(total).items()},
    }


def print_tables(results: dict[str, dict]) -> None:
    extracted = {k: v for k, v in results.items() if "sentence_recall" in v}
    print(
        f"{'extractor':<24} {'recall':>7} {'leaked':>7} {'ms/page':>8}   " + "  ".join(f"{lay:>14}" for lay in LAYOUTS)
    )
    for name, r in extracted.items():
        cells = "  ".join(
            f"{r['by_layout'][lay]['recall']:>6.3f}/{r['by_layout'][lay]['leaked']:<7.3f}" for lay in LAYOUTS
        )
        print(
            f"{name:<24} {r['sentence_recall']:>7.3f} {r['boilerplate_leaked']:>7.3f} "
            f"{r['ms_per_page']:>8.1f}   {cells}"
        )
    print("(per layout: sentence recall / share of planted boilerplate leaked)")
    print()
    categories = sorted({c for r in extracted.values() for c in r["leaked_by_category"]})
    if categories:
        print(f"{'leaked strings':<24} " + " ".join(f"{c:>12}" for c in categories))
        for name, r in extracted.items():
            print(f"{name:<24} " + " ".join(f"{r['leaked_by_category'].get(c, 0):>12}" for c in categories))
        print()
    print(f"{'end to end':<24} {'claims P':>9} {'claims R':>9} {'attrib P':>9} {'attrib R':>9} {'roles':>7}")
    for name, r in results.items():
        m = r["end_to_end"]
        print(
            f"{name:<24} {m['claim_precision']:>9.3f} {m['claim_recall']:>9.3f} {m['attribution_precision']:>9.3f} "
            f"{m['attribution_recall']:>9.3f} {m['role_accuracy']:>7.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.html_to_text", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_STORIES), help="stories JSON file")
    parser.add_argument("--page", type=int, help="print the page rendered for the story at this index and stop")
    args = parser.parse_args(argv)
    stories = load_stories(Path(args.path))
    if args.page is not None:
        print(render(stories[args.page], stories, args.page)[1])
        return 0
    results = measure(stories)
    print_tables(results)
    print(json.dumps({name: {k: v for k, v in r.items() if k != "by_layout"} for name, r in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
