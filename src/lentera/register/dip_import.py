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

from . import dip_layout as layout
from . import sheets
from .constants import Category
from .models import InformationItem

logger = logging.getLogger(__name__)

TITLE_LENGTH = 300
OUTCOMES = {
    "new": gettext_lazy("new"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
}


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
    by_number: bool = False  # its sheet has no file-name column: files go by row number
    files: list = field(default_factory=list)  # import_files.Entry, to attach
    ground: str = ""  # an exempt row's ground: a letter of UU 14/2008 Pasal 17
    ground_text: str = ""  # and the cell that names it

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
        header = layout.find_header(sheet.rows)
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
                % {"rows": layout.HEADER_SEARCH_ROWS},
            )
        )
    _match_existing(body, result)
    _match_schedule(body, result)
    if files is not None:
        _attach_files(result, files)
    return result


class _Units:
    def __init__(self, body):
        self.body = body
        self.units = list(Unit.objects.filter(body=body).order_by("name"))
        self.by_name = {u.name: u for u in self.units}
        self.by_key = {}
        for unit in self.units:
            for text in (unit.name, unit.short_name, unit.slug):
                if text:
                    self.by_key.setdefault(layout.normalised(text), unit)
        # Other names the administrators gave (a former name, an abbreviation); one
        # that two units share names neither.
        aliases: dict[str, set] = {}
        for name, unit_id in UnitAlias.objects.filter(unit__body=body).values_list(
            "name", "unit_id"
        ):
            aliases.setdefault(layout.normalised(name), set()).add(unit_id)
        units = {u.pk: u for u in self.units}
        for key, unit_ids in aliases.items():
            if len(unit_ids) == 1 and key not in self.by_key:
                self.by_key[key] = units[unit_ids.pop()]

    def find(self, value: str) -> Unit | None:
        if value in self.by_name:
            return self.by_name[value]
        key = layout.normalised(value)
        suffix = layout.normalised(self.body.name)
        if key.endswith(suffix) and key != suffix:  # "Biro Umum, Pemerintah Provinsi …"
            key = key[: -len(suffix)].strip()
        return self.by_key.get(key)

    def suggestions(self, value: str) -> list[str]:
        names = {layout.normalised(u.name): u.name for u in self.units}
        close = difflib.get_close_matches(layout.normalised(value), list(names), n=3, cutoff=0.5)
        return [names[c] for c in close]


def _read_rows(sheet, header: layout.Header, units: _Units, default_unit, result: Plan) -> None:
    category = None
    for index in range(header.row, len(sheet.rows)):
        cells = sheet.rows[index]
        if not any(cells):
            continue
        number = index + 1
        is_heading, section, top = layout.section(cells, header)
        if is_heading:
            if section is not None:
                category = section
                continue
            text = next(c for c in cells if c)
            if top:
                # A section of its own rank names no category: the rows below belong to
                # none (never to the section above, which may be public).
                category = None
                message = _(
                    "This section names no DIP category (berkala, serta merta, setiap saat, "
                    "dikecualikan): correct it, or give each row below its category."
                )
            else:
                message = _("read as a heading within the table, not as information.")
            result.problems.append(Problem(sheet.name, number, "", text, message, error=top))
            continue
        values = {name: "" for name in header.headings}
        for position, name in header.columns.items():
            if position < len(cells):
                values[name] = cells[position]
        reader = _RowReader(sheet.name, number, header, result)
        fields = reader.fields(values, category, units, default_unit)
        if fields is not None:
            names = [n.strip() for n in re.split(r"[;\n]", values.get("file", "")) if n.strip()]
            by_number = "file" not in header.headings
            row = Row(sheet.name, number, fields, file_names=names, by_number=by_number)
            row.ground, row.ground_text = reader.ground
            result.rows.append(row)


class _RowReader:
    def __init__(self, sheet: str, number: int, header: layout.Header, result: Plan):
        self.sheet, self.number, self.header, self.result = sheet, number, header, result
        self.failed = False
        self.ground: tuple[str, str] = ("", "")  # (Pasal 17 letter, the cell as written)

    def problem(self, column: str, value: str, message: str, *, error: bool = True) -> None:
        heading = self.header.headings.get(column) or layout.COLUMN_LABELS.get(column, column)
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
        self.exemption(values.get("ground", ""), category)
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

    def exemption(self, text: str, category) -> None:
        """An exempt row's ground (UU 14/2008 Pasal 17); a row of any other category
        names none. The Penetapan Klasifikasi itself is recorded in the entry's SOP."""
        if text.strip().lower() in layout.NO:  # "-": no ground, as on a public row
            text = ""
        grounds = layout.exemption_grounds(text)
        if category == Category.EXEMPT:
            if not grounds:
                message = _(
                    "Exempt information is imported only with its exemption ground "
                    '(UU 14/2008 Pasal 17, letters a to j, e.g. "Pasal 17 huruf h") in a '
                    'column such as "Dasar Pengecualian".'
                )
                self.problem("ground", text, message)
                return
            if len(grounds) > 1:
                message = _(
                    "Several grounds are named: the decision is recorded with the first "
                    "(Pasal 17 huruf %(ground)s), the text kept as the statute relied on."
                ) % {"ground": grounds[0]}
                self.problem("ground", text, message, error=False)
            self.ground = (grounds[0], text[:2000])
        elif text and category is not None:
            message = _(
                "An exemption ground is named, but the row is not exempt information: "
                "put it under the exempt section, or clear the ground."
            )
            self.problem("ground", text, message)

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
        day, place, year, reading = layout.read_made(text)
        if reading == "impossible":
            self.problem("made", text, _("This date does not exist."))
        elif reading == "partial":
            message = _(
                "Only the month or year is given: once the import is confirmed, the entry "
                "waits in its SOP for the date."
            )
            self.problem("made", text, message, error=False)
        return day, place, year

    def category(self, text: str, section) -> str | None:
        if text:
            category = layout.category_named(text)
            if category is None:
                self.problem("category", text, _("This is not a DIP category."))
            elif (
                section is not None
                and category != section
                and Category.EXEMPT
                in (
                    category,
                    section,
                )
            ):
                # Exempt or public: the sheet says both; nothing is guessed.
                message = _(
                    "The category column says %(column)s, the section above says %(section)s."
                ) % {"column": Category(category).label, "section": Category(section).label}
                self.problem("category", text, message)
                return None
            return category
        if section is None:
            self.problem(
                "category",
                "",
                _("No category: the row is under no section row and has no category column."),
            )
        return section

    def year(self, text: str, made_on, made_year, title: str) -> int | None:
        if text:
            found = layout.YEAR.search(text)
            if found:
                return int(found.group())
            self.problem("year", text, _("This is not a year."))
            return None
        if made_year:
            return made_year
        found = layout.YEAR.search(title)
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
            text = layout.normalised(values.get("forms", ""))
            soft = any(word in text for word in layout.SOFT_WORDS)
            hard = any(word in text for word in layout.HARD_WORDS)
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
        if key in layout.NO:
            return False
        if key not in layout.YES:
            self.problem(column, value, _("Read as available."), error=False)
        return True


def _match_schedule(body, result: Plan) -> None:
    """The body's retention schedule (JRA) line each row's retention text names: by its
    classification code ("000.1.2") or, written out, its record type."""
    from .models import RetentionRule

    rules = list(RetentionRule.objects.filter(body=body))
    if not rules:
        return
    by_type = {layout.normalised(rule.record_type): rule for rule in rules}
    # "000.1.2" before "000.1"; only codes that cannot be a plain number ("5 tahun")
    codes = sorted(
        (r for r in rules if re.search(r"\d[./]\d|[A-Za-z]", r.code)), key=lambda r: -len(r.code)
    )
    for row in result.rows:
        text = row.fields["retention_period"]
        row.retention_rule = by_type.get(layout.normalised(text)) or next(
            (r for r in codes if re.search(rf"(?<![\w.]){re.escape(r.code)}(?![\w.])", text)),
            None,
        )


def _attach_files(result: Plan, source) -> None:
    """Each row's files: those its file-name column names or, in a sheet without that
    column, those its row number names ("8.pdf"). A named file missing, a file for two
    rows, or numbered files with rows on several sheets are errors; files for no row a
    warning."""
    from .import_files import key

    label = layout.COLUMN_LABELS["file"]
    numbered = source.numbered()
    if numbered and len({row.sheet for row in result.rows if row.by_number}) > 1:
        message = _(
            "Files named by row number need a single sheet: add a file-name column instead."
        )
        result.problems.append(Problem(result.file_name, 0, "", "", message))
        numbered = {}
    owner: dict = {}  # file -> the row it went to
    for row in result.rows:
        if row.by_number:
            row.files = list(numbered.get(row.number, []))
        for name in row.file_names:
            found = source.entries.get(key(name.replace("\\", "/").rsplit("/", 1)[-1]), [])
            if len(found) != 1:
                message = (
                    _("No file of this name is among the files.")
                    if not found
                    else _("Several files have this name.")
                )
                result.problems.append(Problem(row.sheet, row.number, label, name, message))
                continue
            row.files.append(found[0])
        for entry in row.files:
            if entry in owner and owner[entry] is not row:
                message = _("This file is also row %(row)s's.") % {"row": owner[entry].number}
                result.problems.append(Problem(row.sheet, row.number, label, entry.name, message))
            owner[entry] = row
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
    left = sorted(e.name for entries in source.entries.values() for e in entries if e not in owner)
    if left:
        message = _("%(count)s files belong to no row: %(names)s.") % {
            "count": len(left),
            "names": ", ".join(left[:10]) + (" …" if len(left) > 10 else ""),
        }
        result.problems.append(Problem(result.file_name, 0, "", "", message, error=False))


def _key(unit_id: int, title: str, year) -> tuple:
    """How an entry is known again: its unit, title and year."""
    return (unit_id, layout.normalised(title), year)


def _row_key(row: Row) -> tuple:
    return _key(row.fields["holding_unit"].pk, row.fields["title"], row.fields["year"])


def _existing(body, titles):
    return (
        InformationItem.objects.filter(holding_unit__body=body, title__in=titles)
        .exclude(status="withdrawn")
        .select_related("holding_unit")
    )


def imported_meanwhile(plan: Plan) -> list[Row]:
    """The new rows of `plan` whose entry exists by now (the same sheet saved twice at
    once): the caller holds the body's lock."""
    new = {_row_key(row): row for row in plan.rows if row.outcome == "new"}
    if not new:
        return []
    titles = {row.fields["title"] for row in new.values()}
    found = {
        _key(item.holding_unit_id, item.title, item.year) for item in _existing(plan.body, titles)
    }
    return [row for key, row in new.items() if key in found]


def _match_existing(body, result: Plan) -> None:
    """Each row's item from an earlier import (or typed in), by unit, title and year."""
    seen: dict[tuple, Row] = {}
    for row in result.rows:
        key = _row_key(row)
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
    titles = {row.fields["title"] for row in result.rows}
    for item in _existing(body, titles):
        row = seen.get(_key(item.holding_unit_id, item.title, item.year))
        if row is None:
            continue
        row.item = item
        current = item.working_copy()
        row.changes = {
            name: value for name, value in row.fields.items() if getattr(current, name) != value
        }
        row.outcome = "changed" if row.changes else "unchanged"
