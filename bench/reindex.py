"""`lentera reindex` beside a raw insert of the same text with the same stemming.

Issue 20: a rebuild of the search index within 1.5x of its raw engine. On a register
kept by `bench/search.py --keep` (or `bench/office.py`), one run times:

- Lentera: `search.index.rebuild()`, what `lentera reindex` runs: the public items
  and their files' newest public versions read through the ORM, one SearchEntry per
  item, both FTS5 tables written, then merged (`optimize`);
- raw, SQLite: the same texts read back from the SearchEntry rows with the bare
  cursor in sort-key order (FTS5 takes rows in rowid order fastest), stemmed with
  the same stemmer (search.text.stems), the same filter tokens, both FTS5 tables
  emptied and written with executemany, then merged; no model object, no public
  check, no SearchEntry write;
- raw, PostgreSQL: the same rows read back with the bare cursor and written with
  executemany into a new table like search_searchentry (the same columns and
  indexes, GIN ones included), each tsvector made by the same SQL from the same
  cleaned words (search.postgres.columns), then analysed; no model object, no
  public check, no old rows to delete.

    .venv/bin/python bench/reindex.py --reuse /tmp/lentera-bench-xyz
    .venv/bin/python bench/reindex.py --reuse postgres://postgres@127.0.0.1:5432/lentera_bench_123
"""

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as generator  # noqa: E402  (bench/search.py: setting Django up)

CHUNK = 1000


def raw_insert() -> int:
    from django.db import connection, transaction

    from lentera.search.facets import facet_tokens
    from lentera.search.text import stems

    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("search_fts", "search_head", "search_title"):
            cursor.execute(f"DELETE FROM {table}")
        with connection.chunked_cursor() as rows:
            rows.execute(
                "SELECT sort_key, title, summary, meta, file_text, body_id, unit_id, category,"
                " year, file_types FROM search_searchentry ORDER BY sort_key"
            )
            while chunk := rows.fetchmany(CHUNK):
                full, head, titles = [], [], []
                for key, title, summary, meta, text, body, unit, category, year, types in chunk:
                    title, summary = " ".join(stems(title)), " ".join(stems(summary))
                    entry = SimpleNamespace(
                        body_id=body, unit_id=unit, category=category, year=year, file_types=types
                    )
                    facets = " ".join(facet_tokens(entry))
                    full.append(
                        (key, title, summary, " ".join(stems(meta)), " ".join(stems(text)), facets)
                    )
                    head.append((key, title, summary, facets))
                    titles.append((key, title, facets))
                cursor.executemany(
                    "INSERT INTO search_fts(rowid, title, summary, meta, file_text, facets)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    full,
                )
                cursor.executemany(
                    "INSERT INTO search_head(rowid, title, summary, facets)"
                    " VALUES (%s, %s, %s, %s)",
                    head,
                )
                cursor.executemany(
                    "INSERT INTO search_title(rowid, title, facets) VALUES (%s, %s, %s)", titles
                )
                written += len(chunk)
        for table in ("search_fts", "search_head", "search_title"):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    return written


ENTRY_COLUMNS = (
    "item_id, body_id, unit_id, category, year, listed_at, title, summary, meta, file_text,"
    " file_types, sort_key"
)


def raw_insert_postgres() -> int:
    from django.db import connection, transaction

    from lentera.search import postgres

    names = [name.strip() for name in ENTRY_COLUMNS.split(",")]
    columns = ENTRY_COLUMNS + ", " + ", ".join(postgres.COLUMNS)
    values = ", ".join(["%s"] * len(names) + list(postgres.COLUMNS.values()))
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_raw (LIKE search_searchentry INCLUDING DEFAULTS INCLUDING INDEXES)"
        )
        with connection.chunked_cursor() as rows:
            rows.execute(f"SELECT {ENTRY_COLUMNS} FROM search_searchentry ORDER BY sort_key")
            while chunk := rows.fetchmany(CHUNK):
                entries = [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in chunk]
                cursor.executemany(
                    f"INSERT INTO bench_raw ({columns}) VALUES ({values})",
                    [row + postgres.columns(e) for row, e in zip(chunk, entries, strict=True)],
                )
                written += len(chunk)
        cursor.execute("ANALYZE bench_raw")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse", required=True, metavar="DIR_OR_URL", help="a kept register (search.py --keep)"
    )
    args = parser.parse_args()
    postgres = args.reuse.startswith("postgres")
    generator.setup_django(args.reuse if postgres else None, None if postgres else args.reuse)
    from django.db import connection

    from lentera.search.index import rebuild

    started = time.perf_counter()
    ours = rebuild()
    lentera = time.perf_counter() - started
    started = time.perf_counter()
    theirs = raw_insert() if connection.vendor == "sqlite" else raw_insert_postgres()
    raw = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_raw")
    assert ours == theirs, (ours, theirs)
    print(
        f"{connection.vendor}: {ours} entries  lentera {lentera:6.1f} s  raw {raw:6.1f} s  "
        f"ratio {lentera / raw:.2f}x (goal <= 1.5x)"
    )


if __name__ == "__main__":
    main()
