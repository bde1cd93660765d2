"""Vocabulary, sentence splitting and name helpers for the claim extractor.

Everything here works on words and characters: word lists, regular expressions,
a tokenizer, the splitter of an article's text into sentences and a guess at
what kind of source a name is. Names are normalised (Cyrillic transliterated) by
``sources.text.normalise_name``, the same function that keys source aliases.
Reading attributions out of a sentence lives in
``verification.intake.reader``. Kept apart so the lists can grow without
burying the pipeline. Standard library only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sources.text import normalise_name


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """Comma-separated phrases, matched as whole words by ``_has_phrase``."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


# --- Cues --------------------------------------------------------------------

SPEECH_VERBS = _words("""
    say says said saying states stated stating tell tells told telling
    claim claims claimed claiming disclose discloses disclosed disclosing
    indicate indicates indicated indicating announce announces announced announcing
    report reports reported reporting add adds added adding note notes noted noting
    write writes wrote writing confirm confirms confirmed confirming
    explain explains explained explaining reveal reveals revealed revealing
    estimate estimates estimated estimating insist insists insisted insisting
    warn warns warned warning emphasize emphasizes emphasized emphasizing
    emphasise emphasises emphasised emphasising stress stresses stressed stressing
    assert asserts asserted asserting allege alleges alleged alleging
    acknowledge acknowledges acknowledged acknowledging admit admits admitted admitting
    maintain maintains maintained predict predicts predicted predicting
    suggest suggests suggested suggesting argue argues argued arguing
    believe believes believed think thinks
    urge urges urged urging call calls called calling assure assures assured assuring
    declare declares declared declaring testify testified tweet tweets tweeted
    inform informed briefed describe describes described conclude concluded
    concede conceded promise promised pledge pledged vow vowed
    reiterate reiterates reiterated observe observed comment commented remark remarked
    reply replied respond responded accuse accuses accused forecast forecasts
    caution cautions cautioned
""")
# These double as nouns ("the reports", "its claims"); only read them as verbs
# when no determiner or possessive sits right before them.
NOUN_HOMOGRAPHS = _words(
    "report reports claim claims note notes estimate estimates forecast forecasts "
    "call calls promise comment reply tweet tweets"
)
DETERMINERS = _words("the a an these those this that such his her its their our my your any some no many several")
DENY_VERBS = _words("deny denies denied denying")
REJECT_VERBS = _words(
    "reject rejects rejected rejecting dismiss dismisses dismissed dismissing refute "
    "refutes refuted refuting dispute disputes disputed disputing rebut rebutted"
)
# "rejected the budget" is not a denial; "rejected claims that..." is.
CLAIM_OBJECTS = _words(
    "claim claims allegation allegations report reports suggestion suggestions "
    "accusation accusations assertion assertions charge charges rumour rumours rumor "
    "rumors speculation that as"
)
RELEASE_VERBS = _words(
    "release releases released releasing publish publishes published publishing post "
    "posts posted posting share shares shared sharing circulate circulated distribute "
    "distributed issue issued air aired broadcast leak leaked upload uploaded produce "
    "produced film filmed"
)
MATERIAL_NOUNS = _words(
    "video videos footage clip clips document documents photo photos photograph "
    "photographs picture pictures image images imagery recording recordings audio "
    "tape tapes file files map maps data dataset results figures statistics letter "
    "letters email emails transcript transcripts report reports satellite"
)
NEGATORS = _words("not never no n't cannot")
NEGATING_VERBS = _words("declined refused failed")

# Words that may stand between a source and its verb: "Budanov also said".
SKIP_BEFORE_VERB = _words("""
    also later previously earlier then has have had repeatedly flatly publicly firmly
    officially reportedly further recently again already initially first subsequently
    strongly categorically allegedly is was were are been himself herself itself
    themselves separately immediately quickly swiftly explicitly directly openly
    privately specifically will would could may might can on monday tuesday wednesday
    thursday friday saturday sunday yesterday today
""")
PRONOUNS = _words("he she they it")
RELATIVES = _words("who which whose")

# --- Parts of source names ---------------------------------------------------

TITLE_WORDS = _words("""
    minister ministers president vice-president president-elect prime premier chancellor
    secretary secretary-general spokesperson spokesman spokeswoman spokespeople chief
    head director governor mayor commander general colonel lieutenant admiral chair
    chairman chairwoman chairperson ceo executive founder leader adviser advisor aide
    ambassador envoy official officer deputy analyst economist epidemiologist scientist
    researcher professor expert lawyer attorney prosecutor judge senator congressman
    congresswoman lawmaker mp representative correspondent reporter journalist editor
    commissioner inspector administrator manager coordinator doctor physician nurse dr
    mr mrs ms prof sen rep gov gen col lt sgt capt maj king queen pope patriarch rector
    ombudsman ombudsperson speaker sheriff superintendent dean bishop archbishop
""")
ABBREVIATED_TITLES = _words("dr mr mrs ms prof sen rep gov gen col lt sgt capt maj st")
MODIFIER_WORDS = _words("""
    military intelligence foreign defence defense health interior internal finance
    financial economy economic energy justice education culture information security
    national regional local state federal city senior former acting top vice assistant
    press government police election electoral opposition party army naval navy air
    force communications emergency border central presidential district municipal
    provincial county public affairs agriculture transport environment environmental
    climate trade industry digital legal medical campaign union executive general chief
    interim principal joint armed special civil civilian tax customs prison migration
    immigration human rights monetary fiscal statistics statistical weather
""")
GROUP_WORDS = _words("""
    officials official authorities authority police ministry department agency government military
    army office service commission committee council company bank regulator regulators
    residents witnesses analysts experts economists scientists researchers doctors medics
    observers monitors activists investigators prosecutors lawmakers sources source
    diplomats organisers organizers organization organisation group campaigners
    volunteers rescuers firefighters paramedics administration cabinet parliament court
    board union unions firm manufacturer operator airline insurer hospital institute staff
    companies firms banks agencies ministries governments groups organisations
    organizations operators manufacturers movement coalition alliance network campaign
    initiative charity foundation association society federation league watchdog
    journal newspaper magazine outlet broadcaster website
    farmers workers teachers nurses parents students voters protesters locals citizens
    patients families shopkeepers
""")
PERSON_GROUPS = _words("""
    residents witnesses analysts experts economists scientists researchers doctors medics
    observers monitors activists investigators lawmakers diplomats campaigners
    volunteers rescuers firefighters paramedics farmers workers teachers nurses parents
    students voters protesters locals citizens patients families shopkeepers
""")
REPRESENTATIVE_WORDS = _words("spokesperson spokesman spokeswoman spokespeople representative official press")
CONNECTORS = _words("of for and the de del della da di du van von der den al el bin ibn la le on &")
ARTICLES = _words("the a an")
# Capitalised words that open a sentence or clause rather than a name.
LEFT_TRIM = _words("""
    the a an but and or so yet however meanwhile also still then now later earlier
    separately instead nevertheless moreover furthermore additionally last next this
    that these those it he she they we i you on in at by from for to with without when
    while after before as if although though because since until despite during under
    over according both some many most several such other another every each all any
    no asked speaking today yesterday tonight monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december of
""")
# Nouns for places that sit between a group and its verb:
# "Officials in the Kharkiv region said".
BE_FORMS = _words("is was were are been being be")
PLACE_NOUNS = _words("""
    town city village region district province area oblast county state country capital
    hospital camp port border front frontline base plant factory school university
    neighbourhood neighborhood suburb community island coast valley
""")
LOCATIVE_PREPOSITIONS = _words("in at from near")
DISCOURSE_MARKERS = _words(
    "however meanwhile but and also still yet moreover separately instead nevertheless furthermore additionally so then"
)

# --- Source kinds ------------------------------------------------------------

ORG_WORDS = _words("""
    ministry ministries center centre council commission committee agency service office
    department bank police army navy force forces staff government parliament assembly
    duma rada congress senate house court tribunal university institute foundation
    organization organisation association union party group company corporation corp
    inc ltd llc plc gmbh holdings motors pharma airlines airways energy bureau
    directorate command headquarters administration authority authorities cabinet fund
    network survey observatory channel press news times post journal gazette herald
    tribune independent courier radio tv television broadcasting magazine daily monitor
    mission programme program alliance coalition federation league guard guards brigade
    battalion regiment corps kremlin pentagon secretariat society trust
""")
COMPANY_SUFFIXES = _words(
    "motors pharma inc corp corporation ltd llc plc gmbh ag sa holdings group airlines "
    "airways energy industries technologies systems company co"
)
KNOWN_MEDIA = _phrases("""
    reuters, associated press, afp, agence france presse, bbc, cnn, kyiv independent, kyiv post,
    new york times, washington post, guardian, bloomberg, al jazeera, ukrainska pravda, meduza, tass,
    ria novosti, interfax, ukrinform, financial times, wall street journal, economist, politico, axios,
    nbc, cbs, fox news, sky news, deutsche welle, euronews, le monde, der spiegel, radio free europe,
    rfe rl, voice of america, npr, suspilne, hromadske, novaya gazeta, kommersant, yonhap, nhk, xinhua,
    kyodo, war zone
""")
MEDIA_HEADS = _words(
    "news times post journal gazette herald tribune independent courier radio tv "
    "television broadcasting broadcaster magazine daily press wire newspaper pravda"
)
SOCIAL_WORDS = ("telegram channel", "account", "blogger", "influencer", "channel")
SOCIAL_PREFIX_RE = re.compile(r"^(?:x|twitter|telegram|facebook|instagram|tiktok|youtube|vk)\s*[/:]", re.I)
NGO_NAMES = _phrases("""
    amnesty, human rights watch, red cross, red crescent, msf, medecins sans frontieres,
    doctors without borders, oxfam, save the children, greenpeace, transparency international,
    institute for the study of war, foundation, ngo, charity, nonprofit, non profit, think tank,
    association, society
""")
INTEL_TOKENS = _words("hur gur gru dia")
MINISTRY_PHRASES = _phrases("""
    ministry, ministries, ministerstvo, department of, state department, home office, foreign office,
    treasury
""")
GOVERNMENT_PHRASES = _phrases("""
    pentagon, white house, kremlin, downing street, elysee, center for strategic communication,
    centre for strategic communication, general staff, armed forces, army, navy, air force, police,
    border guard, national guard, emergency service, security service, sbu, fsb, cia, fbi, mi6,
    commission, committee, council, parliament, rada, duma, congress, senate, government, cabinet,
    office of the, presidential office, administration, authority, authorities, agency, prosecutor,
    court, central bank, national bank, federal reserve, city hall, department, election office,
    military, command, directorate, bureau, headquarters, embassy, consulate, officials, regulator,
    united nations, un, world health organization, who, nato, eu, european union, european commission,
    osce, iaea, imf, world bank, unicef, unhcr
""")
# Capitals stand for their governments in news copy ("Moscow denied...").
CAPITAL_CITIES = _words(
    "moscow kyiv kiev washington beijing pyongyang london paris berlin tehran ankara minsk warsaw brussels"
)
PLACE_NAMES = _words("""
    ukraine ukrainian ukrainians russia russian russians north south east west korea korean
    koreans united states kingdom europe european america american china chinese japan
    japanese iran iranian israel israeli gaza palestinian syria syrian turkey turkish
    india indian germany german france french britain british poland polish belarus
    belarusian crimea donetsk luhansk kharkiv kherson zaporizhzhia odesa kursk kyiv
    moscow washington far middle euro-atlantic africa african asia asian arab emirates
""")


# --- Tokens --------------------------------------------------------------------

_TOKEN_RE = re.compile(r"@\w+|(?:[^\W\d_]\.){2,}|\d+(?:[.,:]\d+)*%?|\w+(?:[-'’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")

    @property
    def is_cap(self) -> bool:
        first = self.text[0]
        return self.text.startswith("@") or (first.isalpha() and first.isupper())

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text.startswith("@")


def tokenize(sentence: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(sentence)]


def is_possessive(lower: str) -> bool:
    return lower.endswith("'s")


# --- Checkable content and opinion -------------------------------------------

DATE_RE = re.compile(
    r"(?:\b\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"\b(?:January|February|April|June|July|August|September|October|November|December)\b"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?\b)?(?:,?\s+\d{4}\b)?"
    r"|\b(?:March|May)\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?"
    r"|\b\d{1,2}\s+(?:March|May)\b(?:,?\s+\d{4}\b)?"
    r"|\b(?i:in|since|by|until|early|late|mid|last|next|this)\s+(?:March|May)\b"
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2}\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:1[89]\d{2}|20\d{2})s?\b"
    r"|\b(?i:yesterday|today|tonight|overnight)\b"
    r"|\b(?i:last|this|next|past)\s+(?i:week|weekend|month|year|night|spring|summer|autumn|fall|winter)\b"
    r"|\b\d+\s+(?i:days?|weeks?|months?|years?)\s+ago\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
)
AGE_RE = re.compile(r",\s*\d{1,3},")
NUMBER_RE = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?"
    r"|billions?|trillions?|dozens?|half|third|quarter|twice|double[ds]?|triple[ds]?"
    r"|halved|percent|per\s+cent|majority|minority)\b"
    r"|\b(?:more|less|fewer|greater|higher|lower)\s+than\b",
    re.I,
)
_EVENT_PREFIXES = (
    "kill injur wound attack strik shell bomb launch deploy invad invasion captur seiz "
    "occup liberat withdr retreat advanc arrest detain convict sentenc imprison exchang "
    "approv resign appoint nominat sanction evacuat flood burn explo crash collaps "
    "destroy damag shoot increas decreas surg doubl tripl halv station arriv "
    "visit infect vaccinat hospitali outbreak discover storm protest"
)
_EVENT_WORDS = (
    "died dies die dead death deaths struck hit hits charged jailed signed passed vote "
    "voted elected won win wins defeated fired sacked banned fire fires shot closed "
    "closure opened raised cut cuts rose rise risen rising fell fall fallen falling grew "
    "grow growing dropped drop jumped slowed met meet held hold spread recalled sold sell "
    "sells bought buy buys paid spent"
)
EVENT_RE = re.compile(
    r"\b(?:" + "|".join(_EVENT_PREFIXES.split()) + r")\w*"
    r"|\b(?:" + "|".join(_EVENT_WORDS.split()) + r")\b"
    r"|\bdeclin(?!(?:e|es|ed|ing)\s+to\b)\w*",  # "declined to comment" is no event
    re.I,
)
# Prescriptions, calls to action and declared beliefs: opinion whatever else
# the sentence holds.
STRONG_OPINION_RE = re.compile(
    r"\b(?:should|shouldn['’]t|must|mustn['’]t|ought\s+to|needs?\s+to"
    r"|urg(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+(?:for|on|upon)"
    r"|call(?:s|ed|ing)?\s+(?:it|this|that|them|him|her|the\s+\w+|\w+['’]s\s+\w+)\s+(?:an?\b|[\"“‘])"
    r"|appeal(?:s|ed|ing)?\s+(?:to|for)|demanded|it\s+is\s+time|let\s+us|let['’]s"
    r"|in\s+(?:my|our|his|her|their)\s+(?:view|opinion)|(?:i|we)\s+(?:believe|think|feel|hope)"
    r"|believes?|argu(?:e|es|ed|ing)|condemn\w*|prais(?:e|es|ed|ing)|critici[sz]\w*"
    r"|recommend\w*|advis(?:e|es|ed|ing))\b",
    re.I,
)
# Judgements: the point of the sentence is the verdict, so opinion unless a
# number or a date anchors it.
JUDGEMENT_RE = re.compile(
    r"\b(?:deserv\w*|shameful|disgrace\w*|outrageous|unacceptable|betray\w*|absurd"
    r"|ridiculous|irresponsible|reckless|preventable|avoidable|nonsense|failure|mistake"
    r"|disappoint\w*|blam(?:e|es|ed|ing)|confident|optimistic|pessimistic"
    r"|too\s+(?:slow|slowly|fast|quickly|little|late|much|many|few|high|low|weak|harsh))\b",
    re.I,
)
# Evaluative words that also decorate factual reports ("a horrific attack
# killed..."): opinion only when no event or figure outweighs them.
WEAK_OPINION_RE = re.compile(
    r"\b(?:unfair|fair|shame|outrage|cynical|barbaric|heroic|cowardly|shocking|appalling"
    r"|terrible|horrible|disastrous|clearly|obviously|undoubtedly|surely|best|worst"
    r"|excellent|wonderful|remarkable|important|crucial|vital|essential|urgent\w*"
    r"|precarious|hypocri\w*|propaganda|lies|lying)\b",
    re.I,
)
CANNOT_CONFIRM_RE = re.compile(
    r"\b(?:(?:could|can|would|did|does|do|has|have|had|was|were|is|are)(?:\s+not|n['’]t)"
    r"\s+(?:yet\s+)?(?:been\s+)?(?:able\s+to\s+)?"
    r"|cannot\s+"
    r"|(?:was|were|is|are|has\s+been|have\s+been|had\s+been|remains?|remained)\s+unable\s+to\s+"
    r"|(?:declined|refused|failed)\s+to\s+)"
    r"(?:(?:independently|immediately|yet|officially|publicly|fully)\s+)*"
    r"(?:confirm|verify|corroborate|authenticate|substantiate)\w*",
    re.I,
)
UNVERIFIED_PASSIVE_RE = re.compile(
    r"\b(?:could|can|cannot)(?:\s+not|n['’]t)?\s+be\s+(?:independently\s+)?(?:confirmed|verified)\b",
    re.I,
)
ACCORDING_TO_RE = re.compile(
    r"\baccording\s+to\s+"
    r"(?:(?:a|an|the|its|their|new|latest|recent|preliminary|official|final|initial"
    r"|annual|internal)\s+)*"
    r"(?:(?:statement|report|data|figures|estimates?|survey|poll|study|analysis"
    r"|assessment|tally|count|results|records|documents?|information|update|post"
    r"|message)\s+(?:(?:released|published|compiled|issued|provided|gathered|posted)"
    r"\s+(?:on\s+\w+\s+)?)?(?:from|by|of|at|with|in)\s+)?",
    re.I,
)
# A speaker calling something untrue is denying it: "...said the reports were false".
# Predicative only: "the reports were false", not "accounts that spread false claims".
DENIAL_PREDICATE_RE = re.compile(
    r"\b(?:(?:is|was|were|are|be|been|as|it|them)\s+[\"“]?(?:\w+\s+)?[\"“]?"
    r"(?:exaggerated|overstated|false|fakes?|untrue|baseless|fabricated|groundless"
    r"|unfounded|disinformation|misinformation|a\s+lie|lies)"
    r"|no\s+evidence|not\s+true)\b",
    re.I,
)
UNNAMED_SOURCE_WORDS = _words(
    "people person sources source officials official diplomats residents witnesses analysts experts insiders"
)
# "data from the statistics office showed": the office released the data.
DATA_FROM_RE = re.compile(
    r"\b(?:data|figures|statistics|numbers|results)\s+(?:(?:released|published)\s+)?"
    r"(?:from|by)\s+(?=(?:\w+\s+){0,8}?(?:show|showed|shows|suggest|suggested|indicate|indicated)\b)",
    re.I,
)
REPORTED_BY_RE = re.compile(r"\b(?:as\s+)?(?:first\s+)?reported\s+by\s+", re.I)
CITING_RE = re.compile(
    r"\bciting\s+(?:(?:a|an|the)\s+)?(?:(?:statement|report|post|message)\s+(?:from|by)\s+)?",
    re.I,
)


# --- Article text to sentences -------------------------------------------------

_KICKER_RE = re.compile(
    r"^(?:(?:world|breaking|local|national|international|politics|business|health|science"
    r"|tech|sports?|opinion|analysis|update|updated|exclusive|live|watch|news|latest)\s*){1,3}"
    r"[:|–—-]\s+",
    re.I,
)
_DATELINE_RE = re.compile(
    r"^[A-ZА-ЯЁІЇЄҐ][A-ZА-ЯЁІЇЄҐ .'’-]{1,30}(?:,\s*[\w .]{1,30})?\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+"
)
_BOILERPLATE_RE = re.compile(
    r"(?:author image|news desk|advertisement|share(?: this)?(?: article| story)?|read more.*"
    r"|related(?: articles| stories| news)?:?|subscribe.*|sign up.*|follow us.*|log ?in|menu"
    r"|skip to (?:main )?content|home|toggle navigation|loading\.*|all rights reserved.*"
    r"|©.*|copyright.*|(?:photo|image|picture|video)(?: credit)?\s*:.*|cookies?.*)",
    re.I,
)
_HANDLE_RE = re.compile(
    r"(?:(?:x|twitter|telegram|facebook|instagram|tiktok|youtube)\s*[/:@]\s*@?[\w.]{2,40}|@[\w.]{2,40})", re.I
)
_CAPTION_CREDIT_RE = re.compile(r"\((?:photo|image|video|credit|source)\b[^)]*\)\s*$", re.I)
_TERMINALS = (".", "!", "?", "…", "。", "！", "？")
_BOUNDARY_RE = re.compile(r"[.!?…]+[\"”’'»)\]]*\s+|[。！？]+")
_ABBREVIATIONS = _words("""
    mr mrs ms dr prof gen lt col maj sgt capt cmdr adm sen rep gov pres st mt no nos vs
    e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp jr sr
    u.s u.k u.n e.u a.m p.m approx est fig dept
""")
# Of those, the ones that also end sentences (see _abbreviation_ends_sentence).
_TIME_AND_MONTH_ABBREVIATIONS = _words("a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec")
_CLOSING_ABBREVIATIONS = _words("u.s u.k u.n e.u inc ltd co corp jr sr")


def text_sentences(text: str) -> list[str]:
    """The sentences of an article's plain text, cleaned, in order (a page is first
    read as text by ``verification.intake.extraction.article_sentences``)."""
    sentences = []
    for block in re.split(r"\n\s*\n", text):
        for line in _block_lines(block):
            line = _clean_line(line)
            if not line or _is_boilerplate(line):
                continue
            sentences.extend(s for s in _split_sentences(line) if _looks_like_sentence(s))
    return sentences


def _ends_terminal(line: str) -> bool:
    return line.rstrip(" \"”’')]»").endswith(_TERMINALS)


def _block_lines(block: str) -> list[str]:
    """Lines of a paragraph block, re-joining lines that were hard-wrapped."""
    lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
    if len(lines) >= 3:
        open_lines = [ln for ln in lines[:-1] if not _ends_terminal(ln) and len(ln) >= 30]
        if len(open_lines) * 3 >= (len(lines) - 1) * 2:
            return [" ".join(lines)]
    joined: list[str] = []
    for line in lines:
        if joined and line[0].islower() and not _ends_terminal(joined[-1]):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def _clean_line(line: str) -> str:
    line = re.sub(r"\s+", " ", line).strip()
    line = re.sub(r"^[-*•·]\s+", "", line)
    line = _KICKER_RE.sub("", line)
    return _DATELINE_RE.sub("", line).strip()


def _is_boilerplate(line: str) -> bool:
    if _BOILERPLATE_RE.fullmatch(line) or _HANDLE_RE.fullmatch(line):
        return True
    if line.count("|") >= 2 or _CAPTION_CREDIT_RE.search(line):
        return True
    # Headlines, section heads and bylines: short and without a full stop.
    return not _ends_terminal(line) and len(line.split()) < 16


def _split_sentences(paragraph: str) -> list[str]:
    """Cut at each boundary ``_is_boundary`` accepts. Linear in the paragraph's
    length: the quotation marks are counted as the scan goes."""
    out, start, counted = [], 0, 0
    opened = straight = 0  # “ minus ” and " since the sentence started
    last_close = max(paragraph.rfind("”"), paragraph.rfind('"'))
    for match in _BOUNDARY_RE.finditer(paragraph):
        piece = paragraph[counted : match.end()]
        opened += piece.count("“") - piece.count("”")
        straight += piece.count('"')
        counted = match.end()
        # Keep a multi-sentence quotation together, unless the quote never closes.
        in_quote = (opened > 0 or straight % 2 == 1) and last_close >= match.end()
        if not in_quote and _is_boundary(paragraph, start, match):
            out.append(paragraph[start : match.end()].strip())
            start, opened, straight = match.end(), 0, 0
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def _is_boundary(text: str, start: int, match: re.Match) -> bool:
    if match.group()[0] in "。！？":
        return True
    rest = text[match.end() : match.end() + 60].lstrip("\"“‘'([«")
    # A capital, a digit, or a letter of a script without case (Chinese, Arabic...) opens a sentence.
    if not rest or not (rest[0].isupper() or rest[0].isdigit() or (rest[0].isalpha() and not rest[0].islower())):
        return False
    if match.group()[0] == ".":
        word = text[max(start, text.rfind(" ", start, match.start()) + 1) : match.start()]
        word = word.lstrip("\"“‘'([").lower().rstrip(".")
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return _abbreviation_ends_sentence(word, rest)
    return True


def _abbreviation_ends_sentence(word: str, rest: str) -> bool:
    """ "at 3 a.m. Officials said", "in Jan. Economists", "sent to the U.S. The
    ministry": an abbreviation that also ends sentences does when what follows
    opens one, not "Jan. 12", "a.m. GMT", "p.m. Kyiv time" or "Mr. Smith"."""
    following = rest.split()[:2]
    first = following[0].strip("\"“‘'([«,;:.")
    if word in _TIME_AND_MONTH_ABBREVIATIONS:
        return first[:1].isupper() and not first.isupper() and following[1:] != ["time"]
    return word in _CLOSING_ABBREVIATIONS and first.lower() in LEFT_TRIM


def _looks_like_sentence(sentence: str) -> bool:
    cjk = sum(1 for ch in sentence if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    if cjk >= 8:
        return True
    words = re.findall(r"[^\W\d_]+", sentence)
    if len(words) < 4:
        return False
    return any(w[0].islower() for w in words) or not any(w[0].isupper() for w in words)


# --- Guessing a source's kind (names normalised by sources.text) --------------


def _has_phrase(norm: str, phrases) -> bool:
    padded = f" {norm} "
    return any(f" {p} " in padded for p in phrases)


def _looks_like_person_name(norm_tokens: list[str], raw: str) -> bool:
    if not 1 <= len(norm_tokens) <= 4 or "'" in raw or "’" in raw:
        return False
    if any(t in ORG_WORDS or t in PLACE_NAMES or t in CAPITAL_CITIES for t in norm_tokens):
        return False
    words = [w for w in re.split(r"\s+", raw.strip()) if w]
    return all(w[0].isupper() for w in words if w[0].isalpha())


@functools.lru_cache(maxsize=4096)
def guess_source_kind(name: str, title: str = "") -> str:
    """One of: person, government_body, military_intelligence, ministry,
    media_outlet, ngo, social_account, other. A heuristic, meant as a first guess
    for a reviewer to correct."""
    raw = (name or "").strip()
    norm = normalise_name(raw)
    tokens = norm.split()
    if not tokens:
        return "other"
    if raw.startswith("@") or SOCIAL_PREFIX_RE.match(raw) or _has_phrase(norm, SOCIAL_WORDS):
        return "social_account"
    if _has_phrase(norm, KNOWN_MEDIA) or (tokens[-1] in MEDIA_HEADS and len(tokens) > 1):
        return "media_outlet"
    if INTEL_TOKENS & set(tokens) or (
        "intelligence" in tokens and set(tokens) & {"military", "defence", "defense", "directorate", "main", "ministry"}
    ):
        return "military_intelligence"
    if _has_phrase(norm, MINISTRY_PHRASES):
        return "ministry"
    if _has_phrase(norm, NGO_NAMES):
        return "ngo"
    if _has_phrase(norm, GOVERNMENT_PHRASES) or norm in CAPITAL_CITIES:
        return "government_body"
    if {tokens[0], tokens[-1]} & PERSON_GROUPS or set(tokens) & TITLE_WORDS:
        return "person"
    if _looks_like_person_name(tokens, raw) and (len(tokens) >= 2 or title):
        return "person"
    return "other"
