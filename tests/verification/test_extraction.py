"""The rule-based extractor: the seed story, each attribution pattern, opinion,
names, bad input, and the intake benchmark's command line. No database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from verification.intake.extraction import (
    ExtractionError,
    extract_claims,
    guess_source_kind,
    normalise_name,
)

REPO = Path(__file__).resolve().parents[2]
# The shared seeds sit beside the repository (CI checks out ../shared next to it).
SEED = REPO.parent / "shared" / "seeds" / "north-korean-troops-kursk.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8") if SEED.exists() else None
needs_seed = pytest.mark.skipif(SEED_TEXT is None, reason="seed story not available")


def claim_with(claims, fragment):
    found = [c for c in claims if fragment in c.text]
    assert found, f"no claim contains {fragment!r}: {[c.text for c in claims]}"
    return found[0]


def attribution_to(claim, name_part):
    found = [a for a in claim.attributions if name_part.lower() in f"{a.title} {a.name}".lower()]
    assert found, f"no attribution to {name_part!r}: {claim.attributions}"
    return found[0]


def only_claim(text):
    claims = extract_claims(text)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


# --- The seed story ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_claims():
    if SEED_TEXT is None:
        pytest.skip("seed story not available")
    return extract_claims(SEED_TEXT)


@needs_seed
def test_it_finds_budanovs_2600_troops_to_kursk(seed_claims):
    claim = claim_with(seed_claims, "2,600 North Korean soldiers")
    budanov = attribution_to(claim, "Budanov")
    assert budanov.name == "Kyrylo Budanov"
    assert budanov.title == "Ukrainian military intelligence chief"
    assert budanov.role == "stated"
    assert budanov.kind == "person"
    assert "Kursk" in claim.text and "number" in claim.checkable_reasons
    assert not claim.is_opinion


@needs_seed
def test_it_resolves_budanov_for_the_11000_troops_ready_by_november_1(seed_claims):
    claim = claim_with(seed_claims, "11,000 North Korean troops")
    budanov = attribution_to(claim, "Budanov")
    assert budanov.name == "Kyrylo Budanov"  # the surname resolved to the full name
    assert budanov.role == "stated"
    assert budanov.quote == "ready to fight"
    assert {"number", "date"} <= set(claim.checkable_reasons)


@needs_seed
def test_it_finds_the_video_released_by_the_center(seed_claims):
    claim = claim_with(seed_claims, "released a video")
    center = attribution_to(claim, "Center for Strategic Communication")
    assert center.name == "Ukraine's Center for Strategic Communication and Information Security"
    assert center.role == "released_material"
    assert center.kind == "government_body"
    assert "date" in claim.checkable_reasons


@needs_seed
def test_it_gives_the_72_hours_claim_to_the_center(seed_claims):
    claim = claim_with(seed_claims, "no more than 72 hours old")
    center = attribution_to(claim, "Center")
    assert center.name.startswith("Ukraine's Center for Strategic Communication")
    assert center.role == "stated"
    assert "72 hours" in center.quote


@needs_seed
def test_it_records_that_the_kyiv_independent_could_not_verify(seed_claims):
    claim = claim_with(seed_claims, "not been able to independently verify")
    outlet = attribution_to(claim, "Kyiv Independent")
    assert outlet.role == "could_not_confirm"
    assert outlet.kind == "media_outlet"
    assert "unverified" in claim.checkable_reasons


@needs_seed
def test_it_records_that_the_pentagon_could_not_confirm_north_korean_forces(seed_claims):
    claim = claim_with(seed_claims, "presence of North Korean forces")
    ryder = attribution_to(claim, "Pat Ryder")
    assert ryder.name == "Pat Ryder"
    assert "Pentagon" in ryder.title
    assert ryder.role == "could_not_confirm"  # beats "stated" in the same sentence
    assert len(claim.attributions) == 1


@needs_seed
def test_it_marks_sybihas_invading_europe_as_opinion(seed_claims):
    claim = claim_with(seed_claims, "invading Europe side by side with Russia")
    sybiha = attribution_to(claim, "Sybiha")
    assert claim.is_opinion
    assert sybiha.name == "Andrii Sybiha"
    assert sybiha.title == "Ukrainian Foreign Minister"
    assert sybiha.role == "opinion"
    assert "invading Europe" in sybiha.quote


@needs_seed
def test_it_proposes_the_repeated_standfirst_once(seed_claims):
    matches = [c for c in seed_claims if "invading Europe" in c.text]
    assert len(matches) == 1


@needs_seed
def test_it_drops_headlines_bylines_and_section_heads(seed_claims):
    texts = " ".join(c.text for c in seed_claims)
    for noise in ("Author Image", "News Desk", "officejjsmart", "| VIDEO", "Deployment plans"):
        assert noise not in texts
    assert not any(c.text.startswith("World News") for c in seed_claims)


# --- Attribution patterns ------------------------------------------------------------


def test_it_reads_said_with_title_before_the_name():
    claim = only_claim("Health Minister Viktor Liashko said 1,200 hospitals had been damaged since 2022.")
    source = claim.attributions[0]
    assert (source.name, source.title, source.role) == ("Viktor Liashko", "Health Minister", "stated")


def test_it_reads_said_after_a_quotation():
    claim = only_claim('"We shot down 29 of 35 drones," said Yurii Ihnat, the air force spokesperson.')
    source = claim.attributions[0]
    assert source.name == "Yurii Ihnat"
    assert source.title == "the air force spokesperson"
    assert source.quote == "We shot down 29 of 35 drones,"


def test_it_reads_according_to():
    claim = only_claim("Inflation slowed to 4.1 percent in May, according to the National Statistics Office.")
    assert claim.attributions[0].name == "National Statistics Office"
    assert claim.attributions[0].role == "stated"


def test_it_reads_according_to_an_unnamed_source():
    claim = only_claim("According to two officials familiar with the talks, the deal covers 40 ships.")
    assert claim.attributions[0].name == "two officials familiar with the talks"


def test_it_reads_could_not_confirm():
    claim = only_claim("The ministry said it could not confirm reports that 12 people had died.")
    source = claim.attributions[0]
    assert source.name == "ministry" and source.role == "could_not_confirm"


def test_it_reads_was_unable_to_independently_verify():
    claim = only_claim("Reuters was unable to independently verify the footage filmed on Monday.")
    assert claim.attributions[0].name == "Reuters"
    assert claim.attributions[0].role == "could_not_confirm"


def test_it_reads_a_newsroom_that_has_not_been_able_to_verify():
    claim = only_claim("The Kyiv Post has not been able to independently verify the figures.")
    assert claim.attributions[0].name == "Kyiv Post"
    assert claim.attributions[0].role == "could_not_confirm"


def test_it_reads_denied():
    claim = only_claim("The Kremlin denied that its troops had crossed the border on Sunday.")
    assert claim.attributions[0].name == "Kremlin"
    assert claim.attributions[0].role == "denied"
    assert "denial" in claim.checkable_reasons


def test_it_reads_calling_a_report_false_as_a_denial():
    claim = only_claim("The company said the report about 300 job cuts was false.")
    assert claim.attributions[0].role == "denied"


def test_it_does_not_read_a_passive_as_a_denial():
    claim = only_claim("Observers said they had been denied access to 14 polling stations.")
    assert [(a.name, a.role) for a in claim.attributions] == [("Observers", "stated")]


def test_it_reads_released_footage():
    claim = only_claim("The General Staff released footage of the strike on the bridge on Tuesday.")
    assert claim.attributions[0].name == "General Staff"
    assert claim.attributions[0].role == "released_material"


def test_it_reads_material_released_by_someone():
    claim = only_claim("A video published by the State Border Service showed 3 boats near the coast.")
    assert claim.attributions[0].name == "State Border Service"
    assert claim.attributions[0].role == "released_material"


def test_it_reads_citing_as_relayed():
    claim = only_claim("The newspaper Harbour Daily reported, citing port records, that exports fell 9 percent.")
    assert claim.attributions[0].name == "Harbour Daily"
    assert claim.attributions[0].role == "relayed"


def test_it_keeps_the_cited_source_as_stated():
    claim = only_claim("Reuters reported, citing Health Minister Viktor Liashko, that 40 clinics closed in May.")
    assert [(a.name, a.role) for a in claim.attributions] == [("Reuters", "relayed"), ("Viktor Liashko", "stated")]


def test_it_reads_the_head_of_an_organisation_in_apposition():
    claim = only_claim("Ivan Vyhivskyi, the head of the National Police, said 48 people were detained.")
    source = claim.attributions[0]
    assert source.name == "Ivan Vyhivskyi"
    assert source.title == "the head of the National Police"


def test_it_reads_the_title_before_an_apposed_name():
    claim = only_claim("The head of the National Police, Ivan Vyhivskyi, said 48 people were detained.")
    assert claim.attributions[0].name == "Ivan Vyhivskyi"
    assert claim.attributions[0].title == "The head of the National Police"


def test_it_reads_spokesperson_and_chief_titles():
    claims = extract_claims(
        "Pentagon spokesperson Sabrina Singh said 500 troops would be sent in May. "
        "Army chief Oleksandr Syrskyi said the unit lost 12 tanks last week."
    )
    assert [(a.name, a.title) for c in claims for a in c.attributions] == [
        ("Sabrina Singh", "Pentagon spokesperson"),
        ("Oleksandr Syrskyi", "Army chief"),
    ]


def test_it_follows_reported_speech_across_sentences():
    claims = extract_claims(
        "Governor Lucia Fernandes said inflation fell to 4 percent in June. "
        "She added that rates would stay at 6.5 percent. "
        "Fernandes also said 300 banks had been inspected since 2023."
    )
    names = [c.attributions[0].name for c in claims]
    assert names == ["Lucia Fernandes"] * 3


def test_it_follows_a_surname_written_in_cyrillic():
    claims = extract_claims(
        "Regional governor Олег Синєгубов said seven people were injured on Friday. "
        "Синєгубов added that the hospital had been evacuated before the strike."
    )
    assert [c.attributions[0].name for c in claims] == ["Олег Синєгубов"] * 2
    assert normalise_name(claims[0].attributions[0].name) == "oleh syniehubov"


def test_it_resolves_the_short_name_of_an_organisation():
    claims = extract_claims(
        "The Medicines Safety Agency recalled 1.2 million packs on Friday. "
        "The agency published test results showing impurities three times the limit."
    )
    assert claims[1].attributions[0].name == "Medicines Safety Agency"
    assert claims[1].attributions[0].role == "released_material"


# --- Opinion -------------------------------------------------------------------------------


def test_it_marks_a_call_to_action_as_opinion():
    claim = only_claim("Mayor Sven Aho urged the government to send more help to the town.")
    assert claim.is_opinion
    assert claim.attributions[0].role == "opinion"


def test_it_marks_a_quoted_judgement_as_opinion():
    claim = only_claim('"This is a betrayal of every worker here," said union leader Irene Balogh.')
    assert claim.is_opinion and claim.attributions[0].role == "opinion"


def test_it_keeps_a_figure_as_fact_despite_evaluative_words():
    claim = only_claim("Officials said 2023 was the worst year on record, with 6 percent of the ice lost.")
    assert not claim.is_opinion
    assert claim.attributions[0].role == "stated"


def test_it_does_not_propose_unattributed_commentary():
    assert extract_claims("If the reports prove accurate, it would signify a precarious position for everyone.") == []


# --- Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Буданов", "budanov"),
        ("Кирило Буданов", "kyrylo budanov"),
        ("Андрій Сибіга", "andrii sybiha"),
        ("Олег Синєгубов", "oleh syniehubov"),
        ("Юлія Свириденко", "yuliia svyrydenko"),
        ("Игорь Конашенков", "igor konashenkov"),
        ("Сергей Лавров", "sergey lavrov"),
        ("José Müller-Łukasz", "jose muller lukasz"),
        ("Ukraine's Center for Strategic Communication", "ukraine center for strategic communication"),
        ("  Pat   Ryder. ", "pat ryder"),
        ("", ""),
    ],
)
def test_it_normalises_names_in_any_script(name, expected):
    assert normalise_name(name) == expected


@pytest.mark.parametrize(
    "name, title, kind",
    [
        ("Pentagon", "", "government_body"),
        ("Ministry of Defence", "", "ministry"),
        ("Ukraine's Culture and Information Ministry", "", "ministry"),
        ("Kyiv Independent", "", "media_outlet"),
        ("Reuters", "", "media_outlet"),
        ("BBC", "", "media_outlet"),
        ("Ukraine's Center for Strategic Communication and Information Security", "", "government_body"),
        ("HUR", "", "military_intelligence"),
        ("Defence Intelligence of Ukraine", "", "military_intelligence"),
        ("Amnesty International", "", "ngo"),
        ("@TruthWatch24", "", "social_account"),
        ("Kyrylo Budanov", "Ukrainian military intelligence chief", "person"),
        ("Pat Ryder", "Pentagon spokesperson", "person"),
        ("Кирило Буданов", "", "person"),
        ("North Korea", "", "other"),
    ],
)
def test_it_guesses_the_kind_of_source(name, title, kind):
    assert guess_source_kind(name, title) == kind


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_it_rejects_empty_text(text):
    with pytest.raises(ExtractionError, match="empty"):
        extract_claims(text)


def test_it_rejects_text_over_the_size_cap():
    with pytest.raises(ExtractionError, match="over the limit of 100"):
        extract_claims("The minister said 5 people died. " * 10, max_chars=100)


def test_it_rejects_bytes():
    with pytest.raises(ExtractionError, match="decode"):
        extract_claims(b"The minister said 5 people died.")


def test_it_rejects_a_page_of_menus_and_markup():
    page = (
        "<html><head><script>var x = 1;</script></head><body><nav>"
        "<a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a></nav>"
        "<div>Subscribe</div><div>Log in</div><footer>© 2024 Example Media</footer></body></html>"
    )
    with pytest.raises(ExtractionError, match="No article sentences"):
        extract_claims(page)


def test_it_reads_an_article_wrapped_in_html():
    page = "<html><body><h1>Storm</h1><p>The State Emergency Service said 6,500 people were evacuated on Sunday.</p></body></html>"
    claim = only_claim(page)
    assert claim.attributions[0].name == "State Emergency Service"


def test_it_survives_mixed_languages():
    text = (
        "Президент заявив, що 20 тисяч людей евакуйовано. "
        "市政府表示，周日有三千人被疏散到安全地区。 "
        "وقال المسؤولون إن 300 شخص أصيبوا. "
        "The ministry said 4,000 people were moved on Sunday 🚨."
    )
    claims = extract_claims(text)
    assert any(c.attributions and c.attributions[0].name == "ministry" for c in claims)


# --- The intake benchmark ------------------------------------------------------------------------


def test_it_prints_the_bench_scores_as_the_last_line(tmp_path):
    stories = {
        "stories": [
            {
                "id": "tiny",
                "text": "Drones hit a depot\n\nRegional governor Oleh Kiper said 40 drones were launched on Tuesday. "
                "The Kyiv Independent could not independently verify the figure.",
                "expected": [
                    {
                        "fragment": "40 drones were launched",
                        "source": "Oleh Kiper",
                        "role": "stated",
                        "is_opinion": False,
                    },
                    {
                        "fragment": "could not independently verify",
                        "source": "Kyiv Independent",
                        "role": "could_not_confirm",
                        "is_opinion": False,
                    },
                ],
            }
        ]
    }
    path = tmp_path / "stories.json"
    path.write_text(json.dumps(stories), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bench.intake", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(scores) == {
        "claim_precision",
        "claim_recall",
        "attribution_precision",
        "attribution_recall",
        "role_accuracy",
    }
    assert all(isinstance(v, (int, float)) for v in scores.values())
    assert scores["attribution_recall"] == 1.0 and scores["role_accuracy"] == 1.0
