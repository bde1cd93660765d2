"""The standard meaning of each Admiralty grade, shown wherever a grade is set.

The short labels come from sources.credibility.records (RELIABILITY_GRADES,
INFORMATION_CREDIBILITY); these are the longer definitions (after the NATO/US
Army source-evaluation tables) that a grader should weigh.
"""

from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from sources.credibility.records import INFORMATION_CREDIBILITY, RELIABILITY_GRADES

# The short labels ("Usually reliable") live in sources.credibility.records; only the elaboration lives here.
_RELIABILITY_DETAIL = {
    "A": "no doubt about authenticity, trustworthiness or competence; a history of complete reliability.",
    "B": "minor doubt about authenticity, trustworthiness or competence; "
    "a history of valid information most of the time.",
    "C": "doubt about authenticity, trustworthiness or competence, but has provided valid information in the past.",
    "D": "significant doubt about authenticity, trustworthiness or competence, "
    "but has provided valid information in the past.",
    "E": "lacking in authenticity, trustworthiness and competence; a history of invalid information.",
    "F": "no basis exists for evaluating the source.",
}

_CREDIBILITY_DETAIL = {
    1: "confirmed by independent sources; logical in itself; consistent with other information.",
    2: "not confirmed; logical in itself; consistent with other information on the subject.",
    3: "not confirmed; reasonably logical in itself; agrees with some other information.",
    4: "not confirmed; possible but not logical; no other information on the subject.",
    5: "not confirmed; not logical in itself; contradicted by other information.",
    6: "no basis exists for evaluating the validity of the information.",
}

RELIABILITY_MEANING = {grade: f"{RELIABILITY_GRADES[grade]}: {detail}" for grade, detail in _RELIABILITY_DETAIL.items()}
CREDIBILITY_MEANING = {
    grade: f"{INFORMATION_CREDIBILITY[grade]}: {detail}" for grade, detail in _CREDIBILITY_DETAIL.items()
}


def reliability_help() -> str:
    """HTML for a form's help text (the admin renders help text unescaped, so escape here)."""
    return format_html_join(mark_safe("<br>"), "<b>{}</b> – {}", RELIABILITY_MEANING.items())


def credibility_help() -> str:
    return format_html_join(mark_safe("<br>"), "<b>{}</b> – {}", CREDIBILITY_MEANING.items())
