"""A bad seed file is refused with an error naming the file, the item and the
field, and nothing at all is written (demo users included)."""

import copy
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

STORY = json.loads((Path(__file__).resolve().parents[2] / "seeds" / "north-korean-troops-kursk.json").read_text())
FILE = "story.json"


def budanov(story):
    return next(s for s in story["sources"] if s["name"] == "Kyrylo Budanov")


def claim(story, start):
    return next(c for c in story["claims"] if c["text"].startswith(start))


def _unknown_parent(story):
    budanov(story)["parent"] = "Directorate That Does Not Exist"


def _unknown_kind(story):
    budanov(story)["kind"] = "spy"


def _unknown_role(story):
    claim(story, "A first group")["attributions"][0]["role"] = "whispered"


def _confidence(story):
    claim(story, "The Pentagon")["assessment"]["confidence"] = 1.5


def _credibility(story):
    claim(story, "A video shows")["evidence"][0]["credibility"] = 9


def _empty_text(story):
    claim(story, "The camp video")["text"] = "   "


def _duplicate_attribution(story):
    first = claim(story, "A first group")
    first["attributions"].append(dict(first["attributions"][0]))


def _grade(story):
    budanov(story)["grade"]["grade"] = "Z"


CASES = [
    (
        _unknown_parent,
        'sources[2] "Kyrylo Budanov"',
        "field 'parent'",
        "Unknown source 'Directorate That Does Not Exist'",
    ),
    (_unknown_kind, 'sources[2] "Kyrylo Budanov"', "field 'kind'", "'spy' is not allowed"),
    (_unknown_role, 'claims[0] "A first group', "field 'attributions[0].role'", "'whispered' is not allowed"),
    (_confidence, 'claims[4] "The Pentagon could not confirm', "field 'assessment.confidence'", "1.5 is out of range"),
    (_credibility, 'claims[2] "A video shows', "field 'evidence[0].credibility'", "9 is out of range"),
    (_empty_text, "claims[3]", "field 'text'", "May not be empty"),
    (_duplicate_attribution, 'claims[0] "A first group', "field 'attributions[2].role'", "Duplicate attribution"),
    (_grade, 'sources[2] "Kyrylo Budanov"', "field 'grade.grade'", "'Z' is not an Admiralty grade"),
]


def row_counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("spoil, item, field, message", CASES, ids=[case[0].__name__.strip("_") for case in CASES])
def test_it_names_the_bad_field_and_writes_nothing(spoil, item, field, message, tmp_path, settings):
    settings.DEBUG = True
    story = copy.deepcopy(STORY)
    spoil(story)
    (tmp_path / FILE).write_text(json.dumps(story, ensure_ascii=False))
    before = row_counts()
    with pytest.raises(CommandError) as error:
        call_command("seed", path=str(tmp_path), verbosity=0)
    lines = [line for line in str(error.value).splitlines() if line.strip().startswith(FILE)]
    assert len(lines) == 1, str(error.value)
    assert item in lines[0] and field in lines[0] and message in lines[0], lines[0]
    assert "nothing was written" in str(error.value)
    assert row_counts() == before


@pytest.mark.django_db
def test_it_reports_every_error_at_once(tmp_path):
    story = copy.deepcopy(STORY)
    for spoil, *_ in CASES:
        spoil(story)
    (tmp_path / FILE).write_text(json.dumps(story, ensure_ascii=False))
    with pytest.raises(CommandError) as error:
        call_command("seed", path=str(tmp_path), verbosity=0)
    for _, item, field, message in CASES:
        assert any(item in line and field in line and message in line for line in str(error.value).splitlines()), field


@pytest.mark.django_db
def test_it_points_at_broken_json(tmp_path):
    (tmp_path / FILE).write_text('{"sources": [}')
    with pytest.raises(CommandError, match=r"story.json: line 1, column 14: Not valid UTF-8 JSON"):
        call_command("seed", path=str(tmp_path), verbosity=0)
