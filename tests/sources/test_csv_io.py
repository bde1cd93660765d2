import csv
import io

import pytest

from sources.actions import grade_source
from sources.csv_io import COLUMNS, CsvImportError, export_sources, import_sources
from sources.models import Conflict, ConflictParty, Source, SourceAlias, SourceEvent, SourceGrade
from tests.conftest import PASSWORD

HEADER = ",".join(COLUMNS)


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def records(adam, make_source):
    mod = make_source(name="Ministry of Defence of Ukraine", kind="ministry", country="UA")
    hur = make_source(
        name="HUR", kind="military_intelligence", country="UA", parent=mod, homepage="https://example.org/hur"
    )
    budanov = make_source(name="Kyrylo Budanov", country="UA", parent=hur, notes="Head of HUR, 2024.")
    SourceAlias.objects.create(source=budanov, name="Буданов")
    SourceAlias.objects.create(source=budanov, name="Kirill Budanov")
    war = Conflict.objects.create(name="Russia–Ukraine war")
    for source in (mod, hur, budanov):
        ConflictParty.objects.create(source=source, conflict=war, side="Ukraine")
    grade_source(adam, budanov.pk, "C", "Party to the war.")
    make_source(name="Pat Ryder", country="US")
    return budanov


@pytest.mark.django_db
def test_it_exports_and_reimports_the_same_records(adam, records):
    text = export_sources()
    budanov = next(row for row in rows_of(text) if row["name"] == "Kyrylo Budanov")
    assert budanov == {
        "name": "Kyrylo Budanov",
        "kind": "person",
        "parent": "HUR",
        "country": "UA",
        "homepage": "",
        "aliases": "Kirill Budanov|Буданов",
        "conflict": "Russia–Ukraine war",
        "side": "Ukraine",
        "reliability": "C",
        "notes": "Head of HUR, 2024.",
    }
    events = SourceEvent.objects.count()
    result = import_sources(adam, text.encode())
    assert (result.created, result.updated, result.unchanged, result.graded) == ([], [], 4, 0)
    assert SourceEvent.objects.count() == events and SourceGrade.objects.count() == 1
    # Into an empty desk: the same file recreates the same records.
    SourceGrade.objects.all().delete()
    for source in Source.objects.order_by("-pk"):
        source.delete()
    result = import_sources(adam, text.encode(), filename="sources.csv")
    assert sorted(result.created) == ["HUR", "Kyrylo Budanov", "Ministry of Defence of Ukraine", "Pat Ryder"]
    assert export_sources() == text
    budanov = Source.objects.get(name="Kyrylo Budanov")
    assert budanov.parent.parent.name == "Ministry of Defence of Ukraine"
    assert budanov.grades.get().rationale == "Imported from sources.csv, row 3."
    assert budanov.events.filter(kind="imported", actor=adam).exists()


@pytest.mark.django_db
def test_it_reports_every_bad_row_and_imports_nothing(adam, records):
    before = {model: model.objects.count() for model in (Source, SourceAlias, ConflictParty, SourceGrade, SourceEvent)}
    text = "\n".join(
        [
            HEADER,
            "New Desk,media_outlet,,,,,,,,fine row",
            "Someone,wizard,,UA,,,,,,",
            "Someone else,person,Nobody Known,Ukraine,,,,,,",
            ",person,,,,,,,Q,",
            "Pat Ryder,person,,US,not a url,,Russia–Ukraine war,,,",
            "Pat Ryder,person,,US,,,,,,",
            "Too,few,fields",
        ]
    )
    with pytest.raises(CsvImportError) as failure:
        import_sources(adam, text.encode())
    found = [(e.row, e.column) for e in failure.value.errors]
    assert found == [
        (3, "kind"),
        (4, "parent"),
        (4, "country"),
        (5, "name"),
        (5, "reliability"),
        (6, "homepage"),
        (6, "side"),
        (7, "name"),
        (8, ""),
    ]
    assert "'wizard' is not a kind" in failure.value.errors[0].reason
    assert {model: model.objects.count() for model in before} == before
    assert not Source.objects.filter(name="New Desk").exists()


@pytest.mark.django_db
def test_it_refuses_a_file_with_the_wrong_header_or_encoding(adam):
    for data, reason in [
        (b"name,kind\nA,person\n", "missing column"),
        ("\ufeff".join(["", HEADER]).encode("utf-16"), "UTF-8"),
    ]:
        with pytest.raises(CsvImportError, match=reason):
            import_sources(adam, data)
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_parent_loop_inside_the_file(adam):
    text = "\n".join([HEADER, "A,person,B,,,,,,,", "B,person,A,,,,,,,"])
    with pytest.raises(CsvImportError) as failure:
        import_sources(adam, text.encode())
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "parent"), (3, "parent")]


@pytest.mark.django_db
def test_it_imports_and_exports_through_the_admin(client, adam, records):
    client.login(username="adam", password=PASSWORD)
    listing = client.get("/admin/sources/source/").content.decode()
    assert "/admin/sources/source/import-csv/" in listing and "/admin/sources/source/export-csv/" in listing
    exported = client.get("/admin/sources/source/export-csv/")
    assert exported["Content-Type"].startswith("text/csv") and "attachment" in exported["Content-Disposition"]
    assert exported.content.decode() == export_sources()

    bad = io.BytesIO(f"{HEADER}\nX,wizard,,,,,,,,\nY,person,,USA,,,,,,\n".encode())
    bad.name = "bad.csv"
    page = client.post("/admin/sources/source/import-csv/", {"file": bad})
    assert page.status_code == 400
    text = page.content.decode()
    assert (
        "nothing was imported" in text
        and "wizard&#x27; is not a kind" in text
        and "two-letter ISO country code" in text
    )
    assert not Source.objects.filter(name__in=["X", "Y"]).exists()

    good = io.BytesIO(f"{HEADER}\nSPRAVDI,government_body,,UA,,Центр стратегічних комунікацій,,,D,\n".encode())
    good.name = "good.csv"
    done = client.post("/admin/sources/source/import-csv/", {"file": good}, follow=True)
    assert "1 created" in done.content.decode()
    spravdi = Source.objects.get(name="SPRAVDI")
    assert spravdi.reliability == "D" and spravdi.aliases.get().name == "Центр стратегічних комунікацій"


@pytest.mark.django_db
def test_it_exports_the_selected_records_from_the_list_action(client, adam, records):
    client.login(username="adam", password=PASSWORD)
    response = client.post("/admin/sources/source/", {"action": "export_selected", "_selected_action": [records.pk]})
    assert [row["name"] for row in rows_of(response.content.decode())] == ["Kyrylo Budanov"]
