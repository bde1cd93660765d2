"""The desk's intake pages: paste an article, watch progress (polled every 2 s
only while a batch is being read), then confirm, edit or drop each proposal."""

from tests.api.core_support import session_client
from tests.intake.intake_support import ARTICLE, proposal
from verification.intake import batches as intake
from verification.models import Claim, IntakeBatch


def submitted(client):
    response = client.post("/desk/intake/", {"text": ARTICLE, "url": ""})
    batch = IntakeBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/intake/{batch.pk}/"
    return batch


def test_it_shows_the_form_and_a_nav_link(alice):
    html = session_client(alice).get("/desk/intake/").content.decode()
    assert 'href="/desk/intake/" aria-current="page">Intake</a>' in html
    assert 'name="text"' in html and 'name="url"' in html
    assert "hx-trigger" not in html  # nothing to poll


def test_it_polls_progress_every_two_seconds_only_while_reading(alice):
    client = session_client(alice)
    batch = submitted(client)
    page = client.get(f"/desk/intake/{batch.pk}/").content.decode()
    assert f'hx-get="/desk/intake/{batch.pk}/progress" hx-trigger="every 2s"' in page
    assert 'hx-get="/desk/intake/batches" hx-trigger="every 2s"' in client.get("/desk/intake/").content.decode()
    intake.run_batch(batch.pk)
    done = client.get(f"/desk/intake/{batch.pk}/progress", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert "hx-trigger" not in client.get("/desk/intake/batches").content.decode()
    assert "4 proposed, 4 to review" in client.get("/desk/intake/").content.decode()


def test_it_shows_each_proposal_with_its_matched_and_new_sources(alice, known_sources):
    client = session_client(alice)
    batch = submitted(client)
    intake.run_batch(batch.pk)
    html = client.get(f"/desk/intake/{batch.pk}/").content.decode()
    assert f'<option value="{known_sources["budanov"].pk}" selected>Kyrylo Budanov (100% match)</option>' in html
    assert '<option value="new" selected>New source: Andrii Sybiha (person) – needs an admin</option>' in html
    assert '<option value="skip" selected>Leave this attribution out</option>' in html  # the unnamed officials
    assert html.count('<button type="submit">Confirm</button>') == 4


def test_it_confirms_from_the_page_with_another_source_typed_by_alias(alice, known_sources):
    client = session_client(alice)
    batch = submitted(client)
    intake.run_batch(batch.pk)
    sybiha = proposal(batch, "invading Europe")
    response = client.post(
        f"/desk/intake/proposals/{sybiha.pk}/confirm",
        {"text": sybiha.text, "a0-source": "new", "a0-other-source": "Буданов", "a0-role": "opinion", "link": "new"},
        follow=True,
    )
    claim = Claim.objects.get()
    assert f"Claim {claim.pk} is in the queue." in response.content.decode()
    assert list(claim.attributions.values_list("source", "role")) == [(known_sources["budanov"].pk, "opinion")]


def test_it_explains_why_a_new_source_needs_an_admin(alice, known_sources):
    client = session_client(alice)
    batch = submitted(client)
    intake.run_batch(batch.pk)
    sybiha = proposal(batch, "invading Europe")
    response = client.post(
        f"/desk/intake/proposals/{sybiha.pk}/confirm",
        {"text": sybiha.text, "a0-source": "new", "a0-role": "opinion", "link": "new"},
        follow=True,
    )
    assert "&#x27;Andrii Sybiha&#x27; matches no source, and creating sources needs an admin" in (
        response.content.decode()
    )
    assert not Claim.objects.exists()


def test_it_drops_from_the_page(alice, known_sources):
    client = session_client(alice)
    batch = submitted(client)
    intake.run_batch(batch.pk)
    item = proposal(batch, "40 ships")
    response = client.post(f"/desk/intake/proposals/{item.pk}/drop", follow=True)
    assert "Dropped: nothing was added to the queue." in response.content.decode()
    item.refresh_from_db()
    assert item.decision == "dropped" and not Claim.objects.exists()


def test_it_keeps_people_without_a_role_out(carol):
    client = session_client(carol)
    assert client.get("/desk/intake/").status_code == 403
    assert client.post("/desk/intake/", {"text": ARTICLE}).status_code == 403
    assert not IntakeBatch.objects.exists()


def test_it_still_checks_csrf_on_submit(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/desk/intake/", {"text": ARTICLE}).status_code == 403
    assert not IntakeBatch.objects.exists()
    client.get("/desk/intake/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/desk/intake/", {"text": ARTICLE, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and IntakeBatch.objects.count() == 1
