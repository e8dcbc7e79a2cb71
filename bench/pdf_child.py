"""WeasyPrint in a child process (lentera.pdf) against WeasyPrint in this process.

The same 625-row A4 table, laid out once through `lentera.pdf.html_to_pdf` (a new
interpreter each time: its cost is the import) and twice in this process (cold, then
warm). The figures go in bench/README.md.

    python bench/pdf_child.py [--rows 625]
"""

import argparse
import time

from lentera.pdf import html_to_pdf


def page(rows: int) -> str:
    cells = "".join(
        f"<tr><td>{n}</td><td>Laporan Kegiatan Bidang {n:04d}: ringkasan isi informasi</td>"
        "<td>Dinas Kesehatan</td><td>Kepala Dinas</td><td>Pontianak, Februari 2025</td>"
        "<td>Softcopy, hardcopy</td><td>Aktif 2 tahun, inaktif 5 tahun</td></tr>"
        for n in range(1, rows + 1)
    )
    style = "@page { size: A4 landscape } td { border: 1px solid #000; font-size: 7pt }"
    return f"<html><head><style>{style}</style></head><body><table>{cells}</table></body></html>"


def timed(build) -> tuple[float, bytes]:
    started = time.perf_counter()
    pdf = build()
    return time.perf_counter() - started, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=625)
    html = page(parser.parse_args().rows)
    child, from_child = timed(lambda: html_to_pdf(html))
    from weasyprint import HTML

    cold, _ = timed(lambda: HTML(string=html).write_pdf())
    warm, in_process = timed(lambda: HTML(string=html).write_pdf())
    assert from_child.startswith(b"%PDF") and len(from_child) == len(in_process)
    print(f"child process {child:6.2f} s   in process: cold {cold:6.2f} s, warm {warm:6.2f} s")


if __name__ == "__main__":
    main()
