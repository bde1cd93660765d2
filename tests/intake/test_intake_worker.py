"""Batches end to end: submitted in a committed transaction, read by a real
Celery worker, progress counted up to the number of proposals."""

import pytest

from tests.intake.intake_support import ARTICLE
from tests.worker import wait_for
from verification.intake import batches as intake
from verification.models import IntakeBatch

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(batch_id: int) -> IntakeBatch | None:
    batch = IntakeBatch.objects.get(pk=batch_id)
    return batch if batch.is_finished else None


def test_it_reads_a_pasted_article_with_a_real_worker(celery_worker, alice, known_sources):
    batch = intake.submit(alice, text=ARTICLE)  # commits, then enqueues

    batch = wait_for(lambda: finished(batch.pk), timeout=60, message="the worker to read the article")

    assert batch.status == "done", batch.error
    assert batch.progress_total == batch.progress_done == batch.proposals.count() == 4
    budanov = batch.proposals.get(position=0).attributions[0]
    assert budanov["source_id"] == known_sources["budanov"].pk


def test_it_reads_a_url_with_a_real_worker(celery_worker, alice, article_server):
    batch = intake.submit(alice, url=f"{article_server}/article")

    batch = wait_for(lambda: finished(batch.pk), timeout=60, message="the worker to fetch and read the page")

    assert batch.status == "done", batch.error
    assert batch.title == "Drones hit depot | Example News"
    assert batch.progress_total == batch.progress_done == batch.proposals.count() == 2
