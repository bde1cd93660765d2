"""Name normalisation and text similarity: one key for names, one score for texts.

Alias matching (``SourceAlias.normalised``), the admin and desk searches, the
claim extractor and intake's source matching all call ``normalise_name``, so a
name typed, pasted or extracted meets the same stored key.

``similarity`` is the one way two claim texts are compared: the API's
``?text=`` lookup, intake's duplicate check and credibility's similar claims
all score with it (each still picks its own candidates). ``search_form`` is
the claim matcher's index form, read in the text's language. Pure Python plus
rapidfuzz, snowballstemmer and pymorphy3: the extractor and the credibility
maths run without Django.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import snowballstemmer
from rapidfuzz import fuzz, process

_CYR_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ъ": "",
    "'": "",
    "ʼ": "",
    "’": "",
}
# Ukrainian: the national (2010) romanisation, which also gives official spellings
# such as "Kyrylo Budanov". Word-initial forms of є ї й ю я differ.
_UK = {
    **_CYR_COMMON,
    "г": "h",
    "ґ": "g",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "є": "ie",
    "ю": "iu",
    "я": "ia",
    "ё": "io",
    "ы": "y",
    "э": "e",
}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# Russian: a simple BGN-style table, close to common English press spellings.
_RU = {
    **_CYR_COMMON,
    "г": "g",
    "ґ": "g",
    "и": "i",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "є": "ye",
    "ю": "yu",
    "я": "ya",
    "ё": "e",
    "ы": "y",
    "э": "e",
}
_LATIN_EXTRA = {"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ð": "d"}
_CYRILLIC_WORD_RE = re.compile(r"[\u0400-\u04ff]+(?:['’ʼ][\u0400-\u04ff]+)*")


def _cyrillic_language(text: str) -> str:
    """Guess "uk" or "ru" from letters and spellings only one of them uses."""
    low = text.lower()
    uk = sum(low.count(c) for c in "іїєґ") + len(re.findall(r"(?:ій|ів)\b", low))
    ru = sum(low.count(c) for c in "ыэъё") + len(re.findall(r"(?:ей)\b|\bи|\bе", low))
    # Ties go to Ukrainian: the seed newsroom works mostly on Ukrainian sources.
    return "ru" if ru > uk else "uk"


def _transliterate_word(word: str, lang: str) -> str:
    table = _UK if lang == "uk" else _RU
    low = word.lower()
    out = []
    for i, ch in enumerate(low):
        if lang == "uk" and i == 0 and ch in _UK_INITIAL:
            out.append(_UK_INITIAL[ch])
        elif lang == "uk" and ch == "г" and i and low[i - 1] == "з":
            out.append("gh")  # зг is "zgh", so it is not read back as ж
        else:
            out.append(table.get(ch, ch))
    latin = "".join(out)
    if lang == "ru":
        latin = re.sub(r"(?:iy|yy)$", "y", latin)  # Dmitriy -> dmitry, as the press writes it
    return latin


# A BCP 47 language tag as the desk takes one: a language (2 or 3 letters), then optional
# subtags (script, region, variant) of 1 to 8 letters or digits: uk, en-GB, sr-Latn.
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$"


def transliterate(text: str, lang: str = "") -> str:
    """Cyrillic to Latin, word by word, keeping everything else as it is; Ukrainian
    or Russian romanisation as the text's letters suggest, unless ``lang`` says."""
    if not _CYRILLIC_WORD_RE.search(text):
        return text
    lang = lang or _cyrillic_language(text)
    return _CYRILLIC_WORD_RE.sub(lambda m: _transliterate_word(m.group(), lang), text)


def search_keys(typed: str) -> list[str]:
    """The normalised forms a search for ``typed`` looks for: ``normalise_name``'s,
    and for Cyrillic the other language's romanisation too, since a short query
    rarely shows which it is ("Пентагон" is "pentahon" read as Ukrainian, and the
    record may hold "Pentagon")."""
    keys = [normalise_name(typed)]
    if _CYRILLIC_WORD_RE.search(typed or ""):
        keys += [normalise_name(transliterate(typed, lang)) for lang in ("uk", "ru")]
    return [key for key in dict.fromkeys(keys) if key]


@functools.lru_cache(maxsize=8192)  # the same names come back sentence after sentence
def normalise_name(name: str) -> str:
    """Lowercase Latin form of a name in any script, for matching.

    "Кирило Буданов" -> "kyrylo budanov"; "Ukraine's Center" -> "ukraine center".
    Apostrophes vanish; other punctuation becomes a space; diacritics are dropped.
    """
    text = transliterate(name or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = "".join(_LATIN_EXTRA.get(ch, ch) for ch in text)
    text = re.sub(r"['’ʼ`]s\b", "", text)  # "Ukraine's Center" matches "Ukraine Center"
    text = re.sub(r"['’ʼ`]", "", text)
    text = re.sub(r"[\W_]+", " ", text)
    return text.strip()


# --- Text similarity -----------------------------------------------------------------

# Words that say nothing about what a claim is about.
STOPWORDS = frozenset(
    "a an and are as at be been but by for from has have he her his i if in is it its of on or our "
    "she that the their them there they this to was we were what when which who will with you".split()
)


def words(text: str) -> list[str]:
    """The words a claim is compared on: ``normalise_name``'s, without STOPWORDS, a plural
    's' dropped so "tax" meets "taxes"."""
    out = []
    for word in normalise_name(text).split():
        if word not in STOPWORDS:
            out.append(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return out


_DIGIT_GROUP_RE = re.compile(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))")
_stemmers = threading.local()  # a Snowball stemmer keeps state between calls: one per thread


def _stemmer(algorithm: str):
    stemmer = getattr(_stemmers, algorithm, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(algorithm)
        setattr(_stemmers, algorithm, stemmer)
    return stemmer


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English Snowball stem of one normalised word ("illegally" -> "illeg"); a
    transliterated word goes through the same rules, harmlessly."""
    return _stemmer("english").stemWord(word)


# Snowball's Russian rules read a surname's -ов/-ев as a genitive plural ending, so
# "Лавров" becomes "лавр" while "Лаврова", "Лаврову" become "лавров": the name would
# not meet itself, nor its Latin spelling. A capitalised word keeps that ending.
_SURNAME_ENDINGS = ("ов", "ев", "ёв")


@functools.lru_cache(maxsize=65536)
def _russian_stem(word: str) -> str:
    low = word.lower()
    found = _stemmer("russian").stemWord(low)
    if word[:1].isupper() and low.endswith(_SURNAME_ENDINGS) and found == low[:-2]:
        return low
    return found


@functools.cache
def _ukrainian_morphology():
    # pymorphy3 with its Ukrainian dictionary (inside the wheel, offline): about 0.1 s and
    # 20 MB once per process, at the first Ukrainian text.
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk")


@functools.lru_cache(maxsize=65536)
def _ukrainian_lemma(word: str) -> str:
    """The dictionary form of a Ukrainian word ("санкціями" -> "санкція", "Будановим" ->
    "буданов"); a word the dictionary lacks gets the form its ending predicts."""
    low = word.lower().replace("’", "'").replace("ʼ", "'")  # the dictionary spells the apostrophe '
    parses = _ukrainian_morphology().parse(low)
    return parses[0].normal_form if parses else low


_CYRILLIC_ANALYSERS = {"ru": _russian_stem, "uk": _ukrainian_lemma}


def cyrillic_analysis(language: str, text: str = "") -> str:
    """How a text's Cyrillic words are read: "ru" (Snowball's Russian stemmer, Russian
    romanisation) or "uk" (pymorphy3's Ukrainian lemmas, since Snowball has no
    Ukrainian stemmer; Ukrainian romanisation). The text's language (a BCP 47
    tag) decides; for any other language, its letters do, as ``transliterate``
    guesses."""
    base = (language or "").split("-")[0].lower()
    if base in ("ru", "uk"):
        return base
    return _cyrillic_language(text)


def search_form(text: str, language: str = "") -> str:
    """A text as the claim matcher's index holds it (``Claim.search_text``),
    analysed for ``language`` (the claim's, or the query's; a BCP 47 tag):

    1. figures written one way ("11,000" and "11 000" are "11000");
    2. Cyrillic words reduced in their own script, by Snowball's Russian stemmer
       or to their Ukrainian dictionary form (``cyrillic_analysis``), then
       transliterated, so names still meet their Latin spelling ("Буданова"
       and "Budanov" are both "budanov");
    3. ``normalise_name``'s words, STOPWORDS left out, each with its English
       Snowball stem (the desk's Latin-script language is English).

    Query and index go through this one function with their own language, so
    SQLite and PostgreSQL index the same terms and a term's document
    frequency can be looked up exactly."""
    text = _DIGIT_GROUP_RE.sub("", text or "")
    if _CYRILLIC_WORD_RE.search(text):
        reading = cyrillic_analysis(language, text)
        reduce = _CYRILLIC_ANALYSERS[reading]
        text = _CYRILLIC_WORD_RE.sub(lambda m: reduce(m.group()), text)
        text = transliterate(text, reading)
    return " ".join(stem(w) for w in normalise_name(text).split() if w not in STOPWORDS)


@functools.lru_cache(maxsize=65536)
def _code(word: str) -> str:
    # One character per word (a stable hash into planes 1-15, never a surrogate), so
    # rapidfuzz's C++ Indel ratio counts whole words. Two different words share a
    # code about once in a million pairs.
    return chr(0x10000 + zlib.crc32(word.encode()) % 0xF0000)


@dataclass(frozen=True)
class Prepared:
    """A text ready to be scored many times: ``prepare`` it once, compare it often."""

    norm: str  # its words, in order, space-separated
    key: str  # its words as codes, sorted: word order is ignored by the whole-text score


def prepare(text: str | Prepared) -> Prepared:
    if isinstance(text, Prepared):
        return text
    ws = words(text)
    return Prepared(" ".join(ws), "".join(sorted(_code(w) for w in ws)))


def similarity(a: str | Prepared, b: str | Prepared, part: bool = False) -> float:
    """How alike two texts are, from 0 to 1, on their ``words``.

    Whole texts (the default, symmetric): rapidfuzz's Indel ratio over the two
    sets of words, i.e. 2 x words in common / words in both: 1 for the same words in
    any order, 0 for none in common, and a short text inside a long one only as
    much as it covers of it (so it is never called a copy).

    ``part=True``: how well ``a`` reads as a piece of ``b``, as when a reader types a
    claim's first words: rapidfuzz's ``partial_ratio`` of the normalised words (so
    a cut-off last word still matches), times 0.9 + 0.1 x the whole-text score (the
    claim the query covers best comes first). 0 unless a word of ``a`` is in ``b``
    (the last may be cut off): characters alone do not make a match.
    """
    a, b = prepare(a), prepare(b)
    if not a.key or not b.key:
        return 0.0
    whole = fuzz.ratio(a.key, b.key) / 100
    if not part:
        return whole
    query, theirs = a.norm.split(), b.norm.split()
    if not set(query) & set(theirs) and not any(w.startswith(query[-1]) for w in theirs):
        return 0.0
    return fuzz.partial_ratio(a.norm, b.norm) / 100 * (0.9 + 0.1 * whole)


K = TypeVar("K")


def most_similar(
    query: str | Prepared,
    choices: Mapping[K, str | Prepared] | Iterable[tuple[K, str | Prepared]],
    limit: int,
    cutoff: float = 0.0,
    part: bool = False,
) -> list[tuple[K, float]]:
    """[(key, similarity)] of the ``limit`` best choices scoring above 0 and at least
    ``cutoff``, best first; ties keep the choices' order."""
    items = list(choices.items() if isinstance(choices, Mapping) else choices)
    query = prepare(query)
    if part:
        scored = [(key, similarity(query, text, part=True)) for key, text in items]
        scored = sorted((item for item in scored if item[1] > 0 and item[1] >= cutoff), key=lambda item: -item[1])
        return scored[:limit]
    if not query.key:
        return []
    # The same Indel ratio as ``similarity``, run by rapidfuzz over all choices at once.
    found = process.extract(
        query.key,
        [prepare(text).key for _, text in items],
        scorer=fuzz.ratio,
        processor=None,
        limit=limit,
        score_cutoff=max(cutoff * 100, 1e-9),
    )
    return [(items[index][0], score / 100) for _, score, index in found]
