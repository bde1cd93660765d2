"""The claim matcher's text index (verification/matching, docs/matching.md).

``Claim.search_text`` holds the claim's text in the matcher's form (Latin,
lowercase, Cyrillic transliterated). The index over it depends on the database:

``search_text`` is already stemmed (sources.text.search_form), so both
databases index its words as they are:

* SQLite: two external-content FTS5 tables over ``search_text``, words and
  trigrams, plus an fts5vocab table for document
  frequencies; triggers keep them in step with every insert, update, delete.
* PostgreSQL: a stored generated ``tsvector`` column with a GIN index, and a
  GIN trigram index on ``search_text``; the trigram index on ``text`` from 0005
  goes, since nothing searches the raw text any more.
"""

from django.db import migrations, models

from sources.text import search_form

SQLITE = [
    """CREATE VIRTUAL TABLE claimdesk_claim_words USING fts5(
        search_text, content='verification_claim', content_rowid='id', tokenize='unicode61')""",
    """CREATE VIRTUAL TABLE claimdesk_claim_trigrams USING fts5(
        search_text, content='verification_claim', content_rowid='id', tokenize='trigram')""",
    "CREATE VIRTUAL TABLE claimdesk_claim_words_vocab USING fts5vocab(claimdesk_claim_words, 'row')",
    """CREATE TRIGGER claimdesk_claim_index_insert AFTER INSERT ON verification_claim BEGIN
        INSERT INTO claimdesk_claim_words(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO claimdesk_claim_trigrams(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER claimdesk_claim_index_delete AFTER DELETE ON verification_claim BEGIN
        INSERT INTO claimdesk_claim_words(claimdesk_claim_words, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO claimdesk_claim_trigrams(claimdesk_claim_trigrams, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER claimdesk_claim_index_update AFTER UPDATE OF search_text ON verification_claim BEGIN
        INSERT INTO claimdesk_claim_words(claimdesk_claim_words, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO claimdesk_claim_trigrams(claimdesk_claim_trigrams, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO claimdesk_claim_words(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO claimdesk_claim_trigrams(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO claimdesk_claim_words(claimdesk_claim_words) VALUES ('rebuild')",
    "INSERT INTO claimdesk_claim_trigrams(claimdesk_claim_trigrams) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS claimdesk_claim_index_insert",
    "DROP TRIGGER IF EXISTS claimdesk_claim_index_delete",
    "DROP TRIGGER IF EXISTS claimdesk_claim_index_update",
    "DROP TABLE IF EXISTS claimdesk_claim_words_vocab",
    "DROP TABLE IF EXISTS claimdesk_claim_words",
    "DROP TABLE IF EXISTS claimdesk_claim_trigrams",
]
POSTGRESQL = [
    """ALTER TABLE verification_claim ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED""",
    "CREATE INDEX claim_search_vector_idx ON verification_claim USING gin (search_vector)",
    "CREATE INDEX claim_search_trgm_idx ON verification_claim USING gin (search_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS claim_text_trgm_idx",
]
POSTGRESQL_REVERSE = [
    "CREATE INDEX IF NOT EXISTS claim_text_trgm_idx ON verification_claim USING gin (text gin_trgm_ops)",
    "DROP INDEX IF EXISTS claim_search_trgm_idx",
    "ALTER TABLE verification_claim DROP COLUMN IF EXISTS search_vector",
]


def backfill_search_text(apps, schema_editor):
    Claim = apps.get_model("verification", "Claim")
    batch = []
    for pk, text in Claim.objects.values_list("pk", "text").iterator(chunk_size=2000):
        batch.append(Claim(pk=pk, search_text=search_form(text)))
        if len(batch) >= 2000:
            Claim.objects.bulk_update(batch, ["search_text"])
            batch = []
    Claim.objects.bulk_update(batch, ["search_text"])


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("verification", "0013_idempotent_requests")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(backfill_search_text, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
