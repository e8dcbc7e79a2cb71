"""Importing a 10,000-row DIP sheet (issue 15): time and peak memory beside the ceiling.

Makes a fresh SQLite data directory, one
body with three units and its people (lentera.testing.build_world), writes an XLSX in
the layout offices use (title rows, a two-row merged header with Softcopy/Hardcopy,
section rows, Indonesian dates with the place), then times, one after the other:
reading it into a plan (`register.dip_import.plan`), saving it as one waiting batch
(`register.imports.apply`), and the head of the PPID confirming it
(`register.imports.confirm`). Peak resident memory is read from the kernel after each.
The ceiling is the issue's: 10,000 rows in at most 60 s on SQLite, memory bounded.

    .venv/bin/python bench/dip_import.py [--rows 10000]
"""

import argparse
import io
import os
import random
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import search  # noqa: E402  (bench/search.py: Django set-up and Indonesian words)

CEILING_S = 60
SECTIONS = (
    "A. INFORMASI YANG WAJIB DISEDIAKAN DAN DIUMUMKAN SECARA BERKALA",
    "B. INFORMASI YANG WAJIB DIUMUMKAN SECARA SERTA MERTA",
    "C. INFORMASI YANG WAJIB TERSEDIA SETIAP SAAT",
)
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus")


def sheet(rows: int, units: list[str], rng: random.Random) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "DIP"
    ws.append(["DAFTAR INFORMASI PUBLIK"])
    ws.append(["PEMERINTAH PROVINSI KALIMANTAN BARAT TAHUN 2025"])
    ws.append(["No", "Ringkasan Isi Informasi", "Pejabat/Unit/Satker yang Menguasai Informasi",
               "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
               "Waktu dan Tempat Pembuatan Informasi", "Bentuk Informasi yang Tersedia", "",
               "Jangka Waktu Penyimpanan atau Retensi Arsip"])  # fmt: skip
    ws.append(["", "", "", "", "", "Softcopy", "Hardcopy", ""])
    for column in "ABCDEH":
        ws.merge_cells(f"{column}3:{column}4")
    ws.merge_cells("F3:G3")
    per_section = rows // len(SECTIONS) + 1
    done = 0
    for section in SECTIONS:
        ws.append([section])
        ws.merge_cells(f"A{ws.max_row}:H{ws.max_row}")
        for number in range(1, per_section + 1):
            if done == rows:
                break
            done += 1
            year = rng.randint(2015, 2025)
            title = (
                f"{rng.choice(search.DOC_TYPES)} {rng.choice(search.TOPICS).title()} "
                f"{year} ({done})"
            )
            made = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}, Pontianak"
            summary = f"{title}\n{search.sentence(rng, 25)}"
            soft, hard = rng.choice((("Ada", "-"), ("√", "Ada"), ("-", "Ada")))
            ws.append([number, summary, rng.choice(units), "Kepala Biro", made, soft, hard,
                       f"{rng.randint(1, 10)} tahun"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    search.setup_django(None)
    from django.core.management import call_command
    from django.db import connection

    from lentera.organizations.constants import Role
    from lentera.register import dip_import, imports
    from lentera.register.models import InformationItem
    from lentera.testing import build_world, make_user

    call_command("migrate", verbosity=0)
    world = build_world()
    head = make_user("kepala.ppid", world.main, Role.APPROVER)
    units = [world.unit.name, world.other_unit.name, world.main.name]
    content = sheet(args.rows, units, random.Random(15))
    print(
        f"{connection.vendor}: {args.rows} rows, {len(content) / 1e6:.1f} MB XLSX; "
        f"ceiling {CEILING_S} s; peak RSS before {peak_mib():.0f} MiB",
        flush=True,
    )
    started = time.perf_counter()
    plan = dip_import.plan(content, "dip.xlsx", world.body)
    read = time.perf_counter() - started
    assert not plan.errors, [str(p) for p in plan.errors[:5]]
    print(f"  read into a plan   {read:6.1f} s   peak RSS {peak_mib():5.0f} MiB", flush=True)
    started = time.perf_counter()
    batch = imports.apply(plan, world.main_officer)
    saved = time.perf_counter() - started
    print(f"  saved as a batch   {saved:6.1f} s   peak RSS {peak_mib():5.0f} MiB", flush=True)
    total = read + saved
    verdict = "held" if total <= CEILING_S else "MISSED"
    print(f"  import in all      {total:6.1f} s   ({verdict}: ceiling {CEILING_S} s)", flush=True)
    started = time.perf_counter()
    imports.confirm(batch, head, batch.fingerprint)
    confirmed = time.perf_counter() - started
    print(f"  confirmed          {confirmed:6.1f} s   peak RSS {peak_mib():5.0f} MiB")
    assert InformationItem.objects.filter(import_batch=batch).count() == args.rows
    sys.exit(0 if total <= CEILING_S else 1)


if __name__ == "__main__":
    main()
