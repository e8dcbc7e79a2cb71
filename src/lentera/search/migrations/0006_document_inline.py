"""PostgreSQL: `document`, `head` and `head_title` kept in their row (STORAGE MAIN)
unless the row cannot hold them.

By default PostgreSQL moves a row's wide values to its TOAST table, largest first,
until the row fits in 2 kB: `document` (1.2 kB on average, 4 kB and more for long
files) went there for one entry in six, and with it, once a row was wide, every value
longer than a pointer. The newest-first walks check each entry's document or head:
fetching the document from the TOAST table took two thirds of the walk
(bench/search.py: 12.5 ms for 5,000 entries, 4.5 ms kept in the row). With MAIN, the
other wide columns (the file's text, the word pairs, the summary) leave the row first.
VACUUM FULL then writes the table anew, which brings the values back into their rows
and leaves no dead space (about a minute at 100,000 entries; searches wait for it).
SQLite has no such columns."""

from django.db import migrations

KEPT = ("document", "head", "head_title")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in KEPT:
        schema_editor.execute(
            f"ALTER TABLE search_searchentry ALTER COLUMN {column} SET STORAGE MAIN"
        )
    schema_editor.execute("VACUUM FULL search_searchentry")  # outside a transaction


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in KEPT:
            schema_editor.execute(
                f"ALTER TABLE search_searchentry ALTER COLUMN {column} SET STORAGE EXTENDED"
            )


class Migration(migrations.Migration):
    atomic = False  # VACUUM cannot run in a transaction
    dependencies = [("search", "0005_title")]

    operations = [migrations.RunPython(forward, backward)]
