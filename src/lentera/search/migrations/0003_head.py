"""Faster ranking, filters and facets (see sqlite.py and postgres.py).

SQLite: the FTS5 tables are made again with filter tokens that hold an underscore
(no word does, so word searches need no column filter) and a second, small table of
title and summary for the ranking tiers; both are filled from the entries.
PostgreSQL: small `head_title` and `head` tsvectors for the same tiers and `pairs`
for phrases, each with a GIN index; filter tokens join every tsvector, so the
column indexes on category, unit, body and year go. Both: an index that covers the
facet columns by sort_key.

The structures and the refill are written out here, as they were when this
migration was made, so later changes to the engines cannot change what it does.
Only the word functions of text.py are shared."""

from django.db import migrations, models

from lentera.search.text import stems, words

CHUNK = 500
FILE_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt", "image", "other")
TOKENIZER = "unicode61 remove_diacritics 2 tokenchars '_'"
SQLITE_TABLES = {
    "search_fts": "title, summary, meta, file_text, facets",
    "search_head": "title, summary, facets",
}
PG_COLUMNS = ("head_title", "head", "pairs")
PG_VECTOR = "to_tsvector('indonesian', %s)"
PG_TOKENS = "array_to_tsvector(%s::text[])"
PG_UPDATE = (
    "UPDATE search_searchentry SET document = "
    + " || ".join(f"setweight({PG_VECTOR}, '{w}')" for w in "ABCD")
    + f" || {PG_TOKENS}, head_title = {PG_VECTOR} || {PG_TOKENS}, "
    f"head = {PG_VECTOR} || {PG_VECTOR} || {PG_TOKENS}, pairs = {PG_TOKENS} "
    "WHERE item_id = %s"
)


def _tokens(e) -> list[str]:
    tokens = [f"_c{e.category}", f"_b{e.body_id}", f"_u{e.unit_id}", f"_y{e.year}"]
    return tokens + [f"_t{t}" for n, t in enumerate(FILE_TYPES) if e.file_types & (1 << n)]


def _pairs(*texts: str) -> list[str]:
    found = set()
    for text in texts:
        s = stems(text)
        for a, b in zip(s, s[1:], strict=False):
            if len(a) <= 100 and len(b) <= 100:
                found.add(f"{a}_{b}")
    return sorted(found)


def _clean(text: str) -> str:
    return " ".join(words(text))


def _sqlite_rows(e):
    title, summary = " ".join(stems(e.title)), " ".join(stems(e.summary))
    facets = " ".join(_tokens(e))
    meta, file_text = " ".join(stems(e.meta)), " ".join(stems(e.file_text))
    return (e.sort_key, title, summary, meta, file_text, facets), (
        e.sort_key,
        title,
        summary,
        facets,
    )


def _refill(entries, write) -> None:
    keys = list(entries.values_list("sort_key", flat=True))
    for start in range(0, len(keys), CHUNK):
        write(list(entries.filter(sort_key__in=keys[start : start + CHUNK])))


def forward(apps, schema_editor):
    connection = schema_editor.connection
    entries = (
        apps.get_model("search", "SearchEntry").objects.using(connection.alias).order_by("sort_key")
    )
    if connection.vendor == "sqlite":
        for table, columns in SQLITE_TABLES.items():
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
            schema_editor.execute(
                f'CREATE VIRTUAL TABLE {table} USING fts5({columns}, tokenize="{TOKENIZER}")'
            )

        def write(chunk):
            full, head = zip(*map(_sqlite_rows, chunk), strict=True) if chunk else ((), ())
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO search_fts(rowid, title, summary, meta, file_text, facets) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    full,
                )
                cursor.executemany(
                    "INSERT INTO search_head(rowid, title, summary, facets) "
                    "VALUES (%s, %s, %s, %s)",
                    head,
                )

        _refill(entries, write)
        for table in SQLITE_TABLES:
            schema_editor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    elif connection.vendor == "postgresql":
        for column in PG_COLUMNS:
            schema_editor.execute(f"ALTER TABLE search_searchentry ADD COLUMN {column} tsvector")

        def write(chunk):
            rows = []
            for e in chunk:
                title, summary, tokens = _clean(e.title), _clean(e.summary), _tokens(e)
                rows.append(
                    (
                        *(title, summary, _clean(e.meta), _clean(e.file_text), tokens),
                        *(title, tokens, title, summary, tokens),
                        _pairs(e.title, e.summary, e.meta, e.file_text),
                        e.item_id,
                    )
                )
            with connection.cursor() as cursor:
                cursor.executemany(PG_UPDATE, rows)

        _refill(entries, write)
        for column in PG_COLUMNS:  # built once the rows are filled: faster
            schema_editor.execute(
                f"CREATE INDEX search_{column}_gin ON search_searchentry USING gin ({column})"
            )
        for column in ("document", *PG_COLUMNS):
            schema_editor.execute(
                f"ALTER TABLE search_searchentry ALTER COLUMN {column} SET STATISTICS 1000"
            )
        schema_editor.execute("ANALYZE search_searchentry")


def backward(apps, schema_editor):
    """Back to 0002's structures, empty: `lentera reindex` of that version fills them."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in SQLITE_TABLES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, summary, meta, file_text, facets, tokenize='unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        for column in PG_COLUMNS:
            schema_editor.execute(f"ALTER TABLE search_searchentry DROP COLUMN IF EXISTS {column}")


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
