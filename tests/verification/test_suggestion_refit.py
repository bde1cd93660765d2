"""The suggestion's model is refitted on the desk's own verdicts: by the task a sign-off sends
(debounced: a burst of sign-offs costs one fit) and nightly; the fit is stored in the database and
the claim page reads it."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from tests.sources.record_helpers import publish
from tests.worker import wait_for
from verification.credibility import fitting
from verification.credibility.suggestions import suggest_for_claim
from verification.models import Claim, ClaimEvent, SuggestionModel
from verification.tasks import refit_suggestions


def _published_events():
    return list(ClaimEvent.objects.filter(kind=ClaimEvent.Kind.PUBLISHED).order_by("id").values_list("id", flat=True))


@pytest.mark.django_db
def test_it_refits_only_when_a_verdict_was_published_since_the_last_fit(make_source, alice, erin):
    speaker = make_source("A speaker")
    publish("The harbour reopened in May.", [(speaker, "stated")], alice, erin, "confirmed")

    assert refit_suggestions() is True
    row = SuggestionModel.objects.get()
    assert (row.verdicts, row.through_event) == (1, _published_events()[-1])
    assert refit_suggestions() is False  # nothing new: the debounced task stands down
    assert SuggestionModel.objects.count() == 1

    publish("The harbour closed in June.", [(speaker, "stated")], alice, erin, "false")
    assert refit_suggestions() is True
    newest = SuggestionModel.objects.latest()
    assert (newest.verdicts, newest.through_event) == (2, _published_events()[-1])
    assert suggest_for_claim(Claim.objects.create(text="The harbour is open.")).verdicts == 2


@pytest.mark.django_db
def test_it_refits_nightly_even_with_nothing_new_and_keeps_a_few_fits(make_source, alice, erin):
    publish("The bridge is closed.", [(make_source("Someone"), "stated")], alice, erin, "likely_true")
    for _ in range(fitting.KEEP_FITS + 2):
        assert refit_suggestions(force=True) is True

    assert SuggestionModel.objects.count() == fitting.KEEP_FITS
    nightly = django_settings.CELERY_BEAT_SCHEDULE["refit-suggestions"]
    assert nightly["task"] == "verification.tasks.refit_suggestions" and nightly["kwargs"] == {"force": True}


@pytest.mark.django_db
def test_it_stands_down_while_another_refit_holds_the_lock():
    cache.add(fitting.LOCK, 1, 60)
    try:
        assert refit_suggestions(force=True) is False
        assert not SuggestionModel.objects.exists()
    finally:
        cache.delete(fitting.LOCK)


def _refits_logged(worker, since: int) -> int:
    return len(
        re.findall(r"verification\.tasks\.refit_suggestions\[[^\]]+\] succeeded", worker.log_tail(10**6)[since:])
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_refits_through_a_worker_once_for_a_burst_of_sign_offs(celery_worker, settings, make_source, alice, erin):
    settings.SUGGESTION_REFIT_DELAY_SECONDS = 3  # read when the sign-off sends the task
    speaker = make_source("Kyrylo Budanov")
    start = len(celery_worker.log_tail(10**6))

    publish("A first group of 2,600 soldiers is to be sent.", [(speaker, "stated")], alice, erin, "likely_true")
    publish("Close to 11,000 soldiers are already there.", [(speaker, "stated")], alice, erin, "confirmed")

    row = wait_for(
        lambda: SuggestionModel.objects.first(),
        timeout=90,
        message=lambda: f"the worker to store a fitted model\n{celery_worker.log_tail()}",
    )
    wait_for(lambda: _refits_logged(celery_worker, start) >= 2, timeout=90, message=celery_worker.log_tail)
    assert row.verdicts == 2 and row.through_event == _published_events()[-1]  # the first run saw both
    assert SuggestionModel.objects.count() == 1  # the second found the model current
    claim = Claim.objects.create(text="Soldiers are to be sent again.")
    assert suggest_for_claim(claim).verdicts == 2
