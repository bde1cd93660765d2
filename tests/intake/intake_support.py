"""Helpers for the intake tests: a short article covering each kind of
attribution, and reading an article into proposals without a worker."""

from verification.intake import batches as intake
from verification.models import IntakeBatch

ARTICLE = """Drones and troops: what we know

Ukrainian military intelligence chief Kyrylo Budanov said 2,600 North Korean soldiers would be sent to the Kursk region on Friday.

Ukrainian Foreign Minister Andrii Sybiha urged allies to recognise that North Korea is "invading Europe side by side with Russia."

According to two officials familiar with the talks, the deal covers 40 ships.

The Kyiv Independent reported, citing Budanov, that 11,000 North Korean troops were in Russia.
"""


def read(user, text=ARTICLE, url=""):
    """Submit and run the batch in this process (the task body), as a worker would."""
    batch = intake.submit(user, text=text, url=url)
    intake.run_batch(batch.pk)
    return IntakeBatch.objects.get(pk=batch.pk)


def proposal(batch, fragment):
    found = [p for p in batch.proposals.all() if fragment in p.text]
    assert len(found) == 1, f"{fragment!r} in {[p.text for p in batch.proposals.all()]}"
    return found[0]
