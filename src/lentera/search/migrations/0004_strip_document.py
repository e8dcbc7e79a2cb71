"""PostgreSQL: `document` without positions and weights (see postgres.py).

Nothing reads them: phrases are found through `pairs` and ranks through the tiers.
Stripped, a document takes about half the space and mostly fits in its row, so the
newest-first walk reads fewer pages. A search finds the same entries either way.
SQLite has no such column: nothing to do there."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("UPDATE search_searchentry SET document = strip(document)")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_head")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
