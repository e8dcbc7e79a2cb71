"""Moving in: an office's existing DIP spreadsheet read into a plan of items, every
problem named by sheet, row, column and value (register.imports saves a plan).

A DIP sheet has title rows, a header (often over two rows, "Bentuk Informasi" split
into Softcopy and Hardcopy), section rows that set the category of the rows below
("A. INFORMASI YANG WAJIB DISEDIAKAN DAN DIUMUMKAN SECARA BERKALA"), and rows with
the columns of Perki 1/2021 under varying names, in any order. A row is known again
by its unit, title and year: importing the same file twice changes nothing,
and an edited row is an edit of its item."""

import datetime
import difflib
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody, Unit, UnitAlias

from . import sheets
from .constants import Category
from .dip_table import HEADINGS
from .models import InformationItem

logger = logging.getLogger(__name__)

# A heading names its column by the first of these it matches (a normalised heading
# holding any of the words): the order settles headings that hold several.
COLUMNS = (
    ("softcopy", ("softcopy", "soft copy")),
    ("hardcopy", ("hardcopy", "hard copy")),
    ("summary", ("ringkasan",)),
    ("title", ("judul", "nama informasi")),
    ("responsible", ("penanggung jawab", "penanggungjawab", "bertanggung jawab")),
    ("retention", ("retensi", "jangka waktu penyimpanan", "masa simpan")),
    ("unit", ("menguasai", "pejabat", "satker", "unit kerja", "unit")),
    (
        "made",
        (
            "waktu dan tempat",
            "tempat dan waktu",
            "tempat dan tahun",
            "tempat pembuatan",
            "waktu pembuatan",
            "tahun pembuatan",
            "tanggal",
        ),
    ),
    ("forms", ("bentuk",)),
    ("category", ("kategori",)),
    ("year", ("tahun",)),
    ("file", ("nama berkas", "nama file", "berkas", "lampiran")),
    ("link", ("tautan", "link", "url")),
    ("ground", ("dasar pengecualian", "alasan pengecualian", "pasal 17")),
    ("note", ("keterangan", "catatan")),
)
# How a problem names a column the sheet lacks: Perki 1/2021's names.
COLUMN_LABELS = {
    "summary": HEADINGS[1],
    "unit": HEADINGS[2],
    "responsible": HEADINGS[3],
    "made": HEADINGS[4],
    "forms": HEADINGS[5],
    "retention": HEADINGS[6],
    "category": "Kategori",
    "year": "Tahun",
    "softcopy": "Softcopy",
    "hardcopy": "Hardcopy",
    "file": "Berkas",
}
OUTCOMES = {
    "new": gettext_lazy("new"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
}
NUMBER_HEADINGS = {"no", "nomor", "no urut", "nomor urut"}
SECTIONS = (
    (Category.EXEMPT, ("dikecualikan",)),
    (Category.IMMEDIATE, ("serta merta", "sertamerta")),
    (Category.ON_DEMAND, ("setiap saat",)),
    (Category.PERIODIC, ("berkala",)),
)
CATEGORY_WORDS = {
    **{word: category for category, words in SECTIONS for word in words},
    "berkala": Category.PERIODIC,
}
YES = {"ada", "ya", "y", "v", "x", "√", "✓", "✔", "tersedia", "1", "true"}
NO = {"", "-", "–", "—", "tidak", "tidak ada", "0", "false", "n"}
SOFT_WORDS = ("soft", "elektronik", "digital", "unduh", "daring", "online", "pdf")
HARD_WORDS = ("hard", "cetak", "fisik", "print")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "pebruari", "feb", "peb"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "agust", "ags"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# ASCII only: "ſ" (long s) must not pass for an "s" of a month's name.
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I | re.A)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.I | re.A)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_MARKER = re.compile(r"[A-Za-z0-9]{1,4}[.)]?")  # a row's number or a section's letter
_SECTION_MARKER = re.compile(r"\s*([A-Z]|[IVX]{1,4}|\d{1,2}|[a-z])[.)]\s")
HEADER_SEARCH_ROWS = 40
TITLE_LENGTH = 300


@dataclass
class Problem:
    sheet: str
    row: int  # as the spreadsheet numbers it, from 1
    column: str
    value: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        if not self.row:  # the file as a whole
            return self.message
        where = _("%(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += f", {self.column}"
        value = f" «{self.value[:80]}»" if self.value else ""
        return f"{where}:{value} {self.message}"


@dataclass
class Row:
    sheet: str
    number: int
    fields: dict
    item: InformationItem | None = None  # the item it was imported as before
    changes: dict = field(default_factory=dict)  # of that item, name -> new value
    outcome: str = "new"  # or "changed", "unchanged"
    retention_rule: object = None  # the JRA line the retention text names, if any
    file_names: list[str] = field(default_factory=list)  # as the sheet names them
    files: list = field(default_factory=list)  # import_files.Entry, to attach

    @property
    def category_label(self) -> str:
        return str(Category(self.fields["category"]).label)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES[self.outcome])


@dataclass
class Plan:
    body: PublicBody
    file_name: str
    sha256: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: object = None  # import_files.Source, when files come with the sheet

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.error]

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    # For templates, which call no method with an argument.
    count_new = property(lambda self: self.count("new"))
    count_changed = property(lambda self: self.count("changed"))
    count_unchanged = property(lambda self: self.count("unchanged"))


def normalised(text: str) -> str:
    text = re.sub(r"[/\\_.,:;()\[\]'\"*-]+", " ", text.lower().replace("&", " dan "))
    return " ".join(text.split())


def column_of(heading: str) -> str | None:
    text = normalised(heading)
    if not text:
        return None
    if text in NUMBER_HEADINGS:
        return "number"
    if any(w in text for w in ("softcopy", "soft copy")) and any(
        w in text for w in ("hardcopy", "hard copy")
    ):
        return "forms"  # "Bentuk Informasi (Softcopy/Hardcopy)": one column for both
    for name, words in COLUMNS:
        if any(word in text for word in words):
            return name
    return None


def plan(
    content: bytes, file_name: str, body, default_unit: Unit | None = None, files=None
) -> Plan:
    """What importing `content` into `body` would do, with every problem found;
    `files` (an import_files.Source) holds the files that come with it."""
    result = Plan(body, file_name, hashlib.sha256(content).hexdigest(), files=files)
    try:
        found = sheets.read(content, file_name)
    except ActionRefused as exc:
        result.problems.append(Problem(file_name, 0, "", "", exc.message))
        return result
    except Exception:  # a reader's own failure on a file it should have refused
        logger.exception("Reading %s failed", file_name)
        message = _("%(file)s could not be read.") % {"file": file_name}
        result.problems.append(Problem(file_name, 0, "", "", message))
        return result
    units = _Units(body)
    read_any = False
    for sheet in found:
        header = _find_header(sheet.rows)
        if header is None:
            continue
        read_any = True
        _read_rows(sheet, header, units, default_unit, result)
    if not read_any:
        result.problems.append(
            Problem(
                file_name,
                0,
                "",
                "",
                _(
                    "No DIP table was found: no row within the first %(rows)s of a sheet "
                    'has the headings of Perki 1/2021 (at least "Ringkasan isi informasi" '
                    'or "Judul", and the unit, the retention or the forms).'
                )
                % {"rows": HEADER_SEARCH_ROWS},
            )
        )
    _match_existing(body, result)
    _match_schedule(body, result)
    if files is not None:
        _attach_files(result, files)
    return result


@dataclass
class _Header:
    row: int  # index of the first data row
    columns: dict[int, str]  # cell index -> column name
    headings: dict[str, str]  # column name -> heading as written
    year: int | None  # a year the title rows above name


def _find_header(rows: list[list[str]]) -> _Header | None:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {column_of(cell) for cell in cells} - {None}
        if not ({"summary", "title"} & names and len(names) >= 3):
            continue
        below = rows[index + 1] if index + 1 < len(rows) else []
        combined = list(cells)
        start = index + 1
        if _forms_subheader(cells, below):
            combined = [
                f"{top} {sub}" if sub and sub != top else top
                for top, sub in zip(cells, below + [""] * len(cells), strict=False)
            ]
            start += 1
        if start < len(rows) and _numbering_row(rows[start]):
            start += 1
        columns, headings = {}, {}
        for position, heading in enumerate(combined):
            name = column_of(heading)
            if name and name not in headings:
                columns[position] = name
                headings[name] = heading
        years = [int(y) for text in rows[:index] for cell in text for y in _YEAR.findall(cell)]
        return _Header(start, columns, headings, years[-1] if years else None)
    return None


def _forms_subheader(cells: list[str], below: list[str]) -> bool:
    """The header's second row: Softcopy and Hardcopy under "Bentuk informasi", and
    nothing else but the header's own cells repeated (merged over both rows)."""
    marks = {"softcopy", "soft copy", "hardcopy", "hard copy"}
    found = False
    for position, cell in enumerate(below):
        if normalised(cell) in marks:
            found = True
        elif cell and (position >= len(cells) or cell != cells[position]):
            return False
    return found


def _numbering_row(cells: list[str]) -> bool:
    """The row of column numbers under a header: 1, 2, 3… or (1), (2), (3)…"""
    values = [c.strip("() ") for c in cells if c]
    return len(values) >= 3 and all(v.isdigit() for v in values)


def _section(cells: list[str], header: _Header) -> tuple[bool, str | None]:
    """(whether the row is a heading, the category it sets, if any)."""
    texts = {
        cell
        for position, cell in enumerate(cells)
        if cell and not (header.columns.get(position) == "number" and _MARKER.fullmatch(cell))
    }
    if len(texts) != 1:
        return False, None
    written = texts.pop()
    text = normalised(written)
    marked = _SECTION_MARKER.match(written) is not None
    for category, words in SECTIONS:
        if any(word in text for word in words) and (marked or text.startswith("informasi")):
            return True, category
    # A numbered sub-heading ("1. Profil Badan Publik") is a heading; any other row is
    # information, read and checked as such (a row with one cell filled is not silently
    # skipped, nor taken for a section because its title says "berkala").
    return marked, None


class _Units:
    def __init__(self, body):
        self.body = body
        self.units = list(Unit.objects.filter(body=body).order_by("name"))
        self.by_name = {u.name: u for u in self.units}
        self.by_key = {}
        for unit in self.units:
            for text in (unit.name, unit.short_name, unit.slug):
                if text:
                    self.by_key.setdefault(normalised(text), unit)
        # Other names the administrators gave (a former name, an abbreviation); one
        # that two units share names neither.
        aliases: dict[str, set] = {}
        for name, unit_id in UnitAlias.objects.filter(unit__body=body).values_list(
            "name", "unit_id"
        ):
            aliases.setdefault(normalised(name), set()).add(unit_id)
        units = {u.pk: u for u in self.units}
        for key, unit_ids in aliases.items():
            if len(unit_ids) == 1 and key not in self.by_key:
                self.by_key[key] = units[unit_ids.pop()]

    def find(self, value: str) -> Unit | None:
        if value in self.by_name:
            return self.by_name[value]
        key = normalised(value)
        suffix = normalised(self.body.name)
        if key.endswith(suffix) and key != suffix:  # "Biro Umum, Pemerintah Provinsi …"
            key = key[: -len(suffix)].strip()
        return self.by_key.get(key)

    def suggestions(self, value: str) -> list[str]:
        names = {normalised(u.name): u.name for u in self.units}
        close = difflib.get_close_matches(normalised(value), list(names), n=3, cutoff=0.5)
        return [names[c] for c in close]


def _read_rows(sheet, header: _Header, units: _Units, default_unit, result: Plan) -> None:
    category = None
    for index in range(header.row, len(sheet.rows)):
        cells = sheet.rows[index]
        if not any(cells):
            continue
        number = index + 1
        is_heading, section = _section(cells, header)
        if is_heading:
            if section is not None:
                category = section
            else:
                text = next(c for c in cells if c)
                result.problems.append(
                    Problem(
                        sheet.name,
                        number,
                        "",
                        text,
                        _("read as a heading within the table, not as information."),
                        error=False,
                    )
                )
            continue
        values = {name: "" for name in header.headings}
        for position, name in header.columns.items():
            if position < len(cells):
                values[name] = cells[position]
        reader = _RowReader(sheet.name, number, header, result)
        fields = reader.fields(values, category, units, default_unit)
        if fields is not None:
            names = [n.strip() for n in re.split(r"[;\n]", values.get("file", "")) if n.strip()]
            result.rows.append(Row(sheet.name, number, fields, file_names=names))


class _RowReader:
    def __init__(self, sheet: str, number: int, header: _Header, result: Plan):
        self.sheet, self.number, self.header, self.result = sheet, number, header, result
        self.failed = False

    def problem(self, column: str, value: str, message: str, *, error: bool = True) -> None:
        heading = self.header.headings.get(column) or COLUMN_LABELS.get(column, column)
        problem = Problem(self.sheet, self.number, heading, value, message, error)
        self.result.problems.append(problem)
        self.failed |= error

    def fields(self, values: dict, section, units: _Units, default_unit) -> dict | None:
        title, summary = self.title_and_summary(values)
        unit = self.unit(values.get("unit", ""), units, default_unit)
        made_on, place, made_year = self.made(values.get("made", ""))
        category = self.category(values.get("category", ""), section)
        year = self.year(values.get("year", ""), made_on, made_year, title)
        soft, hard = self.forms(values)
        retention = values.get("retention", "")
        if not retention:
            self.problem("retention", "", _("The retention period is empty."))
        responsible = values.get("responsible", "")
        if not responsible:
            self.problem("responsible", "", _("The responsible official is empty."))
        if category == Category.EXEMPT:
            self.problem(
                "category",
                "",
                _(
                    "Exempt information is not imported: its classification (ground, "
                    "consequence test, who decided) is recorded in the office, item by item."
                ),
            )
        if self.failed:
            return None
        return {
            "title": title,
            "summary": summary,
            "holding_unit": unit,
            "responsible_official": responsible[:200],
            "made_on": made_on,
            "made_place": place[:120],
            "form_softcopy": soft,
            "form_hardcopy": hard,
            "retention_period": retention[:120],
            "category": category,
            "year": year,
        }

    def title_and_summary(self, values: dict) -> tuple[str, str]:
        title, summary = values.get("title", ""), values.get("summary", "")
        if not title:
            lines = [line.strip() for line in summary.splitlines() if line.strip()]
            if len(lines) > 1:
                title, summary = lines[0], "\n".join(lines[1:])
            else:
                title = summary
        if not title and not summary:
            self.problem("summary", "", _("The summary of content is empty."))
        if len(title) > TITLE_LENGTH:
            title = title[:TITLE_LENGTH].rsplit(" ", 1)[0]
        return title, summary or title

    def unit(self, value: str, units: _Units, default_unit) -> Unit | None:
        if not value:
            if default_unit is None:
                self.problem("unit", "", _("No unit is named, and no unit was given for the file."))
            return default_unit
        unit = units.find(value)
        if unit is None:
            close = units.suggestions(value)
            message = _("No unit of %(body)s has this name.") % {"body": units.body.name}
            if close:
                message += " " + _("Did you mean: %(names)s?") % {"names": "; ".join(close)}
            self.problem("unit", value, message)
        return unit

    def made(self, text: str) -> tuple[datetime.date | None, str, int | None]:
        """(date, place, year) from texts like "28 Februari 2025, Pontianak"."""
        if not text:
            return None, "", None
        day, year, found = None, None, None
        for pattern in (_ISO, _DAY_MONTH_YEAR, _NUMERIC):
            found = pattern.search(text)
            if found:
                break
        try:
            if found and found.re is _ISO:
                day = datetime.date(*(int(g) for g in found.groups()))
            elif found and found.re is _DAY_MONTH_YEAR:
                d, month, y = found.groups()
                day = datetime.date(int(y), MONTHS[month.lower()], int(d))
            elif found:
                d, m, y = found.groups()
                day = datetime.date(int(y), int(m), int(d))
        except ValueError:
            self.problem("made", text, _("This date does not exist."))
            return None, "", None
        if day is None:
            found = _MONTH_YEAR.search(text) or _YEAR.search(text)
            if found:
                year = int(found.groups()[-1])
                self.problem(
                    "made",
                    text,
                    _(
                        "Only the month or year is given: once the import is confirmed, the "
                        "entry waits in its SOP for the date."
                    ),
                    error=False,
                )
        else:
            year = day.year
        return day, _place(text, found), year

    def category(self, text: str, section) -> str | None:
        if text:
            key = normalised(text)
            for word, category in CATEGORY_WORDS.items():
                if word in key:
                    return category
            self.problem("category", text, _("This is not a DIP category."))
            return None
        if section is None:
            self.problem(
                "category",
                "",
                _("No category: the row is under no section row and has no category column."),
            )
        return section

    def year(self, text: str, made_on, made_year, title: str) -> int | None:
        if text:
            found = _YEAR.search(text)
            if found:
                return int(found.group())
            self.problem("year", text, _("This is not a year."))
            return None
        if made_year:
            return made_year
        found = _YEAR.search(title)
        if found:
            return int(found.group())
        if self.header.year:
            return self.header.year
        self.problem("year", "", _("No year: add a year column, a date or the year in the title."))
        return None

    def forms(self, values: dict) -> tuple[bool, bool]:
        if "softcopy" in values or "hardcopy" in values:
            soft = self.mark("softcopy", values.get("softcopy", ""))
            hard = self.mark("hardcopy", values.get("hardcopy", ""))
        else:
            text = normalised(values.get("forms", ""))
            soft = any(word in text for word in SOFT_WORDS)
            hard = any(word in text for word in HARD_WORDS)
        if not (soft or hard):
            self.problem(
                "forms",
                values.get("forms", ""),
                _("No form is marked: recorded as a soft copy."),
                error=False,
            )
            soft = True
        return soft, hard

    def mark(self, column: str, value: str) -> bool:
        key = value.strip().lower()
        if key in NO:
            return False
        if key not in YES:
            self.problem(column, value, _("Read as available."), error=False)
        return True


def _place(text: str, found) -> str:
    """The place in a "Waktu dan Tempat" cell: the part beside the date's, between
    commas ("Pontianak, 28 Februari 2025"), or after "di" ("5 Mei 2025 di Pontianak");
    nothing else ("Tahun 2024", "Triwulan I 2024" name no place)."""
    if found is None:
        return ""
    marked = text[: found.start()] + "\x00" + text[found.end() :]
    place = ""
    for part in (p.strip(" ;:-") for p in marked.split(",")):
        if "\x00" in part:
            after = re.search(r"\bdi\s+(.+)$", part.replace("\x00", " "), re.I)
            if after:
                return " ".join(after.group(1).split())
        elif part and not place:
            place = " ".join(part.split())
    return place


def _match_schedule(body, result: Plan) -> None:
    """The body's retention schedule (JRA) line each row's retention text names: by its
    classification code ("000.1.2") or, written out, its record type."""
    from .models import RetentionRule

    rules = list(RetentionRule.objects.filter(body=body))
    if not rules:
        return
    by_type = {normalised(rule.record_type): rule for rule in rules}
    codes = sorted(rules, key=lambda rule: -len(rule.code))  # "000.1.2" before "000.1"
    for row in result.rows:
        text = row.fields["retention_period"]
        row.retention_rule = by_type.get(normalised(text)) or next(
            (r for r in codes if re.search(rf"(?<![\w.]){re.escape(r.code)}(?![\w.])", text)),
            None,
        )


def _attach_files(result: Plan, source) -> None:
    """Each row's files: those its file-name column names, else those named by its row
    number; every file named and missing is an error, every file left over a warning."""
    numbered, used = source.numbered(), set()
    label = COLUMN_LABELS["file"]
    for row in result.rows:
        if row.file_names:
            for name in row.file_names:
                found = source.entries.get(name.rsplit("/", 1)[-1].lower(), [])
                if len(found) != 1:
                    message = (
                        _("No file of this name is among the files.")
                        if not found
                        else _("Several files have this name.")
                    )
                    result.problems.append(Problem(row.sheet, row.number, label, name, message))
                    continue
                row.files.append(found[0])
        else:
            row.files = list(numbered.get(row.number, []))
        used.update(row.files)
        if row.files and row.outcome != "new":
            result.problems.append(
                Problem(
                    row.sheet,
                    row.number,
                    label,
                    ", ".join(entry.name for entry in row.files),
                    _("Files come only with new entries: add them to this one in the office."),
                    error=False,
                )
            )
            row.files = []
    left = sorted(e.name for entries in source.entries.values() for e in entries if e not in used)
    if left:
        message = _("%(count)s files belong to no row: %(names)s.") % {
            "count": len(left),
            "names": ", ".join(left[:10]) + (" …" if len(left) > 10 else ""),
        }
        result.problems.append(Problem(result.file_name, 0, "", "", message, error=False))


def _match_existing(body, result: Plan) -> None:
    """Each row's item from an earlier import (or typed in), by unit, title and year."""
    seen: dict[tuple, Row] = {}
    for row in result.rows:
        key = (row.fields["holding_unit"].pk, normalised(row.fields["title"]), row.fields["year"])
        if key in seen:
            result.problems.append(
                Problem(
                    row.sheet,
                    row.number,
                    "",
                    row.fields["title"],
                    _("Row %(row)s has the same unit, title and year.") % {"row": seen[key].number},
                )
            )
        seen[key] = row
    if not seen:
        return
    existing = InformationItem.objects.filter(holding_unit__body=body).exclude(status="withdrawn")
    titles = {row.fields["title"] for row in result.rows}
    for item in existing.filter(title__in=titles).select_related("holding_unit"):
        row = seen.get((item.holding_unit_id, normalised(item.title), item.year))
        if row is None:
            continue
        row.item = item
        current = item.working_copy()
        row.changes = {
            name: value for name, value in row.fields.items() if getattr(current, name) != value
        }
        row.outcome = "changed" if row.changes else "unchanged"
