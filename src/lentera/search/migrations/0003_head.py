"""Faster ranking, filters and facets (see sqlite.py and postgres.py).

SQLite: the FTS5 tables are made again with filter tokens that hold an underscore
(no word does, so word searches need no column filter) and a second, small table of
title and summary for the ranking tiers; both are filled from the entries.
PostgreSQL: small `head_title` and `head` tsvectors for the same tiers and `pairs`
for phrases, each with a GIN index; filter tokens join every tsvector, so the
column indexes on category, unit, body and year go. Both: an index that covers the
facet columns by sort_key."""

from django.db import migrations, models

CHUNK = 500


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    entries = apps.get_model("search", "SearchEntry").objects.order_by("sort_key")
    if vendor == "sqlite":
        from lentera.search import sqlite

        for table in sqlite.TABLES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
        for sql in sqlite.create_tables():
            schema_editor.execute(sql)
        _refill(entries, sqlite.write)
        sqlite.optimize()
    elif vendor == "postgresql":
        from lentera.search import postgres

        for sql in postgres.HEAD_UP:
            schema_editor.execute(sql)
        _refill(entries, postgres.write)


def _refill(entries, write) -> None:
    keys = list(entries.values_list("sort_key", flat=True))
    for start in range(0, len(keys), CHUNK):
        write(list(entries.filter(sort_key__in=keys[start : start + CHUNK])))


def backward(apps, schema_editor):
    """Back to 0002's structures, empty: `lentera reindex` of that version fills them."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_head")
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, summary, meta, file_text, facets, tokenize='unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        from lentera.search import postgres

        for sql in postgres.HEAD_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine")]

    operations = [
        *(
            migrations.RemoveIndex(model_name="searchentry", name=name)
            for name in (
                "search_sear_categor_145085_idx",
                "search_sear_unit_id_2bbe80_idx",
                "search_sear_body_id_740ec7_idx",
                "search_sear_year_ad1979_idx",
                "search_sear_listed__4463d8_idx",
            )
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["sort_key", "category", "body", "unit", "year", "file_types"],
                name="search_facets",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
