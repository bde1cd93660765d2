"""Submitting a claim with its attributions, where it appeared and first evidence."""

import pytest

from verification.models import Attribution, Claim, CustodyEvent, Evidence


def _form(**extra):
    data = {
        "text": "North Korea has sent 11,000 soldiers to Russia.",
        "tags": "war, troops",
        "priority": "80",
        "language": "en",
        "appeared_url": "https://www.pravda.com.ua/eng/news/kursk/",
        "evidence_url": "",
        "evidence_note": "Budanov said so on Ukrainian TV.",
        "attr-TOTAL_FORMS": "3",
        "attr-INITIAL_FORMS": "0",
        "attr-MIN_NUM_FORMS": "0",
        "attr-MAX_NUM_FORMS": "20",
        "attr-0-source": "Ukrainska Pravda",
        "attr-0-role": "relayed",
        "attr-0-relays": "Kyrylo Budanov",
        "attr-1-source": "Буданов",
        "attr-1-role": "stated",
        "attr-1-quote": "11,000 soldiers",
        "attr-2-source": "Pentagon",
        "attr-2-role": "could_not_confirm",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_it_shows_a_labelled_form(login, alice):
    html = login(alice).get("/desk/claims/new").content.decode()
    assert '<label for="id_text">Claim</label>' in html and '<label for="id_attr-0-source">Source</label>' in html
    assert 'list="source-suggestions"' in html


@pytest.mark.django_db
def test_it_creates_the_claim_with_attributions_appearance_and_note(login, alice, story):
    response = login(alice).post("/desk/claims/new", _form())
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/claims/{claim.pk}/"
    assert claim.state == "queued" and claim.priority == 80 and claim.created_by == alice
    assert sorted(claim.tags.values_list("name", flat=True)) == ["troops", "war"]
    stated = Attribution.objects.get(claim=claim, role="stated")
    relayed = Attribution.objects.get(claim=claim, role="relayed")
    assert stated.source == story["budanov"] and relayed.relays == stated
    assert claim.appearances.get().url == "https://www.pravda.com.ua/eng/news/kursk/"
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.notes == "Budanov said so on Ukrainian TV." and evidence.added_by == alice
    assert CustodyEvent.objects.filter(evidence=evidence, action="added").exists()


@pytest.mark.django_db
def test_it_keeps_the_input_when_a_source_is_unknown(login, alice, story):
    response = login(alice).post("/desk/claims/new", _form(**{"attr-2-source": "Nobody Knows"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "No source called “Nobody Knows”" in html
    assert "North Korea has sent 11,000 soldiers to Russia." in html and 'value="Nobody Knows"' in html
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_it_refuses_the_same_source_twice_in_one_role(login, alice, story):
    response = login(alice).post(
        "/desk/claims/new", _form(**{"attr-2-source": "Kyrylo Budanov", "attr-2-role": "stated"})
    )
    assert response.status_code == 400 and "already attributed" in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_it_suggests_sources_as_the_user_types(login, alice, story):
    html = login(alice).get("/desk/sources/suggest?attr-0-source=budan").content.decode()
    assert '<option value="Kyrylo Budanov">' in html and "Pentagon" not in html
    assert "Kyrylo Budanov" not in login(alice).get("/desk/sources/suggest?q=Pen").content.decode()
    assert "Pentagon" in login(alice).get("/desk/sources/suggest?q=Pen").content.decode()
    assert "Kyrylo Budanov" in login(alice).get("/desk/sources/suggest?q=буданов").content.decode()  # alias


@pytest.mark.django_db
def test_it_detects_the_language_when_it_is_left_empty(login, alice, story):
    text = "Пентагон не зміг підтвердити, що в Курській області перебувають північнокорейські солдати."
    response = login(alice).post("/desk/claims/new", _form(text=text, language=""))

    claim = Claim.objects.get()
    assert response.status_code == 302 and claim.language == "uk"
