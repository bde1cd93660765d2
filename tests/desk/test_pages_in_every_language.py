"""Every desk page in Ukrainian and in Russian, with no English left but names
and data: a logged-in editor whose profile says uk (then ru) walks the queue,
the seeded claim, the forms, intake, the dashboard, notifications, the profile,
a source, an archived page, the admin's claims and sources and the public page.

A page fails on any English phrase of ours (a msgid of the catalog) or any
common English word, once the database's own strings (claims, names, titles,
notes: the data) are taken out of the page's visible text."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from tests.api.core_support import publish
from tests.evidence.archive_support import PAGE as ARCHIVED_PAGE
from tests.evidence.archive_support import capture_from_loopback
from tests.test_translations import SAME_IN_EVERY_LANGUAGE, catalog
from verification.models import Claim, DeskProfile, IntakeBatch, Proposal
from verification.models.profile import time_zone_names
from verification.workflow import transitions

pytestmark = pytest.mark.django_db
LANGUAGES = ("uk", "ru")
# Words that give away an English page; short and common, so one left in a template is found.
ENGLISH = set(
    """the and of to is are for with this that from by not no yes all new edit add save cancel delete back
    next previous page claim claims source sources evidence queue verdict verdicts search filter state priority
    due published review reviewer editor take release assign comment comments history notes note language
    profile password log login logout in out on at or you your what who when why how more less none any
    open close closed submit send confirm drop intake dashboard notifications settings""".split()
)
# Django's own admin words that its Ukrainian and Russian catalogs do not translate yet (screen-reader headings).
DJANGO_UNTRANSLATED = {"Model name", "Add link", "Change or view list link", "Search"}
# Pages whose templates are not translated yet (none today); strict, so a listed page that passes fails here
# until it is taken off the list.
AWAITING_TRANSLATION: set[str] = set()


class Visible(HTMLParser):
    """The text nodes a reader sees (and the attributes read aloud), one per item."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "template"):
            self.hidden += 1
        self.nodes += [v for k, v in attrs if v and k in ("title", "alt", "placeholder", "aria-label")]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "template"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.nodes.append(data.strip())


def data_strings() -> list[str]:
    """Every free-text value the database holds (not codes from a list of choices), longest first."""
    found = set()
    for model in [*apps.get_app_config("verification").get_models(), *apps.get_app_config("sources").get_models()]:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            found.update(str(value).strip() for value in row if value and str(value).strip())
    found.update(apps.get_model("auth", "User").objects.values_list("username", flat=True))
    found.update(time_zone_names())  # the profile's list of IANA names ("America/New_York")
    found.update(re.sub(r"<[^>]+>", "\n", ARCHIVED_PAGE.decode()).split("\n"))  # the archived page's own text
    return sorted(found, key=len, reverse=True)


def english_left(html: str, data: list[str], language: str) -> list[str]:
    parser = Visible()
    parser.feed(html)
    left = []
    for node in parser.nodes:
        bare = node.rstrip("…").rstrip(".").strip()
        if node in DJANGO_UNTRANSLATED or any(bare in value for value in data):
            continue  # the node is data, or a data value cut short
        for value in data:
            if len(value) > 2 and value in node:
                node = node.replace(value, " ")
        left.append(node)
    text = "\n".join(left)
    found = []
    for message in catalog(language):
        for english in [message.id] if isinstance(message.id, str) else list(message.id or ()):
            for piece in re.split(r"%\(\w+\)[sd]|\{\w*\}", english):
                piece = piece.strip(" .:;,·()“”«»—-")
                if " " in piece and len(piece) > 8 and piece in text:
                    found.append(piece)
    words = re.findall(r"[A-Za-z][A-Za-z'’]+", text)
    found += sorted({w for w in words if w.lower() in ENGLISH and w not in SAME_IN_EVERY_LANGUAGE})
    return found


@pytest.fixture
def desk(seeded, alice, erin, adam, make_claim):
    """The seed story, plus what the walk needs that the seed has not: a published
    verdict, an intake batch with a proposal, an archived page and a notification."""
    claim = Claim.objects.order_by("pk").first()
    published = publish(make_claim("Drones hit the Ryazan refinery."), alice, erin, verdict="unproven")
    batch = IntakeBatch.objects.create(
        created_by=alice, text="Budanov said 2,600 soldiers would go to Kursk.", status=IntakeBatch.Status.DONE
    )
    Proposal.objects.create(batch=batch, position=1, text="Budanov said 2,600 soldiers would go to Kursk.")
    snapshot = capture_from_loopback(alice, claim)
    transitions.reassign(erin, claim.pk, alice)
    source = claim.attributions.first().source
    return {
        "queue": "/desk/",
        "claim": f"/desk/claims/{claim.pk}/",
        "new claim": "/desk/claims/new",
        "intake": "/desk/intake/",
        "intake batch": f"/desk/intake/{batch.pk}/",
        "dashboard": "/desk/dashboard",
        "notifications": "/desk/notifications",
        "profile": "/desk/profile",
        "source": f"/sources/{source.pk}/",
        "login": "/accounts/login/",
        "archived text": f"/desk/evidence/{snapshot.evidence_id}/snapshots/{snapshot.pk}/text",
        "admin claims": "/admin/verification/claim/",
        "admin sources": "/admin/sources/source/",
        "public": f"/claims/{published.pk}/",
    }


PAGES = [
    "queue",
    "claim",
    "new claim",
    "intake",
    "intake batch",
    "dashboard",
    "notifications",
    "profile",
    "source",
    "login",
    "archived text",
    "admin claims",
    "admin sources",
    "public",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "page",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="not translated yet (AWAITING_TRANSLATION)"))
        if p in AWAITING_TRANSLATION
        else p
        for p in PAGES
    ],
)
def test_a_desk_page_has_no_english_left(desk, adam, page, language):
    DeskProfile.choose_language(adam, language)  # an admin: every page of the walk is open to them
    client = Client()
    if page in ("login", "public"):  # before login, and for readers: the browser's language
        response = client.get(desk[page], HTTP_ACCEPT_LANGUAGE=language)
    else:
        client.force_login(adam)
        response = client.get(desk[page], HTTP_ACCEPT_LANGUAGE="en")  # the profile's choice wins
    assert response.status_code == 200, (page, response.status_code)
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    left = english_left(html, data_strings(), language)
    assert not left, f"{page} in {language}: still English: {left}"


def test_the_walk_finds_english_and_leaves_data_alone(desk):
    data = ["Budanov said 2,600 soldiers would go to Kursk.", "Kyrylo Budanov"]
    page = "<html><body><p>Budanov said 2,600 soldiers…</p><p>Kyrylo Budanov, Мін. оборони</p>{}</body></html>"
    assert english_left(page.format("<p>Черга</p>"), data, "uk") == []
    assert english_left(page.format("<button>Save</button>"), data, "uk") == ["Save"]
    assert english_left(page.format("<p>Запит: Not allowed</p>"), data, "uk") == ["Not allowed", "Not"]
