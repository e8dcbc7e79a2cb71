"""PDFs: a long one's pages are read by two processes, the job from the first page and
a forked copy of it (pagereader.PageReader) from the last, and the text comes out as
one process reading them all keeps it; the first page's preview is a plain PNG."""

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from lentera.documents import extractor, pagereader
from lentera.documents.constants import TextStatus
from lentera.documents.extractor import Job, Text, _png
from lentera.documents.pagereader import PageReader

from . import corpus
from .test_extraction import assert_has_words, extracted


def read_in_one_process(source: Path) -> str:
    """The text of each page in turn, as extractor.Text keeps it."""
    text = Text()
    with pdfium.PdfDocument(str(source)) as pdf:
        for page in pdf:
            textpage = page.get_textpage()
            text.add(textpage.get_text_range())
    return text.value()


def job_text(source: Path, out: Path) -> str:
    """The text extractor.Job reads from a PDF here, without OCR."""
    out.mkdir(exist_ok=True)
    job = Job(source, out, ocr_languages="", ocr_max_pages=0, budget=60)
    job.pdf()
    assert (out / "thumbnail.png").is_file()
    return job.text.value()


@pytest.fixture(autouse=True)
def cores_to_spare(monkeypatch):
    """A job in this process uses its PageReader however busy the machine is."""
    monkeypatch.setattr(extractor, "spare_core", lambda: True)


@pytest.fixture
def make_reader(monkeypatch):
    """Fork a PageReader now (after the test's patches), with a job's limits, as the
    one the job uses; it is closed after the test."""
    made = []

    def make() -> PageReader:
        made.append(PageReader())
        made[-1].limit(memory_mb=1024, seconds=60)
        monkeypatch.setattr(extractor, "_reader", made[-1])
        return made[-1]

    yield make
    for reader in made:
        reader.close()


@pytest.fixture
def reader(monkeypatch):
    """A PageReader waiting for its job, as the extraction server's copy makes one."""
    reader = PageReader()
    reader.limit(memory_mb=1024, seconds=60)
    monkeypatch.setattr(extractor, "_reader", reader)
    yield reader
    reader.close()


@pytest.fixture
def long_pdf(tmp_path) -> Path:
    name, data = corpus.long_text_pdf(pages=9)
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


def test_a_long_pdf_read_by_two_processes_comes_out_whole_and_in_order(world, item, long_pdf):
    version = extracted(world, item, (long_pdf.name, long_pdf.read_bytes()))
    assert version.text_status == TextStatus.DONE
    # Read back from text.txt with universal newlines, as the job's text always is.
    assert version.text == read_in_one_process(long_pdf).replace("\r\n", "\n")
    starts = [version.text.index(f"Halaman {number}.") for number in range(1, 10)]
    assert starts == sorted(starts)


def test_a_scanned_page_in_the_second_half_is_read_by_ocr(world, item, tesseract):
    version = extracted(world, item, corpus.pdf_with_a_scanned_last_page())
    assert version.text_status == TextStatus.DONE
    assert version.text_method == "ocr"
    assert_has_words(version.text, corpus.WORDS["scan"])
    assert version.text.index("Halaman 5.") < version.text.lower().index("keterbukaan")


def test_without_ocr_a_scanned_page_in_the_second_half_leaves_the_others_text(
    world, item, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract
    version = extracted(world, item, corpus.pdf_with_a_scanned_last_page())
    assert version.text_status == TextStatus.DONE
    assert version.text_method == "text"
    assert [line.split(".")[0] for line in version.text.splitlines()] == [
        f"Halaman {number}" for number in range(1, 6)
    ]


@pytest.mark.parametrize("cap", [30, 700, 5000, 12_000])
def test_the_text_cap_cuts_a_split_pdf_where_it_cuts_one_read_whole(
    long_pdf, tmp_path, monkeypatch, reader, cap
):
    monkeypatch.setattr(extractor, "MAX_TEXT_CHARS", cap)
    split = job_text(long_pdf, tmp_path / "split")
    assert reader.started
    assert split == job_text(long_pdf, tmp_path / "whole")  # the reader is used up: alone
    assert len(split) == min(cap, len(read_in_one_process(long_pdf)))


def test_the_job_reads_from_the_front_and_the_copy_from_the_back_until_they_meet(
    long_pdf, tmp_path, monkeypatch, make_reader
):
    job = os.getpid()
    page_text = pagereader.page_text

    def marked(page):
        if os.getpid() == job:
            time.sleep(0.05)  # a slow job: the copy reads the last pages
            return page_text(page)
        return page_text(page).strip() + " [salinan]"

    monkeypatch.setattr(pagereader, "page_text", marked)
    make_reader()  # forked with the marks
    text = job_text(long_pdf, tmp_path / "out")
    pages = re.split(r"\n(?=Halaman \d+\.)", text)  # each page starts "Halaman N."
    by_copy = [page.endswith(" [salinan]") for page in pages]
    assert len(pages) == 9 and not by_copy[0] and by_copy[-1]
    assert by_copy == sorted(by_copy)  # the job's pages, then the copy's
    whole = [page.removesuffix(" [salinan]") for page in pages]
    assert "\n".join(whole) == read_in_one_process(long_pdf)


def test_the_pages_the_copy_could_not_read_are_read_by_the_job(
    long_pdf, tmp_path, monkeypatch, make_reader
):
    job = os.getpid()
    page_text = pagereader.page_text

    def fails_in_the_copy(page):
        text = page_text(page)
        if os.getpid() != job:
            raise MemoryError
        return text

    monkeypatch.setattr(pagereader, "page_text", fails_in_the_copy)
    reader = make_reader()
    assert job_text(long_pdf, tmp_path / "out") == read_in_one_process(long_pdf)
    assert reader.started and reader.texts == {}


@pytest.mark.parametrize("answer", [5, None, "-"], ids=["a number", "null", "not JSON"])
def test_a_copy_that_answers_wrongly_leaves_the_rest_to_the_job(
    long_pdf, tmp_path, monkeypatch, make_reader, answer
):
    job = os.getpid()
    page_text = pagereader.page_text
    real_dumps = pagereader.json.dumps

    def wrong(page):
        if os.getpid() == job:
            time.sleep(0.05)  # a slow job: the copy answers first
            return page_text(page)
        return answer

    def dumps(value, **options):  # the copy's line for "-": not JSON at all
        line = real_dumps(value, **options)
        return "[1, 'x'" if os.getpid() != job and value[1] == "-" else line

    monkeypatch.setattr(pagereader, "page_text", wrong)
    monkeypatch.setattr(pagereader.json, "dumps", dumps)
    reader = make_reader()
    text = job_text(long_pdf, tmp_path / "out")
    assert reader.stopped and reader.texts == {}  # its first answer ended its part
    assert text == read_in_one_process(long_pdf)


def test_a_copy_that_cannot_be_made_leaves_the_job_to_read_alone(monkeypatch):
    """A limit on processes (systemd's TasksMax, a container's): fork fails."""

    def cannot(*args):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", cannot)
    monkeypatch.setattr(extractor, "spare_core", lambda: True)
    extractor.prepare_reader()
    assert extractor._reader is None


def test_a_copy_that_died_before_its_job_leaves_every_page_to_the_job(long_pdf, tmp_path, reader):
    os.kill(reader.pid, signal.SIGKILL)
    os.waitid(os.P_PID, reader.pid, os.WEXITED | os.WNOWAIT)  # gone; the job reaps it
    assert job_text(long_pdf, tmp_path / "out") == read_in_one_process(long_pdf)
    assert reader.started and reader.texts == {}


def test_the_copy_takes_on_half_the_jobs_limits_before_the_job_opens_its_file(reader):
    """Made before the job, it has the server's limits (none) until the job's come."""
    wanted = {"Max address space": ["536870912", "536870912"], "Max cpu time": ["30", "35"]}
    for _ in range(300):
        limits = Path(f"/proc/{reader.pid}/limits").read_text().splitlines()
        found = {
            name: line[len(name) :].split()[:2]
            for line in limits
            for name in wanted
            if line.startswith(name)
        }
        if found == wanted:
            break
        time.sleep(0.01)
    assert found == wanted


# The job forks a PageReader and dies (a limit, a crash) once the copy has opened the
# PDF and is reading; this process, the subreaper, inherits the orphaned copy and
# prints how it ended.
JOB_DIES = """
import ctypes, os, signal, sys, time
from pathlib import Path
from lentera.documents.pagereader import PageReader
ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
source = sys.argv[1]
job = os.fork()
if job == 0:
    reader = PageReader()
    reader.limit(memory_mb=1024, seconds=60)
    reader.start(Path(source), int(sys.argv[2]), 5_000_000)
    fds = Path(f"/proc/{reader.pid}/fd")
    while source not in [os.path.realpath(fd) for fd in fds.iterdir()]:
        time.sleep(0.001)
    os.kill(os.getpid(), signal.SIGKILL)
os.waitpid(job, 0)
_, status = os.wait()
print(os.waitstatus_to_exitcode(status))
"""


def test_the_copy_reading_pages_dies_with_its_job(tmp_path):
    """At once, not after reading its pages (a hostile file's, up to its CPU limit)."""
    name, data = corpus.long_text_pdf()  # a few hundred milliseconds of reading
    (tmp_path / name).write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", JOB_DIES, str((tmp_path / name).resolve()), "100"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == -signal.SIGKILL


@pytest.mark.parametrize(("mode", "written_mode"), [("RGB", "L"), ("L", "L")])
def test_the_preview_png_holds_the_pixels_drawn(mode, written_mode):
    """A page of black text is drawn in RGB and written as greyscale, pixel for pixel."""
    with pdfium.PdfDocument(corpus.text_pdf()[1]) as pdf:
        drawn = pdf[0].render(scale=0.5, grayscale=mode == "L").to_pil().convert(mode)
    with Image.open(io.BytesIO(_png(drawn))) as written:
        assert (written.format, written.mode, written.size) == ("PNG", written_mode, drawn.size)
        assert written.convert(mode).tobytes() == drawn.tobytes()


@pytest.mark.parametrize("colour", ["letterhead", "one pixel"])
def test_a_coloured_preview_stays_in_colour(colour):
    drawn = Image.new("RGB", (61, 40), "white")
    if colour == "letterhead":
        drawn.paste((200, 30, 30), (5, 5, 40, 20))
    else:  # the last pixel is just off grey
        drawn.putpixel((60, 39), (128, 128, 129))
    with Image.open(io.BytesIO(_png(drawn))) as written:
        assert (written.mode, written.size) == ("RGB", drawn.size)
        assert written.tobytes() == drawn.tobytes()
