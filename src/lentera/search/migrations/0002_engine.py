"""The engine's own structures beside the search_searchentry table.

SQLite: an FTS5 table whose rowid is the entry's sort_key, whose text columns hold
stemmed words (the stemming happens in Python, see text.py) and whose `facets`
column holds a token per filter value (category, body, unit, year, file type). PostgreSQL: a tsvector column
built with the `indonesian` configuration, with a GIN index."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, summary, meta, file_text, facets, tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES_UP = [
    "ALTER TABLE search_searchentry ADD COLUMN document tsvector",
    "CREATE INDEX search_document_gin ON search_searchentry USING gin (document)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_document_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
