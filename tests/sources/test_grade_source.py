import pytest
from django.core.exceptions import ValidationError

from sources.actions import grade_source
from sources.models import SourceEvent, SourceGrade
from verification.models import WebhookEndpoint, WebhookEvent
from verification.workflow.transitions import NotAllowed


@pytest.mark.django_db
def test_it_keeps_every_grade_and_caches_the_latest(adam, make_source):
    source = make_source()
    grade_source(adam, source.pk, "B", "Figures borne out twice.")
    row, created = grade_source(adam, source.pk, "C", "One figure later contradicted.")
    source.refresh_from_db()
    assert created and source.reliability == "C"
    assert list(source.grades.values_list("grade", "rationale", "graded_by__username")) == [
        ("C", "One figure later contradicted.", "adam"),
        ("B", "Figures borne out twice.", "adam"),
    ]
    events = list(source.events.filter(kind="graded").order_by("id").values_list("data", flat=True))
    assert [(e["from"], e["to"]) for e in events] == [(None, "B"), ("B", "C")]


@pytest.mark.django_db
def test_it_adds_nothing_when_the_grade_and_reason_are_unchanged(adam, make_source):
    source = make_source()
    first, _ = grade_source(adam, source.pk, "B", "Figures borne out twice.")
    again, created = grade_source(adam, source.pk, "B", "  Figures borne out twice. ")
    assert not created and again.pk == first.pk
    assert SourceGrade.objects.count() == 1 and SourceEvent.objects.filter(kind="graded").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_fact_checker(alice, make_source):
    source = make_source()
    with pytest.raises(NotAllowed):
        grade_source(alice, source.pk, "A", "Trust me.")
    source.refresh_from_db()
    assert source.reliability == "" and not SourceGrade.objects.exists()


@pytest.mark.django_db
def test_it_names_the_bad_field(adam, make_source):
    source = make_source()
    with pytest.raises(ValidationError) as error:
        grade_source(adam, source.pk, "G", " ")
    assert set(error.value.message_dict) == {"grade", "rationale"}
    assert not SourceGrade.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_grade_a_merged_record(adam, make_source):
    keep, duplicate = make_source(), make_source(name="K. Budanov")
    duplicate.merged_into = keep
    duplicate.save()
    with pytest.raises(ValidationError, match="merged into"):
        grade_source(adam, duplicate.pk, "B", "Reason.")


@pytest.mark.django_db
def test_it_announces_the_grade_to_webhook_subscribers(adam, make_source):
    WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/hook", secret="whsec_dGVzdA==", event_types=["source.graded"]
    )
    source = make_source()
    grade_source(adam, source.pk, "B", "Figures borne out twice.")
    event = WebhookEvent.objects.get()
    assert event.type == "source.graded"
    assert event.payload["data"] | {"graded_at": None} == {
        "id": source.pk,
        "name": "Kyrylo Budanov",
        "grade": "B",
        "previous_grade": None,
        "rationale": "Figures borne out twice.",
        "graded_at": None,  # who graded stays inside the desk: receivers are outside systems
    }
    assert event.deliveries.count() == 1
