"""More ways a seed file can be wrong: each is refused with one line naming the
file, the item and the field, saying what to write instead, and nothing is
written. Companion to test_seed_bad_input.py, which pins the original cases."""

import copy
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from sources.models import Source
from verification.models import Claim

STORY = json.loads((Path(__file__).resolve().parents[2] / "seeds" / "north-korean-troops-kursk.json").read_text())
FILE = "story.json"
FIRST = 'claims[0] "A first group'
BUDANOV = 'sources[2] "Kyrylo Budanov"'


def budanov(story):
    return next(s for s in story["sources"] if s["name"] == "Kyrylo Budanov")


def claim(story, start):
    return next(c for c in story["claims"] if c["text"].startswith(start))


def first(story):
    return claim(story, "A first group")


def row_counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def refused(folder) -> list[str]:
    """The error lines of a refused `seed`, after checking that it wrote nothing."""
    before = row_counts()
    with pytest.raises(CommandError) as error:
        call_command("seed", path=str(folder), verbosity=0)
    assert "nothing was written" in str(error.value)
    assert row_counts() == before
    return [line.strip() for line in str(error.value).splitlines()[1:]]


def write(folder, name, data) -> None:
    (folder / name).write_text(json.dumps(data, ensure_ascii=False))


# (what to spoil, item, field, message): each spoils the story in exactly one place.
CASES = [
    (lambda s: budanov(s).update(nmae="x"), BUDANOV, "field 'nmae'", "Unknown field; use name, kind, country"),
    (lambda s: s.update(claim=[]), "", "field 'claim'", "Unknown section; use story, conflicts, sources"),
    (lambda s: s.update(relations={}), "", "field 'relations'", "Must be a list."),
    (lambda s: s["claims"].append(None), "claims[6]", "", "Expected an object with named fields."),
    (
        lambda s: s["sources"].append(copy.deepcopy(budanov(s))),
        'sources[11] "Kyrylo Budanov"',
        "field 'name'",
        "'Kyrylo Budanov' is already defined at sources[2] in story.json; keep one.",
    ),
    (
        lambda s: first(s)["attributions"][1].update(relays="Pat Ryder"),
        FIRST,
        "field 'attributions[1].relays'",
        "'Pat Ryder' must be attributed earlier in this claim to be relayed.",
    ),
    (
        lambda s: budanov(s)["parties"][0].update(conflict="Korean War"),
        BUDANOV,
        "field 'parties[0].conflict'",
        "Unknown conflict 'Korean War': define it under \"conflicts\".",
    ),
    (
        lambda s: budanov(s)["parties"].append({"conflict": "Russia–Ukraine war", "side": "Russia"}),
        BUDANOV,
        "field 'parties[1].conflict'",
        "A source has one side per conflict",
    ),
    (
        lambda s: s["relations"][0].update(to=s["relations"][0]["from"]),
        "relations[0]",
        "field 'to'",
        "A source cannot be related to itself.",
    ),
    (
        lambda s: first(s)["appearances"].append(
            {"url": first(s)["appearances"][0]["url"].replace("https://", "http://www.")}
        ),
        FIRST,
        "field 'appearances[1].url'",
        "This claim already has an appearance at that address; keep one.",
    ),
    (
        lambda s: claim(s, "A video shows")["evidence"][0].update(notes=""),
        'claims[2] "A video shows',
        "field 'evidence[0].notes'",
        "Give a URL or describe the item in the notes",
    ),
    (
        lambda s: claim(s, "The Pentagon")["assessment"].update(signed_off_by="factchecker"),
        'claims[4] "The Pentagon',
        "field 'assessment.signed_off_by'",
        "Sign-off needs a second person, not the reviewer.",
    ),
    (
        lambda s: first(s).update(first_made_at="2024-10-18T00:00:00"),
        FIRST,
        "field 'first_made_at'",
        "'2024-10-18T00:00:00' is not an ISO 8601 time with a zone, e.g. 2024-10-18T09:00:00Z.",
    ),
    (
        lambda s: first(s).update(first_made_at="2024-13-18T00:00:00Z"),
        FIRST,
        "field 'first_made_at'",
        "'2024-13-18T00:00:00Z' is not an ISO 8601 time with a zone",
    ),
    (
        lambda s: first(s)["appearances"][0].update(url="https://example.org:port/x"),
        FIRST,
        "field 'appearances[0].url'",
        "'https://example.org:port/x' is not an http(s) URL.",
    ),
    (
        lambda s: budanov(s).update(homepage="ftp://example.org/"),
        BUDANOV,
        "field 'homepage'",
        "'ftp://example.org/' is not an http(s) URL.",
    ),
    (
        lambda s: budanov(s).update(notes="HUR\x00chief"),
        BUDANOV,
        "field 'notes'",
        "Contains a NUL character (\\u0000); remove it.",
    ),
    (
        lambda s: budanov(s).update(country="Ukraine"),
        BUDANOV,
        "field 'country'",
        "'UKRAINE' is not a two-letter ISO country code (e.g. UA, US).",
    ),
    (
        lambda s: budanov(s)["aliases"].extend(["BUDANOV", "budanov"]),
        BUDANOV,
        "field 'aliases'",
        "Two aliases normalise to the same spelling 'budanov'; keep one.",
    ),
    (
        lambda s: first(s).update(tags=["kursk", "  "]),
        FIRST,
        "field 'tags[1]'",
        "May not be empty.",
    ),
    (
        lambda s: first(s)["attributions"][0].update(quote=2600),
        FIRST,
        "field 'attributions[0].quote'",
        "Must be text.",
    ),
    (
        lambda s: first(s).update(priority="80"),
        FIRST,
        "field 'priority'",
        "'80' is not a whole number; write one from 0 to 100, without quotes.",
    ),
    (
        lambda s: claim(s, "The Pentagon")["assessment"].update(confidence=True),
        'claims[4] "The Pentagon',
        "field 'assessment.confidence'",
        "True is not a number; write one from 0 to 1",
    ),
    (lambda s: budanov(s).update(grade="C"), BUDANOV, "field 'grade'", "Expected an object with named fields."),
    (lambda s: budanov(s)["grade"].pop("rationale"), BUDANOV, "field 'grade.rationale'", "Required."),
    (lambda s: budanov(s).update(kind=None), BUDANOV, "field 'kind'", "Required."),
]


@pytest.mark.django_db
@pytest.mark.parametrize("spoil, item, field, message", CASES, ids=[c[2][7:-1] or "item" for c in CASES])
def test_it_refuses_a_bad_value_with_one_precise_line(spoil, item, field, message, tmp_path, settings):
    settings.DEBUG = True  # demo users would be written too, were anything written
    story = copy.deepcopy(STORY)
    spoil(story)
    write(tmp_path, FILE, story)
    lines = refused(tmp_path)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{FILE}: {item}"), lines[0]
    assert field in lines[0] and message in lines[0], lines[0]


@pytest.mark.django_db
def test_it_names_every_source_in_a_parent_loop(tmp_path):
    story = copy.deepcopy(STORY)
    story["sources"][0]["parent"] = "Kyrylo Budanov"  # the ministry under its own intelligence chief
    write(tmp_path, FILE, story)
    lines = refused(tmp_path)
    assert lines == [
        f"{FILE}: sources[{i}] \"{name}\", field 'parent': The parent chain from '{name}' loops back on itself."
        for i, name in enumerate(
            ["Ministry of Defence of Ukraine", "HUR (Main Directorate of Intelligence)", "Kyrylo Budanov"]
        )
    ]


@pytest.mark.django_db
def test_it_refuses_what_a_second_file_defines_again(tmp_path):
    write(tmp_path, "a.json", STORY)
    write(tmp_path, "b.json", {"sources": [STORY["sources"][1]], "claims": [STORY["claims"][0]]})
    lines = refused(tmp_path)
    assert lines == [
        "b.json: sources[0] \"HUR (Main Directorate of Intelligence)\", field 'name': "
        "'HUR (Main Directorate of Intelligence)' is already defined at sources[1] in a.json; keep one.",
        "b.json: claims[0] \"A first group of 2,600 North Korean soldiers is to…\", field 'text': "
        "The same claim is already at claims[0] in a.json; keep one.",
    ]


@pytest.mark.django_db
def test_it_lets_one_file_refer_to_sources_another_defines(tmp_path):
    write(tmp_path, "a.json", {"sources": [{"name": "Solo Desk", "kind": "media_outlet"}]})
    write(
        tmp_path,
        "b.json",
        {"claims": [{"text": "A claim.", "attributions": [{"source": "Solo Desk", "role": "stated"}]}]},
    )
    call_command("seed", path=str(tmp_path), verbosity=0)
    assert Claim.objects.get().attributions.get().source == Source.objects.get(name="Solo Desk")


@pytest.mark.django_db
def test_it_refers_to_a_source_already_in_the_database(tmp_path, make_source):
    desk = make_source("Solo Desk", kind="media_outlet")
    write(
        tmp_path, FILE, {"claims": [{"text": "A claim.", "attributions": [{"source": "Solo Desk", "role": "stated"}]}]}
    )
    call_command("seed", path=str(tmp_path), verbosity=0)
    assert Claim.objects.get().attributions.get().source == desk
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_name_two_live_records_share(tmp_path, make_source):
    make_source("Solo Desk", kind="media_outlet", country="UA")
    make_source("Solo Desk", kind="media_outlet", country="US")
    write(
        tmp_path, FILE, {"claims": [{"text": "A claim.", "attributions": [{"source": "Solo Desk", "role": "stated"}]}]}
    )
    assert refused(tmp_path) == [
        f"{FILE}: claims[0] \"A claim.\", field 'attributions[0].source': "
        "2 live records are named 'Solo Desk'; merge or rename them first."
    ]


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_one_object(tmp_path):
    (tmp_path / "a.json").write_text("null")
    (tmp_path / "b.json").write_text("[]")
    assert refused(tmp_path) == [
        "a.json: The file must hold one JSON object.",
        "b.json: The file must hold one JSON object.",
    ]


@pytest.mark.django_db
def test_it_refuses_a_folder_without_seed_files(tmp_path):
    (tmp_path / "story.txt").write_text("not a seed")
    assert refused(tmp_path) == [f"{tmp_path}: No *.json seed files in this folder."]


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    (tmp_path / FILE).write_bytes('{"story": "Кursk"}'.encode("cp1251"))
    [line] = refused(tmp_path)
    assert line.startswith(f"{FILE}: Not valid UTF-8 JSON: 'utf-8' codec can't decode byte")
