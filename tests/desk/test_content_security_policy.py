"""Every HTML page sends a strict Content-Security-Policy, and none needs an
exception from it: no inline script, no inline style, no event-handler attribute."""

import re

import pytest
from django.urls import reverse

# Data blocks (JSON-LD, JSON) are not executed, so the CSP does not govern them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)


def assert_strict(response):
    assert response.status_code == 200, response
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_STYLE.search(html), html[INLINE_STYLE.search(html).start() :][:120]
    assert not EVENT_HANDLER.search(html), html[EVENT_HANDLER.search(html).start() :][:120]


@pytest.mark.django_db
def test_it_sends_a_strict_policy_on_every_desk_page_and_needs_no_exception(login, erin, taken, story):
    client = login(erin)
    pages = [
        reverse("desk-queue"),
        reverse("desk-queue") + "?tab=signoff",
        reverse("desk-claim", args=[taken.pk]),
        reverse("desk-claim-new"),
        reverse("desk-dashboard"),
        reverse("desk-notifications"),
        reverse("desk-intake"),
        reverse("source-page", args=[story["budanov"].pk]),
    ]
    for path in pages:
        assert_strict(client.get(path))


def test_it_sends_the_policy_on_the_public_verdict_page_and_the_login_page(client, published):
    assert_strict(client.get(reverse("public-claim", args=[published.pk])))
    assert_strict(client.get(reverse("login")))


@pytest.mark.django_db
def test_it_serves_the_api_docs_with_their_start_up_script_from_a_url(client):
    page = client.get("/api/docs/")
    assert_strict(page)
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page.content.decode())
    assert script, "the Swagger UI's start-up script should be loaded by URL"
    start_up = client.get(script.group(1).replace("&amp;", "&"))
    assert start_up.status_code == 200 and start_up["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in start_up.content.decode()
