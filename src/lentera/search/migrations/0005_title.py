"""SQLite: a third FTS5 table, `search_title`, of titles and filter tokens only, for
the first ranking tier (see sqlite.py); filled from `search_head`, which stores the
same stemmed titles and tokens. PostgreSQL has its `head_title` column already."""

from django.db import migrations

TOKENIZER = "unicode61 remove_diacritics 2 tokenchars '_'"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_title")
    schema_editor.execute(
        f'CREATE VIRTUAL TABLE search_title USING fts5(title, facets, tokenize="{TOKENIZER}")'
    )
    schema_editor.execute(
        "INSERT INTO search_title(rowid, title, facets) SELECT rowid, title, facets FROM search_head"
    )
    schema_editor.execute("INSERT INTO search_title(search_title) VALUES ('optimize')")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_title")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_strip_document")]

    operations = [migrations.RunPython(forward, backward)]
