"""DIP exports: CSV, XLSX and PDF of the public register, filtered like the DIP pages.

Only register.selectors.public_items() is ever read: no drafts, no withdrawn items, no
exempt items. Column names and cell wording are the official Indonesian ones (see
register.dip_table), whatever the visitor's language.
"""

import csv
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from lentera.register import dip_table
from lentera.register.selectors import public_items

from .filters import RegisterFilter

# WeasyPrint lays out some 25 to 50 rows a second on a small server (docs/exports.md):
# past this many rows a public request would hold a worker for minutes, so it is refused.
PDF_MAX_ROWS = 1000
CHUNK_SIZE = 2000
# Public data, but it changes when items are published or withdrawn: caches keep an
# export for a few minutes only.
MAX_AGE = 300

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): an officer's text such as =HYPERLINK(...) must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A CSV cell no spreadsheet evaluates: text with a formula start gets a leading
    apostrophe, which spreadsheets read as "this is text"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def _line(row: dict, number: int, *, with_body: bool, site: str) -> list:
    return dip_table.cells(row, number, with_body=with_body) + [
        dip_table.CATEGORY_NAMES.get(row["category"], row["category"]),
        row["year"],
        site + dip_table.item_path(row["id"]),
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
    for number, row in enumerate(dip_table.rows(items, chunk_size=CHUNK_SIZE), start=1):
        yield writer.writerow(
            [inert(v) for v in _line(row, number, with_body=with_body, site=site)]
        )


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
    for number, row in enumerate(dip_table.rows(items, chunk_size=CHUNK_SIZE), start=1):
        values = _line(row, number, with_body=with_body, site=site)
        sheet.append([cell(v, alignment=wrap) for v in values])
    workbook.save(handle)


@require_safe
def dip_xlsx(request: HttpRequest) -> HttpResponse:
    """The DIP as an Excel workbook, written in constant memory to a temporary file."""
    register, items = _filtered(request)
    # An anonymous temporary file: it disappears when the response closes it.
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        _write_xlsx(handle, register, items, site=_site(request))
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=_file_name(register, "xlsx"), content_type=XLSX_TYPE
    )
    return _cacheable(response)


def _too_large(request: HttpRequest, register: RegisterFilter, count: int) -> HttpResponse:
    context = {"count": count, "limit": PDF_MAX_ROWS, "register": register}
    response = render(request, "portal/dip_pdf_too_large.html", context, status=400)
    add_never_cache_headers(response)
    return response


@require_safe
def dip_pdf(request: HttpRequest) -> HttpResponse:
    """The DIP in the official table layout as PDF; refused past PDF_MAX_ROWS rows."""
    register, items = _filtered(request)
    count = items.count()
    if count > PDF_MAX_ROWS:
        return _too_large(request, register, count)
    pdf = dip_table.render_pdf(
        dip_table.rows(items, chunk_size=CHUNK_SIZE),
        body=register.body,
        unit=register.unit,
        filters=_filters_text(register),
        site=_site(request),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, _file_name(register, "pdf"))
    return _cacheable(response)
