"""Logging in and out, and navigation that matches the user's role."""

import pytest

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_it_logs_in_with_labelled_fields_and_lands_on_the_queue(client, alice):
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">User name</label>' in page and '<label for="id_password">Password</label>' in page
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200


@pytest.mark.django_db
def test_it_says_when_the_password_is_wrong(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200 and "did not match" in response.content.decode()


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/desk/"
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_shows_a_fact_checker_the_desk_without_admin(login, alice):
    html = login(alice).get("/desk/").content.decode()
    assert "(fact-checker)" in html and "Submit a claim" in html and "Dashboard" in html
    assert 'href="/admin/"' not in html


@pytest.mark.django_db
def test_it_shows_an_admin_the_admin_link(login, adam):
    html = login(adam).get("/desk/").content.decode()
    assert "(admin)" in html and 'href="/admin/"' in html


@pytest.mark.django_db
def test_it_shows_an_editor_their_role(login, erin):
    assert "(editor)" in login(erin).get("/desk/").content.decode()


@pytest.mark.django_db
def test_it_logs_out_with_a_post(login, alice):
    client = login(alice)
    assert 'action="/accounts/logout/"' in client.get("/desk/").content.decode()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 302


@pytest.mark.django_db
def test_it_refuses_the_desk_to_an_account_without_a_role(login, carol):
    assert login(carol).get("/desk/").status_code == 403


@pytest.mark.django_db
def test_it_tells_an_account_without_a_role_what_to_do(login, carol):
    response = login(carol).get("/desk/")
    assert response.status_code == 403 and "ask an admin for a role" in response.content.decode()
