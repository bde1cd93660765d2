"""GET /sources and /sources/{id}; POST and PATCH for admins."""

import json

import pytest

from sources.models import Conflict, ConflictParty, Source, SourceEvent, SourceGrade, SourceRelation, TrackRecord
from tests.api.core_support import key_client, make_key, problem_of, session_client


@pytest.mark.django_db
def test_it_shows_a_source_with_grades_track_record_and_affiliations(adam, make_source):
    ministry = make_source(name="Ministry of Defence", kind="ministry", country="UA")
    hur = make_source(name="HUR", kind="military_intelligence", parent=ministry, country="UA", notes="internal note")
    budanov = make_source(parent=hur, country="UA")
    outlet = make_source(name="Ukrainska Pravda", kind="media_outlet")
    SourceRelation.objects.create(from_source=outlet, to_source=budanov, kind="relays")
    ConflictParty.objects.create(
        source=budanov, conflict=Conflict.objects.create(name="Russia–Ukraine war"), side="Ukraine"
    )
    SourceGrade.objects.create(source=budanov, grade="C", rationale="Mixed record", graded_by=adam)
    SourceGrade.objects.create(source=budanov, grade="B", rationale="Better lately", graded_by=adam)
    TrackRecord.objects.create(
        source=budanov, mean=0.7, interval_low=0.5, interval_high=0.85, effective_n=9.5, count=10
    )

    data = key_client(make_key("read")).get(f"/api/v1/sources/{budanov.pk}").json()
    assert data["ancestors"] == [{"id": hur.pk, "name": "HUR"}, {"id": ministry.pk, "name": "Ministry of Defence"}]
    assert data["affiliations"] == [
        {"kind": "relays", "direction": "incoming", "source": {"id": outlet.pk, "name": outlet.name}}
    ]
    assert data["conflicts"] == [{"conflict": "Russia–Ukraine war", "side": "Ukraine"}]
    assert [g["grade"] for g in data["grades"]] == ["B", "C"] and "graded_by" not in data["grades"][0]
    assert data["track_record"]["mean"] == 0.7 and data["track_record"]["count"] == 10
    assert "notes" not in data

    assert "notes" not in key_client(make_key("read")).get(f"/api/v1/sources/{hur.pk}").json()
    assert session_client(adam).get(f"/api/v1/sources/{hur.pk}").json()["notes"] == "internal note"
    assert session_client(adam).get(f"/api/v1/sources/{budanov.pk}").json()["grades"][0]["graded_by"] == "adam"
    assert session_client(adam).get(f"/api/v1/sources/{ministry.pk}").json()["track_record"] is None


@pytest.mark.django_db
def test_it_lists_sources_by_name_alias_kind_and_country(make_source):
    budanov = make_source(country="UA")
    budanov.aliases.create(name="Буданов")
    make_source(name="Ministry of Defence", kind="ministry", country="RU")
    client = key_client(make_key("read"))
    names = lambda r: [s["name"] for s in r.json()["results"]]  # noqa: E731
    assert names(client.get("/api/v1/sources?q=Буданов")) == ["Kyrylo Budanov"]
    assert names(client.get("/api/v1/sources?q=budanov")) == ["Kyrylo Budanov"]
    assert names(client.get("/api/v1/sources?kind=ministry")) == ["Ministry of Defence"]
    assert names(client.get("/api/v1/sources?country=ua")) == ["Kyrylo Budanov"]
    assert names(client.get("/api/v1/sources")) == ["Kyrylo Budanov", "Ministry of Defence"]
    problem_of(client.get("/api/v1/sources?kind=alien"), 400)


@pytest.mark.django_db
def test_it_lets_an_admin_add_and_grade_a_source(adam, make_source):
    ministry = make_source(name="Ministry of Defence", kind="ministry")
    body = {
        "name": "General Staff",
        "kind": "military_intelligence",
        "country": "UA",
        "parent": ministry.pk,
        "aliases": ["Генштаб", "Genshtab"],
        "grade": {"grade": "B", "rationale": "Usually confirmed."},
    }
    response = session_client(adam).post("/api/v1/sources", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    source = Source.objects.get(name="General Staff")
    assert response["Location"] == f"/api/v1/sources/{source.pk}"
    assert source.parent == ministry and source.reliability == "B"
    assert sorted(response.json()["aliases"]) == ["Genshtab", "Генштаб"]
    assert list(source.grades.values_list("grade", "graded_by__username")) == [("B", "adam")]
    assert set(SourceEvent.objects.filter(source=source).values_list("kind", flat=True)) == {"created", "graded"}


@pytest.mark.django_db
def test_it_lets_an_admin_key_edit_a_source_but_not_into_a_loop_or_a_duplicate(adam, make_source):
    ministry = make_source(name="Ministry of Defence", kind="ministry")
    hur = make_source(name="HUR", parent=ministry)
    client = key_client(make_key("admin", adam))
    patch = lambda pk, body: client.patch(f"/api/v1/sources/{pk}", json.dumps(body), content_type="application/json")  # noqa: E731
    ok = patch(hur.pk, {"homepage": "https://gur.gov.ua/", "grade": {"grade": "C", "rationale": "Fair."}})
    assert ok.status_code == 200 and ok.json()["reliability"] == "C" and ok.json()["homepage"] == "https://gur.gov.ua/"
    assert "parent" in problem_of(patch(ministry.pk, {"parent": hur.pk}), 400)["errors"]
    duplicate = problem_of(patch(hur.pk, {"name": "Ministry of Defence", "country": ""}), 409)
    assert duplicate["type"].endswith(":duplicate_source") and duplicate["existing_id"] == ministry.pk
    assert "grade.grade" in problem_of(patch(hur.pk, {"grade": {"grade": "Z", "rationale": "x"}}), 400)["errors"]
    ministry.refresh_from_db()
    hur.refresh_from_db()
    assert ministry.parent is None and hur.name == "HUR" and hur.reliability == "C"
    assert SourceEvent.objects.filter(source=hur, kind="edited").count() == 1
