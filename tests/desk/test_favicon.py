"""Every page links the SVG favicon, and /favicon.ico, which browsers ask for
anyway, leads to it instead of a 404."""

import pytest
from django.test import Client


@pytest.fixture
def whitenoise_client(settings):
    # WhiteNoise reads its settings when the middleware is built, i.e. on a new client's first
    # request; with finders on it serves static/ as it does under `make run`, without collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()


@pytest.mark.django_db
def test_it_redirects_favicon_ico_to_the_svg_that_whitenoise_serves(whitenoise_client):
    response = whitenoise_client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    icon = whitenoise_client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


@pytest.mark.django_db
def test_it_links_the_favicon_from_every_page(client, login, alice):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/accounts/login/").text
    assert '<link rel="icon" href="/static/favicon.svg"' in login(alice).get("/desk/").text
