"""`lentera reindex` beside a raw insert of the same text with the same stemming (SQLite).

Issue 20: a rebuild of the search index within 1.5x of its raw engine. On a register
kept by `bench/search.py --keep` (or `bench/office.py`), one run times:

- Lentera: `search.index.rebuild()`, what `lentera reindex` runs: the public items
  and their files' newest public versions read through the ORM, one SearchEntry per
  item, both FTS5 tables written, then merged (`optimize`);
- raw: the same texts read back from the SearchEntry rows with the bare cursor,
  stemmed with the same stemmer (search.text.stems), the same filter tokens, both
  FTS5 tables emptied and written with executemany, then merged; no model object,
  no public check, no SearchEntry write.

    .venv/bin/python bench/reindex.py --reuse /tmp/lentera-bench-xyz
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
        for table in ("search_fts", "search_head"):
            cursor.execute(f"DELETE FROM {table}")
        with connection.chunked_cursor() as rows:
            rows.execute(
                "SELECT sort_key, title, summary, meta, file_text, body_id, unit_id, category,"
                " year, file_types FROM search_searchentry"
            )
            while chunk := rows.fetchmany(CHUNK):
                full, head = [], []
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
                written += len(chunk)
        for table in ("search_fts", "search_head"):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", required=True, metavar="DIR", help="a kept SQLite register")
    args = parser.parse_args()
    generator.setup_django(None, args.reuse)
    from django.db import connection

    from lentera.search.index import rebuild

    if connection.vendor != "sqlite":
        raise SystemExit("SQLite only for now")
    started = time.perf_counter()
    ours = rebuild()
    lentera = time.perf_counter() - started
    started = time.perf_counter()
    theirs = raw_insert()
    raw = time.perf_counter() - started
    assert ours == theirs, (ours, theirs)
    print(
        f"{connection.vendor}: {ours} entries  lentera {lentera:6.1f} s  raw {raw:6.1f} s  "
        f"ratio {lentera / raw:.2f}x (goal <= 1.5x)"
    )


if __name__ == "__main__":
    main()
