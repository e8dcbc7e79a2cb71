"""Spreadsheets read as grids of text: XLSX (openpyxl), ODS (odfpy) and CSV (the csv
module; UTF-8 with or without a BOM, or Windows-1252; `,`, `;` or tab). A merged cell's
value fills every cell it covers, so a two-row header or a unit named once for several
rows reads like any other. Files too large to be a DIP, and archives that would unpack
to far more than they weigh (an XLSX and an ODS are ZIP files), are refused before
they are read."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lentera.errors import ActionRefused

MAX_BYTES = 20 * 1024 * 1024  # a DIP of 10,000 rows is a few megabytes
MAX_UNPACKED = 40 * 1024 * 1024  # what the parts of an XLSX or ODS may unpack to
MAX_RATIO = 100  # unpacked to packed, for a part larger than a megabyte
MAX_ROWS = 60_000
MAX_COLUMNS = 60
MAX_MERGED = 1_000_000  # cells covered by merged (spanned) cells, all sheets together
MAX_ODS_CONTENT = 16 * 1024 * 1024  # odfpy holds the whole document as a tree


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]  # cell texts, stripped; "" for an empty cell


def read(content: bytes, file_name: str) -> list[Sheet]:
    """The sheets of a spreadsheet file's bytes; ActionRefused when they cannot be."""
    if len(content) > MAX_BYTES:
        raise ActionRefused(
            _("%(file)s is larger than %(limit)s MB; a DIP sheet is far smaller.")
            % {"file": file_name, "limit": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(b"PK\x03\x04"):
        _check_archive(content, file_name)
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in content[:100]:
            return _read_ods(content, file_name)
        return _read_xlsx(content, file_name)
    if file_name.lower().endswith((".xlsx", ".ods", ".xls")):
        raise ActionRefused(
            _("%(file)s is not an XLSX or ODS file (save it again as XLSX, ODS or CSV).")
            % {"file": file_name}
        )
    return [Sheet(file_name, _read_csv(content, file_name))]


def _check_archive(content: bytes, file_name: str) -> None:
    refused = ActionRefused(
        _("%(file)s unpacks to far more than it weighs and was not read.") % {"file": file_name}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = 0
            for part in archive.infolist():
                total += part.file_size
                if unpacks_too_far(part):
                    raise refused
            if total > MAX_UNPACKED:
                raise refused
            merged = 0
            for part in archive.infolist():
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    merged += _merged_cells(archive.read(part), file_name)
            if merged > MAX_MERGED:
                raise _too_merged(file_name)
    except zipfile.BadZipFile as exc:
        raise ActionRefused(_("%(file)s is a damaged file.") % {"file": file_name}) from exc


_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d{1,7}):([A-Z]{1,3}\d{1,7})"')


def unpacks_too_far(part: zipfile.ZipInfo) -> bool:
    """A part over a megabyte that unpacks to more than MAX_RATIO times its packed size:
    a bomb, not a document."""
    large = part.file_size > 1024 * 1024
    return large and part.file_size > MAX_RATIO * max(part.compress_size, 1)


def _merged_cells(xml: bytes, file_name: str) -> int:
    """How many cells the merged ranges of one XLSX sheet cover (read before openpyxl,
    which makes an object for each of them)."""
    from openpyxl.utils.cell import range_boundaries

    if len(_ROW.findall(xml)) > MAX_ROWS:
        raise ActionRefused(
            _("%(file)s has more than %(limit)s rows.") % {"file": file_name, "limit": MAX_ROWS}
        )
    covered = 0
    for first, last in _MERGE.findall(xml):
        min_col, min_row, max_col, max_row = range_boundaries(f"{first.decode()}:{last.decode()}")
        if max_row > MAX_ROWS or max_col > MAX_COLUMNS * 10:
            raise _too_merged(file_name)
        covered += (max_row - min_row + 1) * (max_col - min_col + 1)
    return covered


def _too_merged(file_name: str) -> ActionRefused:
    return ActionRefused(
        _("%(file)s merges far more cells than a DIP sheet does and was not read.")
        % {"file": file_name}
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):  # a date or a moment typed as such
        value = value.date() if hasattr(value, "date") and callable(value.date) else value
        return value.isoformat()
    return str(value).strip()


def _clip(rows: list[list[str]], file_name: str) -> list[list[str]]:
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS:
        raise ActionRefused(
            _("%(file)s has more than %(limit)s rows.") % {"file": file_name, "limit": MAX_ROWS}
        )
    return [row[:MAX_COLUMNS] for row in rows]


def _read_xlsx(content: bytes, file_name: str) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ActionRefused(
            _("%(file)s could not be read as an XLSX file.") % {"file": file_name}
        ) from exc
    sheets = []
    for worksheet in book.worksheets:
        if worksheet.max_row > MAX_ROWS:
            raise ActionRefused(
                _("%(file)s has more than %(limit)s rows.") % {"file": file_name, "limit": MAX_ROWS}
            )
        rows = [
            [_text(value) for value in row]
            for row in worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        ]
        for merged in worksheet.merged_cells.ranges:
            top = (
                rows[merged.min_row - 1][merged.min_col - 1]
                if merged.min_col <= MAX_COLUMNS
                else ""
            )
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = top
        sheets.append(Sheet(worksheet.title, _clip(rows, file_name)))
    return sheets


def _read_ods(content: bytes, file_name: str) -> list[Sheet]:
    from odf import teletype
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableRow

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sizes = [p.file_size for p in archive.infolist() if p.filename == "content.xml"]
    if not sizes or sizes[0] > MAX_ODS_CONTENT:
        raise ActionRefused(
            _("%(file)s is larger than %(limit)s MB; a DIP sheet is far smaller.")
            % {"file": file_name, "limit": MAX_ODS_CONTENT // (1024 * 1024)}
        )
    try:
        document = load(io.BytesIO(content))
    except Exception as exc:  # odfpy raises many kinds for a damaged file
        raise ActionRefused(
            _("%(file)s could not be read as an ODS file.") % {"file": file_name}
        ) from exc

    def number(element, name: str) -> int:
        text = element.attributes.get((TABLENS, name)) or "1"
        if not text.isdigit():
            raise ActionRefused(_("%(file)s is a damaged file.") % {"file": file_name})
        return max(int(text), 1)

    budget = MAX_MERGED  # cells spanned cells may still cover

    sheets = []
    for table in document.spreadsheet.getElementsByType(Table):
        rows: list[list[str]] = []
        covered: dict[tuple[int, int], str] = {}  # cells a spanning cell covers
        for row in table.getElementsByType(TableRow):
            cells: list[str] = []
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                text = teletype.extractText(cell).strip() if cell.qname[1] == "table-cell" else ""
                across = number(cell, "number-columns-spanned")
                down = number(cell, "number-rows-spanned")
                if across > 1 or down > 1:
                    across = min(across, MAX_COLUMNS - len(cells))
                    budget -= max(across, 0) * down
                    if down > MAX_ROWS or budget < 0:
                        raise _too_merged(file_name)
                    for r in range(len(rows), len(rows) + down):
                        for c in range(len(cells), len(cells) + across):
                            covered[(r, c)] = text
                for _n in range(min(number(cell, "number-columns-repeated"), MAX_COLUMNS)):
                    if len(cells) >= MAX_COLUMNS:
                        break
                    cells.append(covered.pop((len(rows), len(cells)), text) or text)
            repeated = number(row, "number-rows-repeated") if any(cells) else 1
            for _n in range(repeated):
                rows.append(list(cells))
                if len(rows) > MAX_ROWS:
                    raise ActionRefused(
                        _("%(file)s has more than %(limit)s rows.")
                        % {"file": file_name, "limit": MAX_ROWS}
                    )
        sheets.append(Sheet(str(table.getAttribute("name")), _clip(rows, file_name)))
    return sheets


def _read_csv(content: bytes, file_name: str) -> list[list[str]]:
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            text = content[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ActionRefused(
                _("%(file)s says it is UTF-8 but is not.") % {"file": file_name}
            ) from exc
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ActionRefused(
                    _("%(file)s is neither UTF-8 nor Windows-1252 text.") % {"file": file_name}
                ) from exc
    if "\x00" in text:
        raise ActionRefused(_("%(file)s is not a text file.") % {"file": file_name})
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        lines = sample.splitlines()[:20]
        delimiter = max(",;\t", key=lambda d: sum(line.count(d) for line in lines))
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell.strip() for cell in row[:MAX_COLUMNS]])
            if len(rows) > MAX_ROWS:
                raise ActionRefused(
                    _("%(file)s has more than %(limit)s rows.")
                    % {"file": file_name, "limit": MAX_ROWS}
                )
    except csv.Error as exc:
        raise ActionRefused(
            _("%(file)s could not be read as CSV: %(problem)s")
            % {"file": file_name, "problem": exc}
        ) from exc
    return _clip(rows, file_name)
