"""`manage.py import_claimreview PATH_OR_URL [--dry-run] [--user U]`: a summary
on stdout, progress on stderr, and on a bad record the list of them and exit 1."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.external.conftest import FIXTURES
from verification.models import ExternalReview, ExternalReviewImport

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_claimreview", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_then_finds_nothing_new_the_second_time(capfd):
    out, err = run(FIXTURES / "feed.json")

    run_row = ExternalReviewImport.objects.get()
    assert out == f"Imported {FIXTURES / 'feed.json'} as run {run_row.pk}: 3 created, 0 updated, 0 unchanged.\n"
    assert f"Read {FIXTURES / 'feed.json'}: 3 good ClaimReview record(s) (datafeed)." in err
    bars = capfd.readouterr().err  # tqdm writes to the process's own stderr
    assert "checked: 100%" in bars and "written: 100%" in bars and "3/3" in bars
    assert ExternalReview.objects.count() == 3 and run_row.imported_by is None  # the system

    out, _ = run(FIXTURES / "feed.json")
    assert out.endswith(": 0 created, 0 updated, 3 unchanged.\n")
    assert ExternalReview.objects.count() == 3 and ExternalReviewImport.objects.count() == 2


def test_a_dry_run_says_what_would_change_and_writes_nothing():
    out, _ = run(FIXTURES / "reviews.jsonld", "--dry-run")

    assert out == (
        f"Checked {FIXTURES / 'reviews.jsonld'} (dry run, nothing written): "
        "3 would be created, 0 updated, 0 unchanged.\n"
    )
    assert ExternalReview.objects.count() == 0 and ExternalReviewImport.objects.count() == 0


def test_it_lists_every_bad_record_and_fails_without_writing():
    with pytest.raises(CommandError) as failed:
        out, err = StringIO(), StringIO()
        call_command("import_claimreview", str(FIXTURES / "bad_feed.json"), stdout=out, stderr=err)

    assert str(failed.value) == (
        f"3 bad record(s) in {FIXTURES / 'bad_feed.json'}; nothing was imported. Fix them and run it again."
    )
    listed = [line.strip() for line in err.getvalue().splitlines() if line.startswith("  ")]
    assert listed == [
        "item 2 (line 13): url: missing; the review's address is what identifies it.",
        "item 3 (line 22): datePublished: 'last Tuesday' is not a date; use ISO 8601, "
        "e.g. 2024-03-01 or 2024-03-01T12:00:00Z.",
        "item 4 (line 28): @type is NewsArticle, not ClaimReview",
    ]
    assert f"Read {FIXTURES / 'bad_feed.json'}: 1 good ClaimReview record(s), 3 bad (datafeed)." in err.getvalue()
    assert out.getvalue() == ""
    assert ExternalReview.objects.count() == 0 and ExternalReviewImport.objects.count() == 0


def test_it_imports_as_a_named_user_only_if_they_may(adam, erin):
    out, _ = run(FIXTURES / "page.html", "--user", "adam")
    assert ExternalReviewImport.objects.get().imported_by == adam
    assert ExternalReview.objects.get().imported_by == adam

    with pytest.raises(CommandError, match="You do not have the right to import other fact-checkers' reviews"):
        run(FIXTURES / "feed.json", "--user", "erin")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run(FIXTURES / "feed.json", "--user", "nobody")
    with pytest.raises(CommandError, match="Cannot read .*missing.json: No such file or directory"):
        run(FIXTURES / "missing.json")
    assert ExternalReview.objects.count() == 1
