"""The source pages of the admin: merge action, grade form, alias search."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from sources.models import Source, SourceAlias, SourceGrade
from tests.conftest import PASSWORD

CHANGELIST = "/admin/sources/source/"


@pytest.fixture
def admin_client(client, adam):
    client.login(username="adam", password=PASSWORD)
    return client


@pytest.mark.django_db
def test_it_asks_which_record_to_keep_then_merges(admin_client, make_source):
    keep = make_source(name="Kyrylo Budanov", country="UA")
    dup = make_source(name="Budanov K.", country="UA")
    selected = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [keep.pk, dup.pk]}
    page = admin_client.post(CHANGELIST, selected)
    assert page.status_code == 200 and b"Choose the record to keep" in page.content
    assert b"Budanov K." in page.content and not Source.objects.filter(merged_into__isnull=False).exists()
    done = admin_client.post(
        CHANGELIST, {**selected, "confirm": "yes", "keep": keep.pk, "note": "Same man."}, follow=True
    )
    assert b"Merged 1 record into Kyrylo Budanov" in done.content
    dup.refresh_from_db()
    assert dup.merged_into == keep and keep.aliases.filter(name="Budanov K.").exists()


@pytest.mark.django_db
def test_it_offers_no_merge_to_an_editor_in_the_admin(client, erin, make_source):
    erin.is_staff = True
    erin.save()
    client.login(username="erin", password=PASSWORD)
    keep, dup = make_source(name="A"), make_source(name="B")
    response = client.post(
        CHANGELIST,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [keep.pk, dup.pk], "confirm": "yes", "keep": keep.pk},
    )
    assert response.status_code in (302, 403)
    assert not Source.objects.filter(merged_into__isnull=False).exists()


def _source_form(source, **extra):
    data = {
        "name": source.name,
        "kind": source.kind,
        "parent": "",
        "country": source.country,
        "homepage": "",
        "notes": "",
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        "conflict_parties-TOTAL_FORMS": 0,
        "conflict_parties-INITIAL_FORMS": 0,
        "grades-TOTAL_FORMS": source.grades.count(),
        "grades-INITIAL_FORMS": source.grades.count(),
        "grades-2-TOTAL_FORMS": 1,
        "grades-2-INITIAL_FORMS": 0,
    }
    for index, grade in enumerate(source.grades.all()):
        data[f"grades-{index}-id"] = grade.pk
        data[f"grades-{index}-source"] = source.pk
    data.update(extra)
    return data


@pytest.mark.django_db
def test_it_adds_a_grade_from_the_source_page_and_never_edits_old_ones(admin_client, adam, make_source):
    source = make_source()
    url = f"/admin/sources/source/{source.pk}/change/"
    page = admin_client.get(url)
    assert b"Completely reliable: no doubt about authenticity" in page.content  # the meaning of each grade
    response = admin_client.post(
        url, _source_form(source, **{"grades-2-0-grade": "B", "grades-2-0-rationale": "Borne out."})
    )
    assert response.status_code == 302, response.content[:2000]
    response = admin_client.post(
        url,
        _source_form(
            source,
            **{
                "grades-2-0-grade": "D",
                "grades-2-0-rationale": "Contradicted.",
                "grades-0-grade": "A",
                "grades-0-rationale": "Rewritten",
            },
        ),
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.reliability == "D"
    assert list(source.grades.values_list("grade", "rationale", "graded_by")) == [
        ("D", "Contradicted.", adam.pk),
        ("B", "Borne out.", adam.pk),
    ]
    grade = SourceGrade.objects.get(grade="B")
    assert admin_client.post(f"/admin/sources/sourcegrade/{grade.pk}/change/", {"grade": "A"}).status_code == 403
    assert admin_client.post(f"/admin/sources/sourcegrade/{grade.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SourceGrade.objects.get(pk=grade.pk).grade == "B"


@pytest.mark.django_db
def test_it_finds_a_source_by_an_alias_in_another_script(admin_client, make_source):
    budanov = make_source(name="Kyrylo Budanov")
    SourceAlias.objects.create(source=budanov, name="Буданов")
    make_source(name="Pat Ryder")
    for term in ("Буданов", "budanov", "BUDANOV"):
        page = admin_client.get(CHANGELIST, {"q": term}).content.decode()
        assert "Kyrylo Budanov" in page and "Pat Ryder" not in page, term


@pytest.mark.django_db
def test_it_filters_by_party_to_conflict_and_grade(admin_client, seeded):
    page = admin_client.get(CHANGELIST, {"party": "none"}).content.decode()
    assert "Pat Ryder" in page and "Kyrylo Budanov" not in page
    page = admin_client.get(CHANGELIST, {"grade": "B"}).content.decode()
    assert "Pat Ryder" in page and "Kyrylo Budanov" not in page
    page = admin_client.get(CHANGELIST, {"kind": "person", "country": "UA"}).content.decode()
    assert "Kyrylo Budanov" in page and "Pat Ryder" not in page


@pytest.mark.django_db
def test_it_lists_sources_in_a_fixed_number_of_queries(admin_client, make_source, django_assert_max_num_queries):
    parent = make_source(name="Ministry", kind="ministry")
    for n in range(3):
        make_source(name=f"Official {n}", parent=parent)
    with django_assert_max_num_queries(20) as few:
        first = admin_client.get(CHANGELIST)
    assert first.status_code == 200 and "Official 2" in first.content.decode()
    for n in range(3, 30):
        make_source(name=f"Official {n}", parent=make_source(name=f"Office {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Official 29" in response.content.decode()


@pytest.mark.django_db
def test_it_saves_other_changes_without_adding_a_grade(admin_client, make_source):
    source = make_source()
    url = f"/admin/sources/source/{source.pk}/change/"
    response = admin_client.post(url, _source_form(source, notes="Head of HUR.", **{"grades-2-0-grade": ""}))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.notes == "Head of HUR." and not source.grades.exists()
    assert source.events.get(kind="edited").data == {"fields": ["notes"]}
    page = admin_client.post(url, _source_form(source, **{"grades-2-0-grade": "B", "grades-2-0-rationale": " "}))
    assert page.status_code == 200 and b"a grade needs its rationale" in page.content
    assert not source.grades.exists()
