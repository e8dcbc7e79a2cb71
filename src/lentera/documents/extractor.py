"""The text extraction child program: one file in, text and a thumbnail out.

main() runs in a copy the extraction server (extractor_server.py) forks for each
file, with memory and CPU limits, so that a hostile or broken file can only harm
that process; it also runs alone:

    python -m lentera.documents.extractor FILE CONTENT_TYPE OUT_DIR [options]

It writes OUT_DIR/result.json ({"status", "method", "error"}), OUT_DIR/text.txt
and, for PDFs and images, OUT_DIR/thumbnail.png. It does not load Django: the
parent turns the error codes into translated messages.
"""

import argparse
import codecs
import contextlib
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import time
import warnings
import zipfile
import zlib
from pathlib import Path

from lentera.documents import pagereader
from lentera.documents.pagereader import PageReader, spare_core

MAX_TEXT_CHARS = 5_000_000  # kept for search; beyond this the text is cut
THUMBNAIL_BOX = (320, 480)  # width, height in pixels
MAX_IMAGE_PIXELS = 100_000_000  # larger images are refused, not decoded
OCR_DPI = 300
OCR_MAX_PAGE_PIXELS = 40_000_000  # a page rendered for OCR never exceeds this
MIN_PAGE_CHARS = 10  # a PDF page with fewer characters is treated as scanned
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 100  # uncompressed / compressed, above MIN_RATIO_CHECK_BYTES
MIN_RATIO_CHECK_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000

ZIP_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odf",
    "application/vnd.oasis.opendocument.spreadsheet": "odf",
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/tiff"}
PLAIN_TYPES = {"text/plain", "text/csv"}


class Refused(Exception):
    """Extraction stops with a known error code (see extraction.ERRORS)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Text:
    """Collects extracted text up to MAX_TEXT_CHARS."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= MAX_TEXT_CHARS

    def add(self, text: str) -> None:
        text = text.replace("\x00", "").strip()
        if text and not self.full:
            text = text[: MAX_TEXT_CHARS - self.size]
            self.parts.append(text)
            self.size += len(text) + 1

    def value(self) -> str:
        return "\n".join(self.parts)


class Job:
    """One file's extraction: the reader of its type fills `text` and may write a thumbnail."""

    def __init__(self, source: Path, out: Path, ocr_languages: str, ocr_max_pages: int, budget):
        self.source = source
        self.out = out
        self.ocr_languages = ocr_languages  # "" when OCR is off or unavailable
        self.ocr_max_pages = ocr_max_pages
        self.deadline = time.monotonic() + budget
        self.text = Text()
        self.method = "text"

    # OCR ---------------------------------------------------------------
    def ocr(self, image) -> None:
        """Recognise the text of a Pillow image with the tesseract program."""
        if not self.ocr_languages:
            raise Refused("ocr_unavailable")
        page = self.out / "ocr-page.png"
        image.convert("L").save(page)
        remaining = max(1.0, self.deadline - time.monotonic())
        done = subprocess.run(
            ["tesseract", str(page), "stdout", "-l", self.ocr_languages],
            capture_output=True,
            timeout=remaining,
            # One thread (as the parent also asks): the memory limit counts the
            # memory every thread reserves.
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        page.unlink()
        if done.returncode != 0:
            raise Refused("ocr_failed")
        self.text.add(done.stdout.decode("utf-8", "replace"))
        self.method = "ocr"

    def ocr_pages_left(self, done: int) -> bool:
        return done < self.ocr_max_pages and time.monotonic() < self.deadline

    # Thumbnails --------------------------------------------------------
    def thumbnail(self, image) -> None:
        # zlib's fastest level: a photo's preview keeps Pillow's row filters.
        _small(image).save(self.out / "thumbnail.png", compress_level=1)

    def page_thumbnail(self, page) -> None:
        (self.out / "thumbnail.png").write_bytes(page_preview(page))

    # File types --------------------------------------------------------
    def pdf(self) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        try:
            pdf = pdfium.PdfDocument(str(self.source))
        except pdfium.PdfiumError as exc:
            raise Refused(
                "encrypted" if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD else "damaged"
            ) from exc
        with pdf:
            count = len(pdf)
            if count == 0:
                raise Refused("damaged")
            others = None
            if count > 1 and _reader is not None and not _reader.started and spare_core():
                others = _reader  # reads from the last page while this process reads on
                others.start(self.source, count, MAX_TEXT_CHARS)
            try:
                self.pdf_pages(pdf, count, others)
            finally:
                if others is not None:
                    others.stop()
        if not self.text.parts and not self.ocr_languages:
            raise Refused("ocr_unavailable")

    def pdf_pages(self, pdf, count: int, others: PageReader | None) -> None:
        """Each page's text in order, or its OCR when it is scanned; `others` may
        have read some of the pages."""
        ocr_done = 0
        for index in range(count):
            if self.text.full:
                break
            page = None
            text = others.text(index) if others is not None else None
            if text is None:
                page = pdf[index]
                if index == 0:
                    self.page_thumbnail(page)
                text = pagereader.page_text(page)
            if _scanned(text) and self.ocr_languages and self.ocr_pages_left(ocr_done):
                if page is None:
                    page = pdf[index]
                self.ocr(_render(page, OCR_DPI / 72))
                ocr_done += 1
            else:
                self.text.add(text)
            if page is not None:
                page.close()

    def image(self) -> None:
        from PIL import ImageSequence

        with _open_image(self.source) as image:
            self.thumbnail(image)
            for number, frame in enumerate(ImageSequence.Iterator(image)):
                if not self.ocr_pages_left(number) or self.text.full:
                    break
                if frame.width * frame.height > MAX_IMAGE_PIXELS:  # a later TIFF page
                    raise Refused("image_too_large")
                self.ocr(frame)

    def docx(self) -> None:
        import docx

        document = docx.Document(str(self.source))
        for block in document.iter_inner_content():
            if self.text.full:
                break
            if hasattr(block, "rows"):
                for row in block.rows:
                    self.text.add(_row_text(cell.text for cell in _unique_cells(row)))
            else:
                self.text.add(block.text)

    def xlsx(self) -> None:
        import openpyxl

        workbook = openpyxl.load_workbook(str(self.source), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                self.text.add(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    if self.text.full:
                        return
                    self.text.add(_row_text(row))
        finally:
            workbook.close()

    def pptx(self) -> None:
        import pptx

        presentation = pptx.Presentation(str(self.source))
        for slide in presentation.slides:
            for shape in _shapes(slide.shapes):
                if self.text.full:
                    return
                if shape.has_text_frame:
                    self.text.add(shape.text_frame.text)
                if getattr(shape, "has_table", False) and shape.has_table:
                    for row in shape.table.rows:
                        self.text.add(_row_text(cell.text for cell in row.cells))
            if slide.has_notes_slide:
                self.text.add(slide.notes_slide.notes_text_frame.text)

    def odf(self) -> None:
        from odf.opendocument import load

        document = load(str(self.source))
        for line in _odf_lines(document.body):
            if self.text.full:
                break
            self.text.add(line)

    def plain(self) -> None:
        limit = MAX_TEXT_CHARS * 4  # UTF-8 uses at most 4 bytes a character
        with open(self.source, "rb") as file:
            data = file.read(limit)
        self.text.add(_decode(data))


# The PageReader that the extraction server's copy made while it waited for its job.
_reader: PageReader | None = None


def prepare_reader() -> None:
    """Make the PageReader a job may use, when there is a CPU to spare for it. It is
    only a help: if it cannot be made (a limit on processes), the job reads alone."""
    global _reader
    try:
        if spare_core():
            _reader = PageReader()
    except OSError:
        _reader = None


def end_reader() -> None:
    """End the copy's PageReader after its job (rather than leave it to init to reap)."""
    global _reader
    reader, _reader = _reader, None
    if reader is not None:
        with contextlib.suppress(Exception):  # the copy ends in any case
            reader.close()


def page_preview(page) -> bytes:
    """The PNG preview of a PDF page, drawn at the thumbnail's size."""
    width, height = page.get_size()
    scale = min(THUMBNAIL_BOX[0] / max(width, 1), THUMBNAIL_BOX[1] / max(height, 1))
    return _png(_small(_render(page, scale)))


def _render(page, scale: float):
    """A page as a Pillow image, never larger than OCR_MAX_PAGE_PIXELS."""
    width, height = page.get_size()
    area = max(width * height, 1) * scale * scale
    if area > OCR_MAX_PAGE_PIXELS:
        scale *= math.sqrt(OCR_MAX_PAGE_PIXELS / area)
    return page.render(scale=scale).to_pil()


def _scanned(text: str) -> bool:
    return len("".join(text.split())) < MIN_PAGE_CHARS


def _small(image):
    """The image shrunk to fit THUMBNAIL_BOX, in RGB or greyscale (transparency as white)."""
    from PIL import Image

    ratio = min(1.0, THUMBNAIL_BOX[0] / image.width, THUMBNAIL_BOX[1] / image.height)
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    small = image.resize(size, Image.Resampling.LANCZOS)
    if small.mode not in ("RGB", "L"):
        small = small.convert("RGBA")
        flat = Image.new("RGB", small.size, "white")
        flat.paste(small, mask=small.getchannel("A"))
        small = flat
    return small


def _png(image) -> bytes:
    """An RGB or greyscale image as a PNG with unfiltered rows and zlib's fastest level.

    For a page of text, half of Pillow's time (Pillow tries five filters on every row)
    for a file 7% smaller; for a photograph it would be a third larger. An RGB image
    whose pixels are all grey (black text on white) is written as greyscale: a third
    of the bytes to compress (0.5 ms against 1.3 for a page) and half the file."""
    if image.mode not in ("RGB", "L"):
        raise ValueError(f"an RGB or L image, not {image.mode}")
    width, height = image.size
    pixels = image.tobytes()
    colour = image.mode == "RGB"
    if colour and (red := pixels[0::3]) == pixels[1::3] == pixels[2::3]:
        pixels, colour = red, False
    row = width * (3 if colour else 1)
    # Each row starts with its filter type: 0, none.
    rows = b"".join(b"\0" + pixels[start : start + row] for start in range(0, len(pixels), row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if colour else 0, 0, 0, 0)
    chunks = [b"\x89PNG\r\n\x1a\n"]
    for kind, data in ((b"IHDR", header), (b"IDAT", zlib.compress(rows, 1)), (b"IEND", b"")):
        checksum = zlib.crc32(kind + data)
        chunks.append(struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum))
    return b"".join(chunks)


def _open_image(path: Path):
    from PIL import Image

    try:
        image = Image.open(path)
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused("image_too_large") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise Refused("damaged") from exc
    return image


def _row_text(values) -> str:
    return "\t".join(str(v).strip() for v in values if v is not None and str(v).strip())


def _unique_cells(row):
    """The cells of a table row, a merged cell once."""
    seen = set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            yield cell


def _shapes(shapes):
    for shape in shapes:
        if hasattr(shape, "shapes"):  # a group
            yield from _shapes(shape.shapes)
        else:
            yield shape


TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_BLOCKS = {(TEXT_NS, "p"), (TEXT_NS, "h")}
ODF_CELLS = {(TABLE_NS, "table-cell"), (TABLE_NS, "covered-table-cell")}


def _odf_lines(node):
    """Paragraphs, headings and table rows of an OpenDocument body, in order."""
    for child in node.childNodes:
        name = getattr(child, "qname", None)
        if name == (TABLE_NS, "table-row"):
            yield _row_text(_odf_text(cell) for cell in child.childNodes if cell.qname in ODF_CELLS)
        elif name in ODF_BLOCKS:
            yield _odf_text(child)
        elif child.nodeType == child.ELEMENT_NODE:
            yield from _odf_lines(child)


def _odf_text(node) -> str:
    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
        elif child.qname == (TEXT_NS, "s"):
            count = child.getAttribute("c")
            parts.append(" " * min(int(count) if count and count.isdigit() else 1, 100))
        elif child.qname == (TEXT_NS, "tab"):
            parts.append("\t")
        elif child.qname == (TEXT_NS, "line-break"):
            parts.append("\n")
        elif child.nodeType == child.ELEMENT_NODE:
            parts.append(_odf_text(child))
    return "".join(parts)


def _decode(data: bytes) -> str:
    """UTF-8 (a character cut at the end is dropped), else Windows-1252, else Latin-1."""
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=False)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def check_zip(path: Path) -> None:
    """Refuse an archive that unpacks to far more than its size (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused("damaged") from exc
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(sum(entry.compress_size for entry in entries), 1)
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unpacked > MAX_UNZIPPED_BYTES
        or (unpacked > MIN_RATIO_CHECK_BYTES and unpacked / packed > MAX_ZIP_RATIO)
    ):
        raise Refused("zip_bomb")


def extract(job: Job, content_type: str) -> None:
    if content_type == "application/pdf":
        job.pdf()
    elif content_type in IMAGE_TYPES:
        job.image()
    elif content_type in ZIP_TYPES:
        check_zip(job.source)
        getattr(job, ZIP_TYPES[content_type])()
    elif content_type in PLAIN_TYPES:
        job.plain()
    else:
        raise Refused("unsupported")


def limit_resources(memory_mb: int, seconds: int) -> None:
    """Limits for this process, the tesseract it runs and the PageReader it made;
    exceeding them ends the job."""
    pagereader.set_limits(memory_mb, seconds)
    if _reader is not None:
        _reader.limit(memory_mb, seconds)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    limit_resources(args.memory_mb, args.seconds)

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    # Between one and two times the limit Pillow only warns: refuse those too.
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    if args.ocr_languages and shutil.which("tesseract") is None:
        args.ocr_languages = ""

    # OCR stops taking new pages after 80% of the time, so what was read is kept.
    job = Job(args.source, args.out, args.ocr_languages, args.ocr_max_pages, args.seconds * 0.8)
    result = {"status": "done", "method": "", "error": ""}
    try:
        extract(job, args.content_type)
    except Refused as exc:
        result.update(status="unsupported" if exc.code == "unsupported" else "failed")
        result["error"] = exc.code
    except MemoryError:
        result.update(status="failed", error="memory")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        result.update(status="failed", error="image_too_large")
    except subprocess.TimeoutExpired:
        result.update(status="failed", error="timeout")
    except Exception as exc:  # a parser choking on a broken file
        result.update(status="failed", error="damaged", detail=repr(exc)[:500])
    if result["status"] == "done":
        result["method"] = job.method
    (args.out / "text.txt").write_text(job.text.value(), encoding="utf-8")
    (args.out / "result.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Extract the text and a thumbnail of a file.")
    parser.add_argument("source", type=Path)
    parser.add_argument("content_type")
    parser.add_argument("out", type=Path)
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--seconds", type=int, default=300, help="CPU time limit")
    parser.add_argument("--ocr-languages", default="", help="e.g. ind+eng; empty: no OCR")
    parser.add_argument("--ocr-max-pages", type=int, default=50)
    return parser.parse_args(argv)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:  # a worker started before the server had its module
        from lentera.documents.extractor_server import serve

        sys.exit(serve())
    sys.exit(main())
