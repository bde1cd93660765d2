"""Sources across scripts (issue 21, item 4): a source is found whatever
script its name was entered in and whatever script the search is typed in,
and has a display name per language that readers of that language see."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sources.models import Source, SourceAlias
from tests.api.core_support import key_client, make_key, publish
from verification.workflow import translations
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim
from verification.workflow.source_merge import merge_sources


@pytest.fixture
def budanov(make_source):
    # Entered in Cyrillic only, with no aliases: the search must still find it typed in Latin.
    return make_source("Кирило Буданов", country="UA")


@pytest.fixture
def pentagon(make_source):
    return make_source("Pentagon", kind="government_body", country="US")


@pytest.mark.django_db
def test_the_api_finds_a_source_typed_in_either_script(alice, budanov, pentagon):
    client = key_client(make_key("read", alice))
    for typed in ("budanov", "Budanov", "Буданов", "kyrylo"):
        found = client.get("/api/v1/sources", {"q": typed}).json()["results"]
        assert [s["id"] for s in found] == [budanov.pk], typed
    assert [s["id"] for s in client.get("/api/v1/sources", {"q": "Пентагон"}).json()["results"]] == [pentagon.pk]


@pytest.mark.django_db
def test_the_desk_suggests_and_filters_by_a_source_typed_in_another_script(client, alice, budanov, pentagon):
    client.force_login(alice)
    assert "Кирило Буданов" in client.get("/desk/sources/suggest", {"q": "budan"}).content.decode()
    assert "Pentagon" in client.get("/desk/sources/suggest", {"q": "Пентаг"}).content.decode()

    claim = create_claim(None, ClaimInput(text="Budanov said so.", attributions=[AttributionInput(budanov, "stated")]))
    other = create_claim(
        None, ClaimInput(text="The Pentagon said so.", attributions=[AttributionInput(pentagon, "stated")])
    )
    listed = client.get("/desk/", {"tab": "all", "source": "Budanov"}).content.decode()
    assert f"/desk/claims/{claim.pk}/" in listed and f"/desk/claims/{other.pk}/" not in listed


@pytest.mark.django_db
def test_the_admin_finds_a_source_typed_in_another_script(client, admin_user, budanov, pentagon):
    client.force_login(admin_user)
    page = client.get("/admin/sources/source/", {"q": "budanov"}).content.decode()
    assert "Кирило Буданов" in page and "Pentagon" not in page


@pytest.mark.django_db
def test_a_source_has_one_name_per_language_and_the_api_lists_them(alice, make_source):
    source = make_source("Kyrylo Budanov", country="UA")
    SourceAlias.objects.create(source=source, name="Кирило Буданов", language="uk")
    SourceAlias.objects.create(source=source, name="Кирилл Буданов", language="ru")
    SourceAlias.objects.create(source=source, name="Kirill Budanov")  # a spelling, for finding it only

    body = key_client(make_key("read", alice)).get(f"/api/v1/sources/{source.pk}").json()
    assert body["names"] == {"uk": "Кирило Буданов", "ru": "Кирилл Буданов"}
    assert (source.name_in("uk-UA"), source.name_in("ru"), source.name_in("en")) == (
        "Кирило Буданов",
        "Кирилл Буданов",
        "Kyrylo Budanov",
    )
    with pytest.raises(ValidationError) as refused:
        SourceAlias(source=source, name="Budanow", language="Polish").full_clean()
    assert "language" in refused.value.message_dict


@pytest.mark.django_db
def test_a_merge_keeps_the_kept_records_name_for_a_language(admin_user, make_source):
    keep = make_source("Kyrylo Budanov", country="UA")
    SourceAlias.objects.create(source=keep, name="Кирило Буданов", language="uk")
    duplicate = make_source("K. Budanov", country="UA")
    SourceAlias.objects.create(source=duplicate, name="Буданов К.", language="uk")

    merge_sources(admin_user, keep.pk, [duplicate.pk])

    assert list(keep.aliases.exclude(language="").values_list("language", "name")) == [("uk", "Кирило Буданов")]
    assert keep.aliases.filter(name="Буданов К.", language="").exists()  # still a spelling that finds it


@pytest.mark.django_db
def test_readers_of_a_translation_see_the_source_by_their_name_for_it(alice, erin, make_source):
    source = make_source("Kyrylo Budanov", country="UA")
    SourceAlias.objects.create(source=source, name="Кирило Буданов", language="uk")
    claim = create_claim(
        None,
        ClaimInput(text="North Korea sent 11,000 soldiers.", attributions=[AttributionInput(source, "stated")]),
    )
    claim = publish(claim, alice, erin)
    translations.translate(
        erin,
        claim.pk,
        language="uk",
        text="Північна Корея відправила 11 000 солдатів.",
        rationale="Цифру називає лише одна сторона.",
        expected_version=claim.version,
    )

    ukrainian = Client().get(f"/claims/{claim.pk}/?lang=uk").content.decode()
    english = Client().get(f"/claims/{claim.pk}/").content.decode()

    assert "Кирило Буданов заявив" in ukrainian and "Kyrylo Budanov stated" in english
    reviews = json.loads(ukrainian.split('<script type="application/ld+json">')[1].split("</script>")[0])
    authors = {r["inLanguage"]: r["itemReviewed"]["author"]["name"] for r in reviews}
    assert authors == {"en": "Kyrylo Budanov", "uk": "Кирило Буданов"}


@pytest.mark.django_db
def test_the_seed_story_names_budanov_in_ukrainian_and_russian(seeded):
    budanov = Source.objects.get(name="Kyrylo Budanov")
    assert budanov.name_in("uk") == "Кирило Буданов" and budanov.name_in("ru") == "Кирилл Буданов"
