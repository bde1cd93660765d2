"""The interface language: a user's choice on the profile page, else the
browser's Accept-Language, else the desk's LANGUAGE_CODE; the admin follows
it, the API follows Accept-Language alone, and notifications are written in
each recipient's language."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from verification.desk.profile import LANGUAGE_SESSION_KEY
from verification.models import DeskProfile, Notification
from verification.workflow import transitions

pytestmark = pytest.mark.django_db


def _language(response) -> str:
    assert response.status_code == 200, response.status_code
    return response["Content-Language"]


def test_it_offers_automatic_and_the_three_languages_each_in_its_own_words(login, alice):
    html = login(alice).get("/desk/profile", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="" selected>Automatic (your browser&#x27;s language, else the desk&#x27;s default)' in html
    for code, name in (("en", "English"), ("uk", "Українська"), ("ru", "Русский")):
        assert f'<option value="{code}">{name}</option>' in html


def test_it_saves_the_choice_and_every_desk_page_and_the_admin_speak_it(login, alice, adam):
    client = login(alice)
    response = client.post("/desk/profile", {"time_zone": "", "language": "uk"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302 and DeskProfile.objects.get(user=alice).language == "uk"

    profile = client.get("/desk/profile", HTTP_ACCEPT_LANGUAGE="ru")  # the choice beats the browser
    assert _language(profile) == "uk" and '<html lang="uk">' in profile.content.decode()
    assert "Збережено. Час у редакції тепер показано в поясі UTC" in profile.content.decode()
    queue = client.get("/desk/?tab=mine").content.decode()
    assert "Мої" in queue and "Не призначені" in queue  # the queue's tabs, worded in Python

    DeskProfile.choose_language(adam, "ru")
    admin = Client()
    admin.force_login(adam)
    changelist = admin.get("/admin/verification/claim/")
    assert _language(changelist) == "ru" and "Утверждения" in changelist.content.decode()


def test_without_a_choice_the_browser_decides_then_the_desks_default(login, alice, settings):
    client = login(alice)
    assert _language(client.get("/desk/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")) == "ru"
    assert _language(client.get("/desk/", HTTP_ACCEPT_LANGUAGE="de-DE,fr;q=0.8")) == "en"
    settings.LANGUAGE_CODE = "uk"  # CLAIMDESK_LANGUAGE
    assert _language(client.get("/desk/")) == "uk"
    assert _language(client.get("/desk/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_it_refuses_a_language_it_does_not_speak_naming_the_field(login, alice):
    DeskProfile.choose_language(alice, "ru")
    response = login(alice).post("/desk/profile", {"time_zone": "", "language": "de"})
    assert response.status_code == 400
    assert "«de» — не язык редакции; выберите из списка или «Автоматически»." in response.content.decode()
    assert DeskProfile.objects.get(user=alice).language == "ru"  # nothing changed


def test_the_choice_follows_the_user_to_a_new_login(client, alice):
    DeskProfile.choose_language(alice, "ru")
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert client.session[LANGUAGE_SESSION_KEY] == "ru"
    assert _language(client.get("/desk/notifications", HTTP_ACCEPT_LANGUAGE="uk")) == "ru"


def test_the_api_follows_accept_language_not_the_profile(login, alice, make_claim):
    claim = make_claim("Drones hit a refinery.")
    DeskProfile.choose_language(alice, "uk")
    client = login(alice)
    assert client.get(f"/api/v1/claims/{claim.pk}")["Content-Language"] == "en"
    assert client.get(f"/api/v1/claims/{claim.pk}", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "ru"


def test_a_notification_is_written_in_its_recipients_language(erin, alice, bob, make_claim):
    DeskProfile.choose_language(alice, "uk")
    first, second = make_claim("Drones hit a refinery."), make_claim("A bridge was closed.")
    transitions.reassign(erin, first.pk, alice)
    transitions.reassign(erin, second.pk, bob)
    assert Notification.objects.get(user=alice).message == f"erin призначає вам твердження {first.pk}."
    assert Notification.objects.get(user=bob).message == f"erin assigned you claim {second.pk}."


def test_an_escalation_email_goes_to_each_editor_in_their_language(
    erin, frank, make_claim, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils.translation import gettext

    from verification.workflow.notifications import notify_editors_by_email

    DeskProfile.choose_language(erin, "ru")
    claim = make_claim("Drones hit a refinery.")
    with django_capture_on_commit_callbacks(execute=True):
        notify_editors_by_email(
            lambda: gettext("Overdue: claim %(number)s") % {"number": claim.pk},
            lambda: gettext("Open the desk: %(url)s") % {"url": "http://127.0.0.1/desk/"},
        )
    sent = {message.to[0]: (message.subject, message.body) for message in mailoutbox}
    assert sent["erin@example.org"] == (
        f"Просрочено: утверждение {claim.pk}",
        "Открыть редакцию: http://127.0.0.1/desk/",
    )
    assert sent["frank@example.org"] == (f"Overdue: claim {claim.pk}", "Open the desk: http://127.0.0.1/desk/")
