"""Text extraction of PDFs beside `pdftotext` (poppler-utils), in one run.

Generates text PDFs (fpdf2, words drawn at random) of a few sizes and times, per
file, the best of a few runs (each after a pause as long as a worker takes between
two jobs) of:

- Lentera's path: the extraction server forks a child that reads the text layer
  (pypdfium2) and draws the first-page preview, under the same limits as a worker
  (a second process, made beforehand, reads pages from the last one backwards);
- `pdftotext FILE OUT` started as a process, as a worker would start it, and with
  `pdftoppm` drawing the same preview (poppler doing the whole job).

on PDFs with core fonts (not embedded) and with embedded fonts. It checks that
both read the same words, and prints each time and the speed share (poppler's
time / Lentera's). The figures go in bench/README.md.

    .venv/bin/python bench/extraction.py [--pages 1 2 10 50] [--repeat 7]
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as generator  # noqa: E402  (bench/search.py: setting Django up)
from search import best_of  # noqa: E402

# A worker takes 10-20 ms between two jobs (saving one's outcome, taking the next and
# copying its file in): each run starts after the shorter pause, for both programs.
PAUSE = 0.010

VOCABULARY = (
    "laporan keuangan anggaran dinas kesehatan pendidikan informasi publik kegiatan "
    "realisasi program tahun bidang pelayanan daerah rencana strategis kinerja "
    "pengadaan barang jasa"
).split()


def make_pdf(path: Path, pages: int, seed: int, fonts: str) -> None:
    """About 600 words a page. `core`: fpdf2 with Helvetica, not embedded (the
    simplest PDF there is, pdftotext's best case); `embedded`: WeasyPrint with an
    embedded subset of DejaVu Serif, as office software writes PDFs."""
    words = random.Random(seed)

    def line() -> str:
        return " ".join(words.choice(VOCABULARY) for _ in range(12))

    if fonts == "core":
        from fpdf import FPDF

        pdf = FPDF()
        pdf.set_font("helvetica", size=10)
        for _ in range(pages):
            pdf.add_page()
            for _ in range(50):
                pdf.cell(0, 5, line())
                pdf.ln()
        pdf.output(str(path))
        return
    from weasyprint import HTML

    body = "".join(
        f"<section>{''.join(f'<p>{line()}</p>' for _ in range(50))}</section>" for _ in range(pages)
    )
    style = (
        "@page { size: A4; margin: 15mm } section { break-after: page } "
        "p { margin: 0; font: 10pt/1.3 'DejaVu Serif' }"
    )
    HTML(string=f"<html><style>{style}</style><body>{body}</body></html>").write_pdf(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 2, 10, 50])
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    for program in ("pdftotext", "pdftoppm"):
        if not shutil.which(program):
            raise SystemExit(f"{program} is missing: apt-get install poppler-utils")

    generator.setup_django(None)
    from django.conf import settings

    from lentera.documents.extraction import Server

    server = Server()
    root = Path(tempfile.mkdtemp(prefix="lentera-bench-extract-"))
    limits = [
        f"--memory-mb={settings.LENTERA_EXTRACT_MEMORY_MB}",
        f"--seconds={settings.LENTERA_EXTRACT_TIMEOUT}",
        "--ocr-languages=",
    ]
    try:
        # The server's first job pays its imports, once per worker thread.
        warm = root / "warm.pdf"
        make_pdf(warm, 1, 0, "core")
        (root / "warm").mkdir()
        server.run([str(warm), "application/pdf", str(root / "warm"), *limits], root, 60)

        print(
            f"{'fonts':>8} {'pages':>5}  {'Lentera':>9}  {'pdftotext':>9}  {'share':>5}"
            f"  {'+ pdftoppm':>10}  {'share':>5}"
        )
        for fonts in ("core", "embedded"):
            for pages in options.pages:
                source = root / f"{fonts}{pages}.pdf"
                make_pdf(source, pages, pages, fonts)
                workdir = root / f"{fonts}{pages}"
                out = workdir / "out"

                def lentera(source=source, workdir=workdir, out=out):
                    shutil.rmtree(workdir, ignore_errors=True)
                    out.mkdir(parents=True)
                    argv = [str(source), "application/pdf", str(out), *limits]
                    assert server.run(argv, workdir, 60) == 0

                def text(source=source):
                    subprocess.run(["pdftotext", source, source.with_suffix(".txt")], check=True)

                def preview(source=source):
                    first = ["-f", "1", "-l", "1", "-singlefile"]
                    target = source.with_suffix("")
                    subprocess.run(
                        ["pdftoppm", "-png", *first, "-scale-to", "480", source, target],
                        check=True,
                    )

                ours = best_of(lentera, options.repeat, PAUSE)
                theirs = best_of(text, options.repeat, PAUSE)
                both = theirs + best_of(preview, options.repeat, PAUSE)
                assert (out / "thumbnail.png").is_file()
                our_words = (out / "text.txt").read_text(encoding="utf-8").split()
                their_words = source.with_suffix(".txt").read_text(encoding="utf-8").split()
                assert our_words == their_words, f"{source.name}: the texts differ"
                print(
                    f"{fonts:>8} {pages:>5}  {ours * 1000:>6.1f} ms  {theirs * 1000:>6.1f} ms  "
                    f"{theirs / ours:>5.0%}  {both * 1000:>7.1f} ms  {both / ours:>5.0%}"
                )
    finally:
        server.close()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(os.environ["LENTERA_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
