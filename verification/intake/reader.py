"""Reading one sentence for who said what: cues, subjects and source resolution.

``SentenceReader(sentence, memory).read()`` finds the attribution cues in a
sentence (speech verbs, "according to", denials, "could not confirm", released
material), reads the name each cue points at and resolves it against the
article's ``Memory`` of sources named so far ("he", "Budanov", "the Center").
The pipeline that turns the findings into proposals is ``verification.intake.extraction``.
Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.text import normalise_name
from verification.intake import patterns as P
from verification.intake.patterns import Token, guess_source_kind

__all__ = ["Found", "Memory", "SentenceReader"]


# --- Sources: memory and resolution --------------------------------------------


@dataclass
class _Source:
    name: str
    title: str = ""
    kind: str = "other"

    def __post_init__(self) -> None:
        # Computed once: memory lookups compare these for every cue.
        self.key = normalise_name(self.name)
        self.words = set(self.key.split())
        self.set_title(self.title)

    def set_title(self, title: str) -> None:
        """Also refreshes the words a short reference may use: "the Center",
        "the bank", "the minister": capitalised or last words of the name and
        title words, never a possessive, so "the board" does not find "people
        close to the board's talks"."""
        self.title = title
        words = self.name.split()
        keep = [
            w for i, w in enumerate(words) if (w[:1].isupper() or i == len(words) - 1) and not re.search(r"['’]s$", w)
        ]
        titles = set(normalise_name(title).split()) & P.TITLE_WORDS
        self.heads = set(normalise_name(" ".join(keep)).split()) | titles

    @property
    def is_person(self) -> bool:
        return self.kind == "person"

    @property
    def speaks_for_org(self) -> bool:
        text = f"{self.title} {self.name}".lower()
        return not self.is_person or any(w in text for w in P.REPRESENTATIVE_WORDS)


class Memory:
    """Sources named so far, most recent last, for "he", "Budanov", "the Center"."""

    LIMIT = 200

    def __init__(self) -> None:
        self.sources: list[_Source] = []

    def remember(self, source: _Source) -> None:
        self.sources = [s for s in self.sources if s.key != source.key]
        self.sources.append(source)
        del self.sources[: -self.LIMIT]

    def last(self, predicate) -> _Source | None:
        return next((s for s in reversed(self.sources) if predicate(s)), None)

    def by_surname(self, word: str) -> _Source | None:
        return self.last(lambda s: s.is_person and word in s.words)

    def by_words(self, words: set[str]) -> _Source | None:
        if "company" in words or "firm" in words:
            return self.last(lambda s: bool(s.words & P.COMPANY_SUFFIXES))
        return self.last(lambda s: words <= s.heads)


@dataclass
class _Ref:
    """What a cue points at before resolution: a span of tokens or a pronoun."""

    start: int = 0  # for a pronoun, its token index
    end: int = 0
    pronoun: str = ""
    title: str = ""
    subordinate: bool = False
    source: _Source | None = None  # already resolved, e.g. the clause's speaker


@dataclass
class Found:
    source: _Source
    role: str
    anchor: int
    subordinate: bool = False
    index: int = 0  # token index of the cue


def _name_like(toks: list[Token], k: int) -> bool:
    tok = toks[k]
    low = tok.lower
    if tok.text == ".":
        return k > 0 and toks[k - 1].lower in P.ABBREVIATED_TITLES
    if not tok.is_word:
        return tok.text == "&"
    if tok.is_cap:
        return True
    if low in P.TITLE_WORDS or low in P.MODIFIER_WORDS or low in P.GROUP_WORDS:
        return True
    return low in P.CONNECTORS or (P.is_possessive(low) and low[:-2].isalpha())


def _skippable(tok: Token) -> bool:
    # Lowercase only: "Dorvik Today claimed" keeps "Today" as part of the name.
    return tok.text[0].islower() and tok.lower in P.SKIP_BEFORE_VERB


def _trim(toks: list[Token], start: int, end: int) -> tuple[int, int]:
    while start < end and (
        toks[start].lower in P.LEFT_TRIM or toks[start].text in ".&" or toks[start].text[0].isdigit()
    ):
        start += 1
    while end > start and (toks[end - 1].lower in P.CONNECTORS or toks[end - 1].text in "&"):
        end -= 1
    span = toks[start:end]
    # A run of lowercase modifiers ("local health") names nobody.
    if span and not any(t.is_cap or t.lower in P.GROUP_WORDS or t.lower in P.TITLE_WORDS for t in span):
        return start, start
    return start, end


# --- Reading one sentence --------------------------------------------------------


@dataclass
class _Cue:
    index: int  # first token of the cue
    end: int  # token after the cue
    role: str
    forward: bool = False  # the source follows the cue: "according to X"
    participle: bool = False
    citing: bool = False


_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.I)  # "the head of X" is titled "head of X"
_OPENING_QUOTES = {'"', "“", "‘", "'"}
# Plural groups of people: capitalised at the start of a sentence, still not a proper name.
_UNNAMED_GROUPS = P.PERSON_GROUPS | {"officials", "sources", "authorities", "people"}
_INTRO_PREPOSITIONS = frozenset(
    "in on at after before during since despite following speaking asked earlier later last".split()
)
_CLAUSE_PUNCT = {",", ";", ":", "(", ")", "—", "–", '"', "“", "”"}
_REGEX_CUES = (
    (P.CANNOT_CONFIRM_RE, "could_not_confirm", False, False),
    (P.DATA_FROM_RE, "released_material", True, False),
    (P.ACCORDING_TO_RE, "stated", True, False),
    (P.REPORTED_BY_RE, "relayed", True, False),
    (P.CITING_RE, "stated", True, True),
)


class SentenceReader:
    """Finds the attributions in one sentence, updating the article's memory."""

    def __init__(self, text: str, memory: Memory) -> None:
        self.text = text
        self.toks = P.tokenize(text)
        self.memory = memory
        self.found: list[Found] = []

    def read(self) -> list[Found]:
        self._remember_mentions()
        cues = self._cues()
        for cue in cues:
            ref = self._subject(cue)
            source = self._resolve(ref) if ref else None
            if source is not None:
                anchor = self.toks[cue.index].start
                self.found.append(Found(source, cue.role, anchor, ref.subordinate, cue.index))
        self._mark_denials()
        citing = {c.index for c in cues if c.citing}
        if citing:
            # "X said, citing Y": X passes on what Y said.
            for f in self.found:
                if f.role == "stated" and f.index not in citing:
                    f.role = "relayed"
        return self.found

    def _mark_denials(self) -> None:
        """ "X said the reports were false": X denies rather than states."""
        for m in P.DENIAL_PREDICATE_RE.finditer(self.text):
            before = [f for f in self.found if f.anchor < m.start() and f.role == "stated"]
            if before:
                max(before, key=lambda f: f.anchor).role = "denied"

    def span_text(self, start: int, end: int) -> str:
        return self.text[self.toks[start].start : self.toks[end - 1].end]

    # Cues

    def _cues(self) -> list[_Cue]:
        cues, covered = [], set()
        for regex, role, forward, citing in _REGEX_CUES:
            for m in regex.finditer(self.text):
                start, end = self._tok_at(m.start()), self._tok_at(m.end())
                if start in covered or start >= len(self.toks):
                    continue
                covered.update(range(start, max(end, start + 1)))
                cues.append(_Cue(start, end, role, forward=forward, citing=citing))
        for i, tok in enumerate(self.toks):
            if i not in covered and tok.text[0].islower():
                cue = self._verb_cue(i)
                if cue is not None:
                    cues.append(cue)
        # Left to right, so "he" can refer back to a source named earlier.
        return sorted(cues, key=lambda c: c.index)

    def _tok_at(self, char: int) -> int:
        return next((i for i, t in enumerate(self.toks) if t.start >= char), len(self.toks))

    def _verb_cue(self, i: int) -> _Cue | None:
        low = self.toks[i].lower
        nxt = self.toks[i + 1].lower if i + 1 < len(self.toks) else ""
        if low in P.RELEASE_VERBS and nxt == "by":
            if self._near(i, P.MATERIAL_NOUNS, -6, stops=".;"):
                return _Cue(i, i + 2, "released_material", forward=True)
            return None
        role = None
        if low in P.DENY_VERBS or (low in P.REJECT_VERBS and self._near(i, P.CLAIM_OBJECTS, 4)):
            role = "denied"
        elif low in P.RELEASE_VERBS and self._near(i, P.MATERIAL_NOUNS, 4):
            role = "released_material"
        elif low in P.SPEECH_VERBS:
            role = "stated"
        if role is None or self._negated(i) or self._noun_use(i) or self._hearsay(i):
            return None
        if self._passive(i):  # "observers had been denied access": nobody denies
            return None
        return _Cue(i, i + 1, role, participle=low.endswith("ing"))

    def _near(self, i: int, words: frozenset[str], span: int, stops: str = ",.;") -> bool:
        """Is one of words within span tokens after i (or before, if span < 0)?"""
        step = 1 if span > 0 else -1
        for k in range(i + step, i + span + step, step):
            if not 0 <= k < len(self.toks) or self.toks[k].text in stops:
                return False
            if self.toks[k].lower in words:
                return True
        return False

    def _negated(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and _skippable(self.toks[j]):
            j -= 1
        if j < 0:
            return False
        low = self.toks[j].lower
        if low in P.NEGATORS or low.endswith("n't"):
            return True
        return low == "to" and j > 0 and self.toks[j - 1].lower in P.NEGATING_VERBS

    def _passive(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and _skippable(self.toks[j]):
            if self.toks[j].lower in P.BE_FORMS:
                return True
            j -= 1
        return False

    def _noun_use(self, i: int) -> bool:
        if self.toks[i].lower not in P.NOUN_HOMOGRAPHS or i == 0:
            return False
        prev = self.toks[i - 1].lower
        return prev in P.DETERMINERS or P.is_possessive(prev)

    def _hearsay(self, i: int) -> bool:
        # "troops said to be stationed": nobody is speaking.
        after = [t.lower for t in self.toks[i + 1 : i + 3]]
        return after[:1] == ["to"] and after[1:2] in (["be"], ["have"])

    # Subjects

    def _subject(self, cue: _Cue) -> _Ref | None:
        """1. forward cues read the name after them; 2. participles after a comma
        share the clause's speaker; 3. otherwise read back from the verb, then try
        "said X", an appositive ("X, the head of Y, said") or a shared subject."""
        if cue.forward:
            return self._span_after(cue.end) or self._unnamed_source(cue.end)
        prev = self.toks[cue.index - 1] if cue.index else None
        if cue.participle and prev is not None and prev.text == ",":
            return self._last_main_ref() or self._clause_subject(cue.index)
        ref = self._span_before(cue.index)
        if ref is None and prev is not None and prev.text == ",":
            ref = self._appositive_before(cue.index - 1)
        if ref is None and prev is not None and prev.text in {",", '"', "”", "'", "’"}:
            ref = self._inverted_subject(cue.end)
        if ref is None and prev is not None and prev.lower in {"and", "but", "or"}:
            ref = self._last_main_ref()
        return ref

    def _inverted_subject(self, i: int) -> _Ref | None:
        """ "..., said Anna Keller." but not "..., said the company had sold"."""
        ref = self._span_after(i)
        if ref is None or ref.end >= len(self.toks):
            return ref
        after = self.toks[ref.end]
        return ref if not after.is_word or after.lower in {"on", "in", "at"} else None

    def _last_main_ref(self) -> _Ref | None:
        main = [f for f in self.found if not f.subordinate]
        return _Ref(source=main[-1].source) if main else None

    def _span_before(self, i: int) -> _Ref | None:
        j = i - 1
        while j >= 0 and _skippable(self.toks[j]):
            j -= 1
        if j < 0:
            return None
        low = self.toks[j].lower
        if low in P.PRONOUNS:
            return _Ref(start=j, pronoun=low)
        if low in P.RELATIVES:
            # "X, which first posted the video, ...": X, in a side clause.
            ref = self._name_span_ending(j - 1) if j and self.toks[j - 1].text == "," else None
            if ref is not None:
                ref.subordinate = True
            return ref
        return self._name_span_ending(j + 1)

    def _name_span_ending(self, end: int) -> _Ref | None:
        k = end - 1
        while k >= 0 and _name_like(self.toks, k):
            k -= 1
        start, stop = _trim(self.toks, self._extend_locative(k + 1), end)
        return _Ref(start, stop) if stop > start else None

    def _extend_locative(self, start: int) -> int:
        """ "Officials in the Kharkiv region said": widen back to "Officials"."""
        toks, k = self.toks, start - 1
        while k >= 0 and (toks[k].lower in P.PLACE_NOUNS or _name_like(toks, k)):
            k -= 1
        if k < 1 or toks[k].lower not in P.LOCATIVE_PREPOSITIONS:
            return start
        if toks[k - 1].lower not in P.GROUP_WORDS | P.TITLE_WORDS:
            return start
        m = k - 1
        while m >= 0 and _name_like(toks, m):
            m -= 1
        return m + 1

    def _span_after(self, i: int) -> _Ref | None:
        toks, end = self.toks, i
        if i < len(toks) and toks[i].lower in P.CONNECTORS - P.ARTICLES:
            return None  # "said on Telegram": a preposition, not a name, follows
        first, i = i, self._skip_descriptor(i)
        end = i
        while end < len(toks) and (_name_like(toks, end) or toks[end].lower in P.ARTICLES):
            if toks[end].lower == "and" and not (end + 1 < len(toks) and toks[end + 1].is_cap):
                break
            end += 1
        start, stop = _trim(toks, i, end)
        if stop <= start:
            return None
        # "said union leader Irene Balogh": the skipped words are her title.
        described = {t.lower for t in toks[first:i]} & (P.TITLE_WORDS | P.GROUP_WORDS)
        title = self.span_text(first, i) if described else ""
        return _Ref(start, stop, title=self._appositive_after(stop) or title)

    def _skip_descriptor(self, i: int) -> int:
        """ "the commercial provider Orbita Labs": step over up to three lowercase
        words when a capitalised name follows them."""
        k = i + (i < len(self.toks) and self.toks[i].lower in P.ARTICLES)
        for j in range(k, min(k + 3, len(self.toks) - 1)):
            if not self.toks[j].text[0].islower() or not self.toks[j].is_word:
                return i
            if self.toks[j + 1].is_cap:
                return j + 1
        return i

    def _unnamed_source(self, i: int) -> _Ref | None:
        """ "according to two people familiar with the talks": keep the phrase."""
        end = i
        while end < len(self.toks) and self.toks[end].text not in _CLAUSE_PUNCT | {".", ";"}:
            end += 1
        words = {t.lower for t in self.toks[i:end]}
        if not 0 < end - i <= 10 or not words & P.UNNAMED_SOURCE_WORDS:
            return None
        return _Ref(i, end)

    def _appositive_after(self, stop: int) -> str:
        if stop >= len(self.toks) or self.toks[stop].text != ",":
            return ""
        end = stop + 1
        while end < len(self.toks) and self.toks[end].text not in _CLAUSE_PUNCT | {".", ";"}:
            end += 1
        return self.span_text(stop + 1, end) if self._is_title_phrase(stop + 1, end) else ""

    def _appositive_before(self, comma: int) -> _Ref | None:
        seg_start = self._clause_start(comma)
        if seg_start >= comma:
            return None
        if comma - seg_start == 1 and self.toks[seg_start].text.isdigit() and seg_start > 1:
            return self._appositive_before(seg_start - 1)  # "Dvorak, 58, said"
        if self.toks[seg_start].lower in P.RELATIVES:  # "X, who leads the survey, said"
            return self._name_span_ending(seg_start - 1) if seg_start > 0 else None
        if self._is_title_phrase(seg_start, comma):  # "X, the head of Y, said"
            ref = self._name_span_ending(seg_start - 1) if seg_start > 0 else None
            if ref is not None:
                ref.title = self.span_text(seg_start, comma)
            return ref
        if not all(_name_like(self.toks, k) for k in range(seg_start, comma)):
            return None
        start, stop = _trim(self.toks, seg_start, comma)  # "The head of Y, X, said"
        if stop <= start:
            return None
        ref = _Ref(start, stop)
        if seg_start > 0:
            before = self._clause_start(seg_start - 1)
            if self._is_title_phrase(before, seg_start - 1):
                ref.title = self.span_text(before, seg_start - 1)
        return ref

    def _clause_start(self, i: int) -> int:
        k = i - 1
        while k >= 0 and self.toks[k].text not in _CLAUSE_PUNCT:
            k -= 1
        return k + 1

    def _is_title_phrase(self, start: int, end: int) -> bool:
        span = self.toks[start:end]
        if not 0 < len(span) <= 12:
            return False
        first = span[0]
        # "an epidemiologist at ...", "the council's chair", "chief economist at ...";
        # never a clause such as "allegedly captures scenes from the camp".
        opens = first.lower in P.ARTICLES or first.lower in P.TITLE_WORDS or P.is_possessive(first.lower)
        return opens and any(t.lower in P.TITLE_WORDS or t.lower in P.GROUP_WORDS for t in span)

    def _clause_subject(self, before: int) -> _Ref | None:
        toks, i = self.toks, 0
        while i < before and (toks[i].lower in P.DISCOURSE_MARKERS or toks[i].text == ","):
            i += 1
        if i < before and toks[i].lower in _INTRO_PREPOSITIONS:
            comma = next((k for k in range(i, before) if toks[k].text == ","), None)
            i = comma + 1 if comma is not None else i
        return self._span_after(i) if i < before else None

    # Resolution

    def _resolve(self, ref: _Ref) -> _Source | None:
        if ref.source is not None:
            return ref.source
        if ref.pronoun:
            return self._resolve_pronoun(ref.pronoun, ref.start)
        span = self.toks[ref.start : ref.end]
        words = set(normalise_name(self.span_text(ref.start, ref.end)).split())
        generic = not any(t.is_cap for t in span)
        definite = generic or (ref.start > 0 and self.toks[ref.start - 1].lower == "the")
        source = None
        if len(span) == 1 and span[0].is_cap and words:
            source = self.memory.by_surname(next(iter(words)))
        if source is None and definite and len(span) <= 3 and words:
            source = self.memory.by_words(words)
            if source is None and generic:
                source = self._speaker_of_clause(ref.start)
        if source is None:
            source = self._new_source(ref)
        elif ref.title and not source.title:
            source.set_title(_ARTICLE_RE.sub("", ref.title))
        self.memory.remember(source)
        return source

    def _speaker_of_clause(self, start: int) -> _Source | None:
        """ "A Chirper spokesperson said the company was unable to...": inside the
        spokesperson's own clause, "the company" is who they speak for."""
        main = [f for f in self.found if not f.subordinate and f.index < start]
        if not main or not main[-1].source.speaks_for_org:
            return None
        between = {t.lower for t in self.toks[main[-1].index + 1 : start]}
        return None if between & {",", ";", "but", "and", "while", "whereas"} else main[-1].source

    def _resolve_pronoun(self, pronoun: str, at: int) -> _Source | None:
        if pronoun in ("he", "she"):
            here = next((f.source for f in reversed(self.found) if f.source.is_person), None)
            return here or self.memory.last(lambda s: s.is_person)
        here = next((f.source for f in reversed(self.found) if f.source.speaks_for_org), None)
        if here is not None:
            return here
        # "The city council blamed holiday lets, which it said...": the clause's
        # own subject, if it names an organisation.
        subject = self._clause_subject(at)
        if subject is not None and subject.end <= at:
            words = {t.lower for t in self.toks[subject.start : subject.end]}
            if words & (P.GROUP_WORDS | P.ORG_WORDS):
                return self._resolve(subject)
        if pronoun == "it":
            return self.memory.last(lambda s: not s.is_person)
        return self.memory.last(lambda s: True)

    def _new_source(self, ref: _Ref) -> _Source:
        """Split "Ukrainian Foreign Minister Andrii Sybiha" into title and name."""
        toks, start, end = self.toks, ref.start, ref.end
        k = end
        blocked = P.TITLE_WORDS | P.MODIFIER_WORDS | P.PLACE_NAMES
        while k > start and end - k < 4 and toks[k - 1].is_cap and toks[k - 1].lower not in blocked:
            k -= 1
        # Split where a title or descriptive noun meets the name:
        # "chief | Kyrylo Budanov", "group | River Watch", "Dr. | Amara Osei".
        edge = toks[k - 2] if k - 2 >= start and toks[k - 1].text == "." else toks[k - 1]
        at_title = edge.lower in P.TITLE_WORDS | P.GROUP_WORDS | P.ABBREVIATED_TITLES
        if start < k < end and at_title:
            name, title = self.span_text(k, end), ref.title or self.span_text(start, k)
        else:
            name, title = self._described(start, end), ref.title
        title = _ARTICLE_RE.sub("", title)
        return _Source(name=name, title=title, kind=guess_source_kind(name, title))

    def _described(self, start: int, end: int) -> str:
        """The name as the article writes it. A description keeps its article ("the
        ministry", as "two officials familiar with the talks" keeps its words); a
        group of people opening the sentence is not a proper name ("observers")."""
        name = self.span_text(start, end)
        if not any(t.is_cap for t in self.toks[start:end]):
            before = self.toks[start - 1] if start else None
            return f"{before.text.lower()} {name}" if before is not None and before.lower in P.ARTICLES else name
        first = self.toks[start]
        opens = start == 0 or self.toks[start - 1].text in _OPENING_QUOTES
        if opens and first.lower in _UNNAMED_GROUPS:
            return first.text.lower() + name[len(first.text) :]
        return name

    def _remember_mentions(self) -> None:
        """Organisations named anywhere, so "the bank" or "the agency" can find them."""
        toks, i = self.toks, 0
        while i < len(toks):
            if not toks[i].is_cap:
                i += 1
                continue
            j = i
            while j < len(toks) and (
                toks[j].is_cap or (toks[j].lower in P.CONNECTORS and j + 1 < len(toks) and toks[j + 1].is_cap)
            ):
                j += 1
            start, stop = _trim(toks, i, j)
            if stop > start:
                name = self.span_text(start, stop)
                words = set(normalise_name(name).split())
                kind = guess_source_kind(name)
                if words & (P.ORG_WORDS | P.COMPANY_SUFFIXES) or kind not in ("person", "other"):
                    if not self.memory.by_words(words):
                        self.memory.remember(_Source(name=name, kind=kind))
            i = j
