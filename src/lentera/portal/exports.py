"""DIP exports: CSV, XLSX and PDF of the public register, filtered like the DIP pages.

Only register.selectors.public_items() is ever read: no drafts, no withdrawn items, no
exempt items. Column names and cell wording are the official Indonesian ones (see
register.dip_table), whatever the visitor's language.
"""

import csv
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lentera import pdf
from lentera.accounts.services import client_address, count_hit
from lentera.errors import ActionRefused
from lentera.register import dip_table
from lentera.register.selectors import last_change, public_items, register_state

from .filters import RegisterFilter

# WeasyPrint lays out some 25 to 50 rows a second on a small server (docs/exports.md).
# Up to PDF_NOW_ROWS rows a PDF is built while the visitor waits; up to PDF_MAX_ROWS
# the worker builds it (once per register state) while the visitor is told to come
# back; past that it is refused with a pointer to CSV and XLSX.
PDF_NOW_ROWS = 200
PDF_MAX_ROWS = settings.LENTERA_PDF_MAX_ROWS  # 10,000 unless set lower
PDF_ROWS_PER_SECOND = 25  # for the estimate shown while one is being prepared
CHUNK_SIZE = 2000
# Public data, but it changes when items are published or withdrawn: caches keep an
# export for a few minutes only.
MAX_AGE = 300

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# PDF and XLSX are built once per register state, filter and day, then served from the
# "exports" cache. Building is what costs: one address may start this many builds in
# BUILD_WINDOW seconds, then waits (429); cached answers are not counted.
BUILD_LIMIT = 10
BUILD_WINDOW = 600

# Rows of CSV handed to the server at a time (one write per row cost a second in
# 100,000).
CSV_BATCH = 500


def _filtered(request: HttpRequest) -> tuple[RegisterFilter, object]:
    register = RegisterFilter.from_request(request)
    return register, register.apply(public_items())


def _file_name(register: RegisterFilter, extension: str) -> str:
    parts = ["dip"]
    if register.unit:
        parts.append(register.unit.slug)
    elif register.body:
        parts.append(register.body.slug)
    if register.category:
        parts.append(register.category.replace("_", "-"))
    if register.year:
        parts.append(str(register.year))
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + "." + extension


def _filters_text(register: RegisterFilter) -> str:
    parts = []
    if register.category:
        parts.append("Kategori: " + dip_table.CATEGORY_NAMES[register.category])
    if register.year:
        parts.append(f"Tahun: {register.year}")
    return " · ".join(parts)


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _line(row: dict, number: int, *, with_body: bool, link: Callable[[int], str]) -> list:
    return dip_table.cells(row, number, with_body=with_body) + [
        dip_table.CATEGORY_NAMES.get(row["category"], row["category"]),
        row["year"],
        link(row["id"]),
    ]


def _cacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


class _Echo:
    """A file-like object whose write() hands the line back to csv.writer's caller."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(items, *, with_body: bool, site: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel read the file as UTF-8.
    yield "\ufeff" + writer.writerow(dip_table.HEADINGS + dip_table.EXTRA_HEADINGS)
    link = dip_table.item_links(site)
    batch = []
    for number, row in enumerate(dip_table.rows(items, chunk_size=CHUNK_SIZE), start=1):
        batch.append(
            writer.writerow(dip_table.inert(_line(row, number, with_body=with_body, link=link)))
        )
        if len(batch) == CSV_BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


@require_safe
def dip_csv(request: HttpRequest) -> HttpResponse:
    """The DIP as CSV (UTF-8 with BOM), streamed row by row."""
    register, items = _filtered(request)
    lines = _csv_lines(items, with_body=register.body is None, site=_site(request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _file_name(register, "csv"))
    return _cacheable(response)


def _heading(register: RegisterFilter) -> str:
    parts = ["DAFTAR INFORMASI PUBLIK", register.body.name if register.body else None]
    if register.unit:
        parts.append(register.unit.name)
    return " · ".join(p for p in parts if p)


def _write_xlsx(handle, register: RegisterFilter, items, *, site: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DIP")
    widths = (8, 60, 30, 30, 26, 26, 24, 14, 8, 40)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B4"  # the heading rows and the number column stay in view

    def cell(value, **style):
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # text, never a formula, whatever it starts with
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([cell(_heading(register), font=Font(bold=True, size=13))])
    subtitle = _filters_text(register)
    today = dip_table.indonesian_date(timezone.localdate())
    sheet.append([cell(" · ".join(p for p in (subtitle, f"Keadaan per {today}") if p))])
    headings = dip_table.HEADINGS + dip_table.EXTRA_HEADINGS
    sheet.append([cell(h, font=bold, alignment=wrap) for h in headings])
    with_body = register.body is None
    link = dip_table.item_links(site)
    for number, row in enumerate(dip_table.rows(items, chunk_size=CHUNK_SIZE), start=1):
        values = _line(row, number, with_body=with_body, link=link)
        sheet.append([cell(v, alignment=wrap) for v in values])
    workbook.save(handle)


@require_safe
def dip_xlsx(request: HttpRequest) -> HttpResponse:
    """The DIP as an Excel workbook, written in constant memory to a temporary file."""
    register, items = _filtered(request)
    export = _export(request, register, "xlsx")
    if export.not_modified is not None:
        return export.not_modified

    def build() -> bytes:
        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            _write_xlsx(handle, register, items, site=_site(request))
            handle.seek(0)
            return handle.read()

    return _built_once(request, register, export, XLSX_TYPE, build, attachment=True)


@dataclass
class _Export:
    """One export's place in the cache: per register state, filter, day and site."""

    extension: str
    key: str
    etag: str
    last_modified: int | None
    not_modified: HttpResponse | None  # the 304 for a client that has it


def export_key(extension: str, state: str, site: str, register: RegisterFilter) -> str:
    """An export's key in the "exports" cache: per register state, day, site and filter."""
    filters = (getattr(register.body, "pk", None), getattr(register.unit, "pk", None))
    filters += (register.category, register.year)
    parts = [extension, state, timezone.localdate(), site, *filters]
    return "dip:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _export(
    request: HttpRequest, register: RegisterFilter, extension: str, key: str = ""
) -> _Export:
    """The export's place: under `key` when given, else under the register's state."""
    changed = last_change()
    key = key or export_key(extension, register_state(), _site(request), register)
    etag = quote_etag(key[4:36])
    last_modified = int(changed.timestamp()) if changed else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        not_modified = _cacheable(not_modified)
    return _Export(extension, key, etag, last_modified, not_modified)


def _built_once(
    request: HttpRequest,
    register: RegisterFilter,
    export: _Export,
    content_type: str,
    build: Callable[[], bytes],
    *,
    attachment: bool,
    content: bytes | None = None,
) -> HttpResponse:
    """Serve an export built once per register state: `content` when the caller has
    read it from the cache already, else from the cache, or built now (at most
    BUILD_LIMIT builds per address)."""
    exports = caches["exports"]
    if content is None:
        content = exports.get(export.key)
    if content is None:
        if not _may_build(request):
            return _too_many_builds()
        try:
            content = build()
        except ActionRefused as refused:
            return _refused(refused.message, refused.status_code)
        exports.set(export.key, content)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        attachment, _file_name(register, export.extension)
    )
    response["ETag"] = export.etag
    if export.last_modified is not None:
        response["Last-Modified"] = http_date(export.last_modified)
    return _cacheable(response)


def _refused(message: str, status: int, retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _too_many_builds() -> HttpResponse:
    response = HttpResponse(
        _("Too many exports built from your address; try again in a few minutes."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(BUILD_WINDOW)
    return response


def _may_build(request: HttpRequest) -> bool:
    address = client_address(request) or "-"
    return count_hit("export-builds", address, BUILD_WINDOW) <= BUILD_LIMIT


def _too_large(request: HttpRequest, register: RegisterFilter, count: int) -> HttpResponse:
    context = {"count": count, "limit": PDF_MAX_ROWS, "register": register}
    response = render(request, "portal/dip_pdf_too_large.html", context, status=400)
    add_never_cache_headers(response)
    return response


def pdf_rows(register: RegisterFilter) -> list[dict]:
    """The rows a DIP PDF of `register` shows, as the public register has them now."""
    return list(dip_table.rows(register.apply(public_items()), chunk_size=CHUNK_SIZE))


def pdf_key(rows: list[dict], site: str, register: RegisterFilter) -> str:
    """A PDF's key in the "exports" cache: a digest of exactly what it shows (its rows,
    the body's and unit's names), the day, the site and the filter. A PDF takes minutes
    to lay out; keyed on the register's state, any officer's draft would call for a
    new one, while this key changes only when the PDF would."""
    digest = hashlib.sha256(
        repr((getattr(register.body, "name", None), getattr(register.unit, "name", None))).encode()
    )
    for row in rows:
        digest.update(repr(row).encode())
    return export_key("pdf", digest.hexdigest(), site, register)


def pdf_content(
    register: RegisterFilter, site: str, rows: list[dict], timeout: float | None = None
) -> bytes:
    """The DIP PDF of `rows` (pdf_rows(register))."""
    return dip_table.render_pdf(
        rows,
        body=register.body,
        unit=register.unit,
        filters=_filters_text(register),
        site=site,
        timeout=timeout,
    )


@require_safe
def dip_pdf(request: HttpRequest) -> HttpResponse:
    """The DIP in the official table layout as PDF: built now up to PDF_NOW_ROWS rows,
    by the worker up to PDF_MAX_ROWS (the visitor is asked to come back), refused past
    that. Kept under pdf_key(): served only while the register shows those very rows."""
    register, items = _filtered(request)
    count = items.count()
    if count > PDF_MAX_ROWS:
        return _too_large(request, register, count)
    rows, site = pdf_rows(register), _site(request)
    export = _export(request, register, "pdf", pdf_key(rows, site, register))
    if export.not_modified is not None:
        return export.not_modified
    content = caches["exports"].get(export.key)
    if content is None and len(rows) > PDF_NOW_ROWS:
        return _prepared_in_background(request, register, len(rows))
    return _built_once(
        request,
        register,
        export,
        "application/pdf",
        lambda: pdf_content(register, site, rows),
        content=content,
        attachment=False,
    )


def _prepared_in_background(
    request: HttpRequest, register: RegisterFilter, count: int
) -> HttpResponse:
    """Have the worker build the PDF and tell the visitor when to come back; a build
    that failed answers 503 for a few minutes."""
    from .tasks import (
        BUILDING,
        FAILED,
        FAILED_SECONDS,
        QUEUE_LIMIT,
        build_dip_pdf,
        builds_in_queue,
    )

    exports = caches["exports"]
    # One build at a time per filter, whatever the register moves on to.
    builds = export_key("pdf-build", "", _site(request), register)
    if exports.get(builds + FAILED):
        message = _("The PDF could not be made just now. Try again in a few minutes.")
        return _refused(message, 503, retry_after=FAILED_SECONDS)
    # A HEAD (a link checker, a crawler) queues nothing.
    if request.method == "GET" and exports.get(builds + BUILDING) is None:
        if builds_in_queue() >= QUEUE_LIMIT:
            message = _("Several long PDFs are being prepared; try again in a few minutes.")
            return _refused(message, 503, retry_after=300)
        if not _may_build(request):
            return _too_many_builds()
        if exports.add(builds + BUILDING, True, timeout=pdf.BACKGROUND_TIMEOUT_SECONDS):
            build_dip_pdf.enqueue(
                builds=builds,
                body_id=getattr(register.body, "pk", None),
                unit_id=getattr(register.unit, "pk", None),
                category=register.category,
                year=register.year,
                site=_site(request),
            )
    minutes = max(1, round(count / PDF_ROWS_PER_SECOND / 60))
    context = {"count": count, "minutes": minutes, "register": register}
    response = render(request, "portal/dip_pdf_preparing.html", context, status=202)
    response["Retry-After"] = str(min(600, minutes * 60))
    add_never_cache_headers(response)
    return response
