"""The seeded assessment names accounts of this installation. When they are
missing or lack the role, `seed` loads everything else, leaves the claim in
the queue untouched, and says what to do; it never half-assesses a claim."""

from io import StringIO

import pytest
from django.core.management import call_command

from sources.roles import EDITORS, FACT_CHECKERS
from tests.conftest import make_user
from verification.models import Assessment, Claim

PENTAGON = 'north-korean-troops-kursk.json: claims[4] "The Pentagon could not confirm that North Korean f…"'


def seed() -> str:
    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def pentagon_claim() -> Claim:
    return Claim.objects.get(text__startswith="The Pentagon could not confirm")


@pytest.mark.django_db
def test_it_skips_the_assessment_when_the_reviewer_has_no_account(settings):
    settings.DEBUG = False  # no demo logins
    output = seed()
    claim = pentagon_claim()
    assert (
        f"  note: {PENTAGON}: assessment skipped (claim {claim.pk}): no user 'factchecker' (reviewer) here; "
        "create it (with DEBUG on, `seed` makes demo logins), then assess the claim in the desk."
    ) in output.splitlines()
    assert claim.state == "queued" and list(claim.events.values_list("kind", flat=True)) == ["created"]
    assert Claim.objects.count() == 6 and not Assessment.objects.exists()


@pytest.mark.django_db
def test_it_skips_the_assessment_when_the_reviewer_is_not_a_fact_checker(settings):
    settings.DEBUG = False
    make_user("factchecker")  # an account with no role
    make_user("editor", EDITORS)
    output = seed()
    claim = pentagon_claim()
    assert (
        f"{PENTAGON}: assessment skipped (claim {claim.pk}): 'factchecker' (reviewer) is not a fact-checker; "
        "give that account the role or name a fact-checker in the file, then assess the claim in the desk."
    ) in output
    assert claim.state == "queued" and claim.lease_owner is None
    assert list(claim.events.values_list("kind", flat=True)) == ["created"]


@pytest.mark.django_db
def test_it_skips_the_assessment_when_the_signer_is_not_an_editor(settings):
    settings.DEBUG = False
    make_user("factchecker", FACT_CHECKERS)
    make_user("editor", FACT_CHECKERS)
    make_user("erin", EDITORS)  # someone could hand the claim over, but nobody named may publish it
    output = seed()
    claim = pentagon_claim()
    assert "'editor' (signed_off_by) is not an editor; give that account the role or name an editor" in output
    assert claim.state == "queued" and list(claim.events.values_list("kind", flat=True)) == ["created"]


@pytest.mark.django_db
def test_it_assesses_through_an_existing_editor_when_the_accounts_are_right(settings):
    settings.DEBUG = False
    make_user("factchecker", FACT_CHECKERS)
    make_user("editor", EDITORS)
    output = seed()
    claim = pentagon_claim()
    assert "note:" not in output and "1 assessments" in output
    assert claim.state == "published" and claim.published_assessment.reviewer.username == "factchecker"
    assert claim.events.get(kind="published").actor.username == "editor"
