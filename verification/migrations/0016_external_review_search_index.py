"""The claim matcher's index over imported reviews (ExternalReview.search_text),
built as 0014 builds the claims' one: FTS5 word and trigram tables with a
vocabulary and triggers on SQLite; a generated tsvector with a GIN index and a
trigram index on PostgreSQL."""

from django.db import migrations

TABLE, PREFIX = "verification_externalreview", "claimdesk_extreview"


def _fts(name: str, tokenize: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {PREFIX}_{name} USING fts5("
        f"search_text, content='{TABLE}', content_rowid='id', tokenize='{tokenize}')"
    )


def _index_rows(row: str) -> str:
    return "".join(
        f"INSERT INTO {PREFIX}_{name}(rowid, search_text) VALUES ({row}.id, {row}.search_text);"
        for name in ("words", "trigrams")
    )


def _unindex_rows(row: str) -> str:
    return "".join(
        f"INSERT INTO {PREFIX}_{name}({PREFIX}_{name}, rowid, search_text) "
        f"VALUES ('delete', {row}.id, {row}.search_text);"
        for name in ("words", "trigrams")
    )


SQLITE = [
    _fts("words", "unicode61"),
    _fts("trigrams", "trigram"),
    f"CREATE VIRTUAL TABLE {PREFIX}_words_vocab USING fts5vocab({PREFIX}_words, 'row')",
    f"CREATE TRIGGER {PREFIX}_index_insert AFTER INSERT ON {TABLE} BEGIN {_index_rows('new')} END",
    f"CREATE TRIGGER {PREFIX}_index_delete AFTER DELETE ON {TABLE} BEGIN {_unindex_rows('old')} END",
    f"CREATE TRIGGER {PREFIX}_index_update AFTER UPDATE OF search_text ON {TABLE} "
    f"BEGIN {_unindex_rows('old')} {_index_rows('new')} END",
    f"INSERT INTO {PREFIX}_words({PREFIX}_words) VALUES ('rebuild')",
    f"INSERT INTO {PREFIX}_trigrams({PREFIX}_trigrams) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {PREFIX}_index_{what}" for what in ("insert", "delete", "update")),
    *(f"DROP TABLE IF EXISTS {PREFIX}_{name}" for name in ("words_vocab", "words", "trigrams")),
]
POSTGRESQL = [
    f"""ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED""",
    f"CREATE INDEX extreview_search_vector_idx ON {TABLE} USING gin (search_vector)",
    f"CREATE INDEX extreview_search_trgm_idx ON {TABLE} USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS extreview_search_trgm_idx",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("verification", "0015_external_reviews")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
