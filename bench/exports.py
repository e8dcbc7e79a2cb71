"""The DIP exports at 100,000 items beside their raw engines, in one run.

On a register kept by `bench/pages.py --keep` (or `bench/search.py --keep`):

- `/dip.csv` through Django (the streamed response read to its end) beside the same
  SQL read with the database's cursor and written with the csv module;
- `/dip.xlsx` built by the view beside openpyxl (write-only, the same styles on every
  cell) fed the same SQL's rows.

    .venv/bin/python bench/exports.py --reuse /tmp/lentera-bench-xyz
    .venv/bin/python bench/exports.py --reuse postgres://postgres@127.0.0.1:5432/lentera_bench_123
"""

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as generator  # noqa: E402  (bench/search.py: setting Django up)


def raw_rows():
    """The export's own query (same order), through the bare cursor; ten values a row,
    as many as the export's columns."""
    from django.db import connection

    from lentera.register import dip_table
    from lentera.register.selectors import public_items

    query = dip_table.dip_queryset(public_items()).values_list(*dip_table.COLUMNS.values())
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(2000):
            for record in chunk:
                yield record[:10]


def lentera_csv() -> int:
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get("/dip.csv")
    assert response.status_code == 200
    return sum(len(part) for part in response.streaming_content)


def raw_csv() -> int:
    sink = io.StringIO()
    writer = csv.writer(sink)
    for row in raw_rows():
        writer.writerow(row)
    return sink.tell()


def lentera_xlsx() -> int:
    from django.core.cache import caches
    from django.test import Client

    caches["exports"].clear()
    caches["default"].clear()  # the build limit per address
    response = Client(HTTP_HOST="localhost").get("/dip.xlsx")
    assert response.status_code == 200, response.status_code
    return len(response.content)


def raw_xlsx() -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DIP")
    for row in raw_rows():
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        return handle.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", required=True, metavar="DIR_OR_URL")
    parser.add_argument("--repeat", type=int, default=3, help="best of (3)")
    args = parser.parse_args()
    url = args.reuse if "://" in args.reuse else None
    generator.setup_django(url, None if url else args.reuse)
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["localhost"]
    from lentera.register.selectors import public_items

    count = public_items().count()
    print(f"{time.strftime('%Y-%m-%d')}, {connection.vendor}, {count:,} public items, "
          f"best of {args.repeat}")  # fmt: skip
    print("| export | Lentera | raw engine | ratio |")
    print("|---|---|---|---|")
    for name, ours, raw in (("CSV", lentera_csv, raw_csv), ("XLSX", lentera_xlsx, raw_xlsx)):
        mine, theirs = generator.best_of(ours, args.repeat), generator.best_of(raw, args.repeat)
        print(f"| {name} | {mine:.2f} s | {theirs:.2f} s | {mine / theirs:.2f}× |")


if __name__ == "__main__":
    main()
