"""How offices write a DIP sheet: the headings of its columns and their variants, the
section rows that set a category, the marks for a form available, and the date and
place a "Waktu dan Tempat" cell holds (register.dip_import reads sheets with these)."""

import datetime
import re
from dataclasses import dataclass

from .constants import Category
from .dip_table import HEADINGS
from .dip_table import MONTHS as MONTH_NAMES

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
    (
        "ground",
        (
            "dasar pengecualian",
            "dasar hukum pengecualian",
            "alasan pengecualian",
            "alasan dikecualikan",
            "pasal pengecualian",
            "pasal 17",
        ),
    ),
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
    "ground": "Dasar Pengecualian",
}
NUMBER_HEADINGS = {"no", "nomor", "no urut", "nomor urut"}
# The words that name a category, compared with the spaces taken out ("di kecualikan",
# "pengecualian" and "dikecualikan" are all exempt); exempt is looked for first.
SECTIONS = (
    (Category.EXEMPT, ("kecuali",)),
    (Category.IMMEDIATE, ("sertamerta",)),
    (Category.ON_DEMAND, ("setiapsaat",)),
    (Category.PERIODIC, ("berkala",)),
)


def category_named(text: str):
    """The category a heading or a category cell names, if any."""
    compact = normalised(text).replace(" ", "")
    for category, words in SECTIONS:
        if any(word in compact for word in words):
            return category
    return None


YES = {"ada", "ya", "y", "v", "x", "√", "✓", "✔", "tersedia", "1", "true"}
NO = {"", "-", "–", "—", "tidak", "tidak ada", "0", "false", "n"}
SOFT_WORDS = ("soft", "elektronik", "digital", "unduh", "daring", "online", "pdf")
HARD_WORDS = ("hard", "cetak", "fisik", "print")
# Each month's full name (as the DIP's own dates write it) and the short forms offices use.
_SHORT_MONTHS = (
    ("jan",),
    ("pebruari", "feb", "peb"),
    ("mar",),
    ("apr",),
    (),
    ("jun",),
    ("jul",),
    ("agu", "agt", "agust", "ags"),
    ("sep", "sept"),
    ("okt",),
    ("nov", "nop", "nopember"),
    ("des",),
)
MONTHS = {
    name: number
    for number, (full, short) in enumerate(zip(MONTH_NAMES, _SHORT_MONTHS, strict=True), 1)
    for name in (full.lower(), *short)
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# ASCII only: "ſ" (long s) must not pass for an "s" of a month's name.
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I | re.A)
MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.I | re.A)
NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
MARKER = re.compile(r"[A-Za-z0-9]{1,4}[.)]?")  # a row's number or a section's letter
_SECTIONMARKER = re.compile(r"\s*([A-Z]|[IVX]{1,4}|\d{1,2}|[a-z])[.)]\s")
_TOP_MARKER = re.compile(r"\s*(?:[A-Z]|[IVX]{1,4})[.)]\s")  # "A." or "II.": a section
HEADER_SEARCH_ROWS = 40
# An exemption ground of UU 14/2008 Pasal 17: "Pasal 17 huruf h", "Pasal 17 ayat (1)
# huruf (c)", "17.h" opening the cell; "huruf b dan c" in a cell naming no other
# article; or a letter alone or opening the cell ("h. rahasia pribadi"). Further letters
# joined by "," "dan" "&" "serta" are grounds too. A cell is read up to GROUND_CHARS.
GROUND_CHARS = 500
_LETTER = r"\(?([a-j])\)?(?![a-z0-9])"
_MORE = r"((?:\s*(?:,\s*dan\b|,|\bdan\b|&|\bserta\b)\s*(?:huruf\s*)?\(?[a-j]\)?(?![a-z0-9]))*)"
_PASAL_17 = re.compile(
    r"(?:\bpasal\s*|^\s*)17\b[\s.]*(?:ayat\s*\(?\d+\)?[\s.]*)?(?:(?:huruf|hrf)[\s.]*)?"
    + _LETTER
    + _MORE,
    re.I | re.A,
)
_HURUF = re.compile(r"\bhuruf\s*" + _LETTER + _MORE, re.I | re.A)  # where no article is named
_OTHER_ARTICLE = re.compile(r"\bpasal\b", re.I)
_OPENING = re.compile(r"^\s*\(?([a-j])[.)]\s+()", re.I | re.A)
_ALONE = re.compile(r"^\s*\(?([a-j])\)?\.?\s*()$", re.I | re.A)


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


@dataclass
class Header:
    row: int  # index of the first data row
    columns: dict[int, str]  # cell index -> column name
    headings: dict[str, str]  # column name -> heading as written
    year: int | None  # a year the title rows above name


def find_header(rows: list[list[str]]) -> Header | None:
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
        years = [int(y) for text in rows[:index] for cell in text for y in YEAR.findall(cell)]
        return Header(start, columns, headings, years[-1] if years else None)
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


def section(cells: list[str], header: Header) -> tuple[bool, str | None, bool]:
    """(whether the row is a heading, the category it sets if any, whether it is a
    section of the table's own rank, "A." or "II.", which must name a category)."""
    texts = {
        cell
        for position, cell in enumerate(cells)
        if cell and not (header.columns.get(position) == "number" and MARKER.fullmatch(cell))
    }
    if len(texts) != 1:
        return False, None, False
    written = texts.pop()
    marked = _SECTIONMARKER.match(written) is not None
    category = category_named(written)
    if category is not None and (marked or normalised(written).startswith("informasi")):
        return True, category, True
    # A numbered sub-heading ("1. Profil Badan Publik") is a heading; any other row is
    # information, read and checked as such (a row with one cell filled is not silently
    # skipped, nor taken for a section because its title says "berkala").
    return marked, None, _TOP_MARKER.match(written) is not None


def exemption_grounds(text: str) -> list[str]:
    """The letters of UU 14/2008 Pasal 17 that a cell names, in its order."""
    text = text[:GROUND_CHARS]
    # "huruf c" counts only in a cell naming no article (it may be Pasal 6's).
    huruf = () if _OTHER_ARTICLE.search(text) else (_HURUF,)
    for pattern in (_PASAL_17, *huruf, _OPENING, _ALONE):
        found = pattern.search(text)
        if found is not None:
            more = re.findall(r"(?<![a-z])" + _LETTER, found.group(2), re.I | re.A)
            return list(dict.fromkeys(letter.lower() for letter in (found.group(1), *more)))
    return []


def read_made(text: str) -> tuple[datetime.date | None, str, int | None, str]:
    """(date, place, year, reading) of a "Waktu dan Tempat" cell such as "28 Februari
    2025, Pontianak"; reading is "" (as written), "partial" (only a month or a year),
    "impossible" (a date that does not exist) or "none" (no date at all)."""
    if not text:
        return None, "", None, ""
    found = ISO.search(text) or DAY_MONTH_YEAR.search(text) or NUMERIC.search(text)
    try:
        if found and found.re is ISO:
            day = datetime.date(*(int(g) for g in found.groups()))
        elif found and found.re is DAY_MONTH_YEAR:
            d, month, y = found.groups()
            day = datetime.date(int(y), MONTHS[month.lower()], int(d))
        elif found:
            d, m, y = found.groups()
            day = datetime.date(int(y), int(m), int(d))
        else:
            day = None
    except ValueError:
        return None, "", None, "impossible"
    if day is not None:
        return day, place(text, found), day.year, ""
    found = MONTH_YEAR.search(text) or YEAR.search(text)
    if found is None:
        return None, "", None, "none"
    return None, place(text, found), int(found.groups()[-1]), "partial"


def place(text: str, found) -> str:
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
