"""`manage.py seed` loads the seed story once; running it again changes nothing."""

import json
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from sources.models import ConflictParty, Source
from verification.models import Attribution, Claim, Evidence

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def row_counts() -> dict:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_it_changes_nothing_the_second_time(settings):
    settings.DEBUG = True  # demo users and the seeded assessment too
    seed()
    first = row_counts()
    assert first["verification.Claim"] >= 6 and first["auth.User"] == 4
    second_output = seed()
    assert row_counts() == first
    assert "nothing new (already loaded)" in second_output


@pytest.mark.django_db
def test_it_builds_the_chain_of_sources(seeded):
    budanov = Source.objects.get(name="Kyrylo Budanov")
    assert [s.name for s in budanov.ancestors()] == [
        "HUR (Main Directorate of Intelligence)",
        "Ministry of Defence of Ukraine",
    ]
    assert [s.name for s in Source.objects.get(name="Pat Ryder").ancestors()] == [
        "The Pentagon (US Department of Defense)"
    ]
    assert (
        Source.objects.get(name="Center for Strategic Communication and Information Security").parent.name
        == "Ministry of Culture and Information Policy of Ukraine"
    )
    assert Source.objects.get(name="Andrii Sybiha").parent.name == "Ministry of Foreign Affairs of Ukraine"
    aliases = {a for s in Source.objects.all() for a in s.aliases.values_list("name", flat=True)}
    assert {"Буданов", "Кирило Буданов", "ГУР", "Сибіга"} <= aliases
    parties = dict(ConflictParty.objects.values_list("source__name", "side"))
    assert parties["HUR (Main Directorate of Intelligence)"] == parties["Kyrylo Budanov"] == "Ukraine"
    assert "The Pentagon (US Department of Defense)" not in parties and "Pat Ryder" not in parties
    for source in Source.objects.all():
        grade = source.grades.get()
        assert source.reliability == grade.grade and len(grade.rationale) > 40, source.name


@pytest.mark.django_db
def test_it_attributes_each_claim_along_the_chain(seeded):
    roles = {(a.claim.text[:30], a.source.name, a.role) for a in Attribution.objects.select_related("claim", "source")}
    texts = list(Claim.objects.values_list("text", flat=True))
    assert len(texts) >= 6
    assert any("2,600" in t and "Kursk" in t for t in texts) and any("11,000" in t and "1 November" in t for t in texts)
    assert any("Sergeevsky" in t for t in texts) and any("72 hours" in t for t in texts)
    opinion = Attribution.objects.get(source__name="Andrii Sybiha")
    assert opinion.role == "opinion" and opinion.quote == "invading Europe side by side with Russia"
    assert Attribution.objects.filter(source__name="Pat Ryder", role="could_not_confirm").exists()
    assert Attribution.objects.filter(
        source__name="Center for Strategic Communication and Information Security", role="released_material"
    ).exists()
    for relay in Attribution.objects.filter(role="relayed"):
        assert relay.source.name == "News Desk" and relay.relays.claim_id == relay.claim_id, roles


@pytest.mark.django_db
def test_it_seeds_evidence_that_is_never_fetched(seeded):
    video = Evidence.objects.filter(kind="video").first()
    assert video.url == "" and video.stored_file is None and video.notes and video.capture_status == "not_requested"
    briefing = Evidence.objects.filter(kind="official_statement").first()
    assert urlsplit(briefing.url).hostname == "example.org" and briefing.capture_status == "not_requested"
    assert not Evidence.objects.exclude(capture_status="not_requested").exists()


def test_it_names_no_real_host_in_the_seed_files():
    for path in SEEDS.glob("*.json"):
        urls = re.findall(r"https?://[^\s\"]+", path.read_text())
        assert urls and {urlsplit(u).hostname for u in urls} == {"example.org"}, path
        json.loads(path.read_text())


@pytest.mark.django_db
def test_it_creates_demo_logins_only_in_development(settings):
    settings.DEBUG = False
    output = seed()
    assert not User.objects.exists() and "DEBUG is off: no demo users were created." in output
    settings.DEBUG = True
    output = seed()
    for username, role in [
        ("factchecker", "fact-checkers"),
        ("factchecker2", "fact-checkers"),
        ("editor", "editors"),
        ("admin", "admins"),
    ]:
        user = User.objects.get(username=username)
        assert user.groups.get().name == role and user.check_password("claimdesk-demo")
        assert re.search(rf"{username}\s+{role}\s+password: claimdesk-demo", output)
    assert User.objects.get(username="admin").is_staff and not User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_it_publishes_the_seeded_assessment_through_the_review_queue(settings):
    settings.DEBUG = True
    seed()
    claim = Claim.objects.get(text__startswith="The Pentagon could not confirm")
    assert claim.state == "published" and claim.verdict == "likely_true" and claim.confidence == 0.8
    assert list(claim.events.values_list("kind", flat=True)) == ["created", "reassigned", "assessed", "published"]
    assert claim.published_assessment.reviewer.username == "factchecker"


@pytest.mark.django_db
def test_it_loads_another_folder(tmp_path):
    story = {
        "sources": [{"name": "Solo Desk", "kind": "media_outlet"}],
        "claims": [{"text": "A claim from elsewhere.", "attributions": [{"source": "Solo Desk", "role": "stated"}]}],
    }
    (tmp_path / "other.json").write_text(json.dumps(story))
    seed(path=str(tmp_path))
    assert list(Source.objects.values_list("name", flat=True)) == ["Solo Desk"]
    assert Claim.objects.get().attributions.get().role == "stated"


@pytest.mark.django_db
def test_it_does_not_bring_back_a_merged_record(adam, seeded):
    from verification.workflow.source_merge import merge_sources

    hur = Source.objects.get(name="HUR (Main Directorate of Intelligence)")
    mod = Source.objects.get(name="Ministry of Defence of Ukraine")
    merge_sources(adam, mod.pk, [hur.pk], note="Test: fold HUR into the ministry.")
    before = row_counts()
    seed()
    assert row_counts() == before
    assert Source.objects.get(name="Kyrylo Budanov").parent == mod
