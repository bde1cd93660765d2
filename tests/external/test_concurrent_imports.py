"""Two imports of the same new reviews at once on PostgreSQL: the one that
looked before the other committed is rolled back whole and says to run it
again; the rows are those of the first, once each."""

import threading

import pytest
from django.db import connection

from tests.external.conftest import fixture_bytes
from tests.services import require_postgres
from verification.intake.claimreview_import import parse
from verification.models import ExternalReview, ExternalReviewImport
from verification.workflow.external_reviews import ConcurrentImport, import_reviews


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_simultaneous_imports_is_rolled_back_and_can_be_run_again():
    require_postgres()
    first_written, second_checked, outcome = threading.Event(), threading.Event(), {}

    def hold_until_the_second_has_looked(step, done, total):
        # Inside the first import's transaction, after its rows are written but before commit.
        if step == "written" and done == total:
            first_written.set()
            assert second_checked.wait(timeout=30)

    def first():
        try:
            outcome["first"] = import_reviews(
                None, parse(fixture_bytes("feed.json"), "first.json"), progress=hold_until_the_second_has_looked
            )
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_written.wait(timeout=30)

    def mark_checked(step, done, total):
        if step == "checked" and done == total:
            second_checked.set()  # it saw none of the first's uncommitted rows: all three look new

    with pytest.raises(ConcurrentImport, match="Run it again"):
        import_reviews(None, parse(fixture_bytes("feed.json"), "second.json"), progress=mark_checked)
    thread.join(timeout=60)

    assert outcome["first"].created == 3
    assert ExternalReview.objects.count() == 3
    assert list(ExternalReviewImport.objects.values_list("source", flat=True)) == ["first.json"]
    again = import_reviews(None, parse(fixture_bytes("feed.json"), "second.json"))
    assert (again.created, again.unchanged) == (0, 3)
