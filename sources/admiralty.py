"""The standard meaning of each Admiralty grade, shown wherever a grade is set.

The short labels come from sources.credibility.records (RELIABILITY_GRADES,
INFORMATION_CREDIBILITY); these are the longer definitions (after the NATO/US
Army source-evaluation tables) that a grader should weigh.
"""

from django.utils.functional import lazy
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from sources.credibility.records import INFORMATION_CREDIBILITY, RELIABILITY_GRADES

# The short labels ("Usually reliable") live in sources.credibility.records; only the elaboration lives here.
_RELIABILITY_DETAIL = {
    "A": gettext_lazy("no doubt about authenticity, trustworthiness or competence; a history of complete reliability."),
    "B": gettext_lazy(
        "minor doubt about authenticity, trustworthiness or competence; "
        "a history of valid information most of the time."
    ),
    "C": gettext_lazy(
        "doubt about authenticity, trustworthiness or competence, but has provided valid information in the past."
    ),
    "D": gettext_lazy(
        "significant doubt about authenticity, trustworthiness or competence, "
        "but has provided valid information in the past."
    ),
    "E": gettext_lazy("lacking in authenticity, trustworthiness and competence; a history of invalid information."),
    "F": gettext_lazy("no basis exists for evaluating the source."),
}

_CREDIBILITY_DETAIL = {
    1: gettext_lazy("confirmed by independent sources; logical in itself; consistent with other information."),
    2: gettext_lazy("not confirmed; logical in itself; consistent with other information on the subject."),
    3: gettext_lazy("not confirmed; reasonably logical in itself; agrees with some other information."),
    4: gettext_lazy("not confirmed; possible but not logical; no other information on the subject."),
    5: gettext_lazy("not confirmed; not logical in itself; contradicted by other information."),
    6: gettext_lazy("no basis exists for evaluating the validity of the information."),
}

# Lazy, so each is worded in the reader's language when shown.
RELIABILITY_MEANING = {
    grade: format_lazy("{}: {}", RELIABILITY_GRADES[grade], detail) for grade, detail in _RELIABILITY_DETAIL.items()
}
CREDIBILITY_MEANING = {
    grade: format_lazy("{}: {}", INFORMATION_CREDIBILITY[grade], detail)
    for grade, detail in _CREDIBILITY_DETAIL.items()
}


def _reliability_help() -> str:
    """HTML for a form's help text (the admin renders help text unescaped, so escape here)."""
    return format_html_join(mark_safe("<br>"), "<b>{}</b> – {}", RELIABILITY_MEANING.items())


def _credibility_help() -> str:
    return format_html_join(mark_safe("<br>"), "<b>{}</b> – {}", CREDIBILITY_MEANING.items())


# For help_text= at import: worded when a form is shown, in the reader's language.
reliability_help = lazy(_reliability_help, str)
credibility_help = lazy(_credibility_help, str)
