"""The matcher's index form now follows the text's language (docs/matching.md):
Cyrillic words of a Russian text are stemmed by Snowball's Russian stemmer
before they are transliterated, and a Ukrainian or Russian text is romanised
by its own language's table rather than by a guess from its letters.

Only texts with Cyrillic letters read differently, so only they are
re-analysed, and a row is written only when its form changed. The FTS5
triggers (SQLite) and the generated tsvector (PostgreSQL) follow
``search_text`` on their own.
"""

from django.db import migrations

from sources.text import search_form

CYRILLIC = r"[\u0400-\u04ff]"
BATCH = 2000


def _reanalyse(model, text_field: str) -> None:
    rows = model.objects.filter(**{f"{text_field}__regex": CYRILLIC}).values_list("pk", text_field, "language", "search_text")
    batch = []
    for pk, text, language, old in rows.iterator(chunk_size=BATCH):
        new = search_form(text, language)
        if new != old:
            batch.append(model(pk=pk, search_text=new))
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, ["search_text"])
            batch = []
    model.objects.bulk_update(batch, ["search_text"])


def reanalyse_search_text(apps, schema_editor):
    _reanalyse(apps.get_model("verification", "Claim"), "text")
    _reanalyse(apps.get_model("verification", "ExternalReview"), "claim_reviewed")


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0026_pdq_hashes"),
    ]

    # Going back leaves the rows as they are (nothing is lost: search_text is derived, and
    # the next save of a claim writes whatever form the code of the day makes).
    operations = [migrations.RunPython(reanalyse_search_text, migrations.RunPython.noop)]
