"""The public verdict page's evidence: the pictures and notes for readers of the
evidence the published verdict weighed, internal notes never, links to internal
addresses never (judged from the URL and from what capture recorded, without
resolving anything), and previews served to anyone only for that evidence."""

import pytest
from django.urls import reverse

from tests.evidence.conftest import media_root  # noqa: F401 - fixture
from tests.evidence.evidence_support import upload
from tests.evidence.preview_media import damaged_png, decoded, pdf, png
from tests.verification.conftest import fake_dns, loopback_http_server, no_outside_connections  # noqa: F401
from verification.evidence import previews
from verification.evidence.published import host_problem
from verification.evidence.writes import add_evidence_file, add_evidence_url
from verification.models import CustodyEvent
from verification.tasks import capture_evidence
from verification.workflow import transitions

INTERNAL_NOTE = "Internal: the photographer is the commander's cousin; do not name him."
PUBLIC_NOTE = "Photo taken at the gate of the camp on 3 March, shared by the regiment's press office."
DEFENSE = "https://www.defense.gov/News/Transcripts/pentagon-press-briefing/"


def publish(claim, alice, erin):
    taken = transitions.take_next(alice)
    assert taken.pk == claim.pk
    transitions.assess(alice, claim.pk, verdict="unproven", confidence=0.4, rationale="Only one side says so.")
    return transitions.sign_off(erin, claim.pk)


def preview_url(claim, evidence, size="") -> str:
    return reverse("public-evidence-preview", args=[claim.pk, evidence.pk]) + (f"?size={size}" if size else "")


@pytest.fixture
def photo(story_claim, alice, media_root):
    evidence = add_evidence_file(
        alice,
        story_claim.pk,
        upload(png(1600, 900), "gate.png", "image/png"),
        title="Photo of the camp gate",
        notes=INTERNAL_NOTE,
        public_note=PUBLIC_NOTE,
    )
    previews.make(evidence.stored_file_id)
    return evidence


def test_it_shows_the_pictures_and_notes_for_readers_and_never_the_internal_notes(
    client, story_claim, photo, alice, erin, media_root
):
    document = add_evidence_file(alice, story_claim.pk, upload(pdf(), "brief.pdf"), title="Ministry brief")
    broken = add_evidence_file(alice, story_claim.pk, upload(damaged_png(), "cut.png"), title="Cut photo")
    for item in (document, broken):
        previews.make(item.stored_file_id)
    claim = publish(story_claim, alice, erin)

    html = client.get(f"/claims/{claim.pk}/").content.decode()

    assert f'<img src="{preview_url(claim, photo)}" alt="Photo of the camp gate" width="1280" height="720"' in html
    assert f"<figcaption>{PUBLIC_NOTE}</figcaption>" in html.replace("&#x27;", "'")
    assert f'src="{preview_url(claim, document)}"' in html  # a PDF's first page too
    assert "Cut photo" in html and preview_url(claim, broken) not in html  # listed, no picture
    assert "commander" not in html and "Internal:" not in html
    assert "data-viewer-download" not in html  # readers get our pictures, never the desk's downloads

    response = client.get(preview_url(claim, photo))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=300" and response["X-Content-Type-Options"] == "nosniff"
    picture = decoded(b"".join(response.streaming_content))
    assert picture.size == (1280, 720)
    small = decoded(b"".join(client.get(preview_url(claim, photo, "small")).streaming_content))
    assert max(small.size) == 320


def test_it_serves_no_preview_of_an_unpublished_claims_evidence(client, photo, story_claim, alice):
    assert client.get(preview_url(story_claim, photo)).status_code == 404
    desk = client.get(reverse("desk-evidence-preview", args=[photo.pk]))
    assert desk.status_code == 302 and "/accounts/login/" in desk["Location"]
    client.force_login(alice)
    assert client.get(reverse("desk-evidence-preview", args=[photo.pk])).status_code == 200


def test_it_shows_evidence_added_after_the_verdict_only_once_a_new_one_is_signed_off(
    client, story_claim, photo, alice, erin, frank, media_root
):
    claim = publish(story_claim, alice, erin)
    later = add_evidence_file(alice, claim.pk, upload(png(300, 300, (200, 40, 40)), "later.png"), title="Later photo")
    previews.make(later.stored_file_id)

    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Later photo" not in html and "Photo of the camp gate" in html
    assert client.get(preview_url(claim, later)).status_code == 404
    assert client.get(reverse("public-evidence-preview", args=[claim.pk + 1, photo.pk])).status_code == 404

    transitions.reopen(frank, claim.pk, "A later photo came in.")
    publish(claim, alice, erin)
    assert "Later photo" in client.get(f"/claims/{claim.pk}/").content.decode()
    assert client.get(preview_url(claim, later)).status_code == 200


def test_it_never_links_evidence_that_points_inside_a_network(
    client,
    story_claim,
    alice,
    erin,
    loopback_http_server,
    fake_dns,
    no_outside_connections,
    media_root,
):
    inside = [
        "http://10.0.0.5/admin",
        "http://localhost:8080/status",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://printer.local/queue",
        "https://reporter:hunter2@example.org/notes",
    ]
    for url in inside:
        add_evidence_url(alice, story_claim.pk, url, capture=False)
    add_evidence_url(alice, story_claim.pk, DEFENSE, title="Pentagon briefing", capture=False)
    # Names that look public; what capture recorded says otherwise.
    fake_dns["news.example.org"] = [["127.0.0.1"]]
    fake_dns["wiki.example.org"] = [["10.20.30.40"]]
    port = loopback_http_server.server_port
    looped = add_evidence_url(alice, story_claim.pk, f"http://news.example.org:{port}/page", title="Looped report")
    refused = add_evidence_url(alice, story_claim.pk, "http://wiki.example.org/page", title="Wiki page")
    for item in (looped, refused):
        capture_evidence(item.pk)
    assert CustodyEvent.objects.get(evidence=looped, action="captured").detail["ip"] == "127.0.0.1"
    refused.refresh_from_db()
    assert refused.capture_status == "failed" and refused.capture_error.startswith("refused:")
    claim = publish(story_claim, alice, erin)

    html = client.get(f"/claims/{claim.pk}/").content.decode()

    assert f'<a href="{DEFENSE}"' in html
    for address in ("10.0.0.5", "localhost", "metadata.google", "::1", "fd00", "169.254", "printer.local", "hunter2"):
        assert address not in html, address
    assert "news.example.org" not in html and "wiki.example.org" not in html
    assert "Looped report" in html and "Wiki page" in html  # listed, unlinked
    assert html.count("A web page (its address is not public)") == len(inside)  # their titles were their URLs
    assert html.count("link withheld: the address is not public") == len(inside) + 2


def test_it_keeps_the_public_page_to_a_few_queries(
    client, story_claim, photo, alice, erin, django_assert_max_num_queries
):
    add_evidence_url(alice, story_claim.pk, DEFENSE, title="Pentagon briefing", capture=False)
    claim = publish(story_claim, alice, erin)
    # The claim, attributions, appearances, translations, the sources' names per language, corrections, the
    # evidence, its previews and the MediaReview ratings of its media; a captured URL adds one more (what
    # its capture recorded), which this claim has none of.
    with django_assert_max_num_queries(9):
        response = client.get(f"/claims/{claim.pk}/")
    assert "Photo of the camp gate" in response.content.decode()


def test_it_lets_the_desk_write_a_note_for_readers_with_its_history(client, photo, alice, bob):
    client.force_login(bob)
    response = client.post(
        reverse("desk-evidence-public-note", args=[photo.pk]),
        {"public_note": "  Shared by the regiment's press office.  "},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200 and "Shared by the regiment&#x27;s press office." in response.content.decode()
    photo.refresh_from_db()
    assert photo.public_note == "Shared by the regiment's press office." and photo.notes == INTERNAL_NOTE
    change = photo.custody.get(action="public_note_changed")
    assert (change.actor, change.detail["from"], change.detail["to"]) == (bob, PUBLIC_NOTE, photo.public_note)
    event = photo.claim.events.order_by("-id").first()
    assert event.kind == "evidence" and event.actor == bob and "public_note" in event.changes

    too_long = client.post(
        reverse("desk-evidence-public-note", args=[photo.pk]), {"public_note": "x" * 4001}, HTTP_HX_REQUEST="true"
    )
    assert too_long.status_code == 400
    assert "Keep the note for readers under 4000 characters" in too_long.content.decode()
    photo.refresh_from_db()
    assert photo.public_note == "Shared by the regiment's press office."


def test_it_refuses_the_note_for_readers_to_an_account_without_a_desk_role(client, photo, carol):
    client.force_login(carol)
    response = client.post(reverse("desk-evidence-public-note", args=[photo.pk]), {"public_note": "Hijacked."})
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.public_note == PUBLIC_NOTE and not photo.custody.filter(action="public_note_changed").exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://intranet/wiki",  # one label: only a local resolver answers
        "http://2130706433/",  # 127.0.0.1, as the C library reads it
        "http://0x7f.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://router.home.arpa/",
        "http://db.corp/",
        "http://100.64.0.1/",
    ],
)
def test_it_judges_addresses_no_url_field_would_accept_as_internal_too(url):
    assert host_problem(url) is not None


@pytest.mark.parametrize("url", [DEFENSE, "https://www.pravda.com.ua/eng/news/2024/11/04/kursk/", "http://8.8.8.8/"])
def test_it_links_public_addresses(url):
    assert host_problem(url) is None


def test_it_reads_and_writes_the_note_for_readers_through_the_api_for_review_keys_only(alice, story_claim, photo):
    from tests.api.core_support import key_client, make_key

    review, read = key_client(make_key("review", alice)), key_client(make_key("read"))
    url = f"/api/v1/claims/{story_claim.pk}/evidence"

    created = review.post(
        url, {"notes": "Called the mayor.", "public_note": "The mayor's office confirmed it."}, "application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["public_note"] == "The mayor's office confirmed it."
    reviewed = {item["id"]: item for item in review.get(url).json()["results"]}
    assert reviewed[photo.pk]["public_note"] == PUBLIC_NOTE
    for item in read.get(url).json()["results"]:
        assert "public_note" not in item and "notes" not in item
    detail = read.get(f"/api/v1/claims/{story_claim.pk}").json()
    assert all("public_note" not in item for item in detail["evidence"])

    too_long = review.post(url, {"notes": "x", "public_note": "y" * 4001}, "application/json")
    assert too_long.status_code == 400 and "public_note" in too_long.json()["errors"]


def test_it_edits_the_note_for_readers_in_the_admin_with_its_history(client, adam, photo):
    from tests.conftest import PASSWORD

    client.login(username="adam", password=PASSWORD)
    page = client.get(reverse("admin:verification_evidence_change", args=[photo.pk])).content.decode()
    assert 'name="public_note"' in page
    form = {
        "kind": photo.kind,
        "title": photo.title,
        "url": "",
        "provided_by": "",
        "stance": photo.stance,
        "credibility": "",
        "notes": photo.notes,
        "public_note": "Shared by the regiment.",
        **{f"{inline}-{count}_FORMS": "0" for inline in ("snapshots", "custody") for count in ("TOTAL", "INITIAL")},
    }
    response = client.post(reverse("admin:verification_evidence_change", args=[photo.pk]), form)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.public_note == "Shared by the regiment." and photo.notes == INTERNAL_NOTE
    change = photo.custody.get(action="public_note_changed")
    assert (change.actor, change.detail["note"]) == (adam, "Changed in the admin.")


def test_it_takes_a_note_for_readers_with_a_file_added_on_the_desk(client, story_claim, alice, media_root):
    client.force_login(alice)
    response = client.post(
        reverse("desk-evidence-add-file", args=[story_claim.pk]),
        {
            "file": upload(png(30, 20), "gate.png", "image/png"),
            "title": "Gate",
            "stance": "supports",
            "kind": "",
            "credibility": "",
            "public_note": "Taken at the gate.",
        },
    )
    assert response.status_code == 302
    evidence = story_claim.evidence.get()
    assert (evidence.title, evidence.public_note, evidence.notes) == ("Gate", "Taken at the gate.", "")
    page = client.get(reverse("desk-claim", args=[story_claim.pk])).content.decode()
    assert "For readers:</strong> Taken at the gate." in page and "Preview: being made" in page
