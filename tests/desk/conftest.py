"""Fixtures for the desk pages: the seed story's sources and a claim attributed
to them, a logged-in client per persona, and Chromium for the browser tests."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache(django_db_blocker):
    # The dashboard caches its aggregates for a few seconds; each test starts clean.
    # The cache may be a database table, so clearing it needs the database even
    # in tests that use none themselves.
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def story(db, make_source):
    """Budanov (of HUR, of the Ministry of Defence) stated it, an outlet relayed
    him, the Pentagon could not confirm."""
    from sources.models import Conflict, ConflictParty, SourceAlias

    ministry = make_source("Ministry of Defence of Ukraine", kind="ministry", country="UA")
    hur = make_source("HUR", kind="military_intelligence", country="UA", parent=ministry)
    budanov = make_source("Kyrylo Budanov", kind="person", country="UA", parent=hur)
    outlet = make_source("Ukrainska Pravda", kind="media_outlet", country="UA")
    pentagon = make_source("Pentagon", kind="government_body", country="US")
    SourceAlias.objects.create(source=budanov, name="Буданов")
    war = Conflict.objects.create(name="Russia–Ukraine war")
    ConflictParty.objects.create(source=ministry, conflict=war, side="Ukraine")
    return {"ministry": ministry, "hur": hur, "budanov": budanov, "outlet": outlet, "pentagon": pentagon}


@pytest.fixture
def story_claim(story, make_claim):
    from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

    return create_claim(
        None,
        ClaimInput(
            text="North Korea has sent 11,000 soldiers to Russia's Kursk region.",
            priority=80,
            tags=["war", "troops"],
            attributions=[
                AttributionInput(source=story["budanov"], role="stated", quote="11,000 soldiers"),
                AttributionInput(source=story["outlet"], role="relayed", relays_source=story["budanov"]),
                AttributionInput(source=story["pentagon"], role="could_not_confirm"),
            ],
            appearances=[{"url": "https://www.pravda.com.ua/eng/news/2024/11/04/kursk/", "title": "Kursk report"}],
        ),
    )


@pytest.fixture
def taken(story_claim, alice):
    """The story claim, leased to alice."""
    from verification.workflow import transitions

    return transitions.take_next(alice)


@pytest.fixture
def assessed(taken, alice):
    from verification.workflow import transitions

    return transitions.assess(
        alice,
        taken.pk,
        verdict="unproven",
        confidence=0.4,
        rationale="Only one party to the war says so; the Pentagon could not confirm.",
        credibility=3,
        expected_version=taken.version,
    )


@pytest.fixture
def published(assessed, erin):
    from verification.workflow import transitions

    return transitions.sign_off(erin, assessed.pk, expected_version=assessed.version)


# --- Browser tests (Playwright driving Debian's Chromium) -----------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
LOOPBACK = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.fixture
def browser(monkeypatch):
    """Chromium, headless, with no outside host ever contacted. Never downloads a browser."""
    from tests.services import require_chromium

    require_chromium()
    # Playwright's sync API keeps its event loop marked as running in this
    # thread; the test's own ORM calls are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _loopback_only(route):
    host = urlsplit(route.request.url).hostname or ""
    if host in LOOPBACK or route.request.url.startswith(("data:", "about:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def desk_page(browser, live_server):
    """desk_page(user) -> a logged-in page in its own browser context (own cookies)."""
    from tests.conftest import PASSWORD

    contexts = []

    def _open(user, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.route("**/*", _loopback_only)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("User name").fill(user.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/desk/")
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def shoot():
    """shoot(page, name): a full-page screenshot under test-output/screenshots/ for reviewers."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot
