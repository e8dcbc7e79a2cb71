"""The DIP as plain rows: the seven Perki 1/2021 columns, shared by exports and editions.

The DIP is an official Indonesian document, so its column names, category headings and
cell wording are fixed Indonesian text here, never translated: an export or an edition
reads the same whatever language its reader's browser asks for, and a frozen edition
does not depend on the language of whoever issued it.
"""

import base64
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, reduce
from operator import or_

from django.db import connections
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from lentera.errors import Unavailable
from lentera.organizations.models import Unit
from lentera.pdf import PdfFailed, html_to_pdf

from .constants import Category
from .selectors import public_versions

logger = logging.getLogger(__name__)

# The seven columns of Perki 1/2021, in the order of its table.
HEADINGS = (
    "Nomor",
    "Ringkasan isi informasi",
    "Pejabat atau unit yang menguasai informasi",
    "Penanggung jawab pembuatan atau penerbitan informasi",
    "Waktu dan tempat pembuatan informasi",
    "Bentuk informasi yang tersedia",
    "Jangka waktu penyimpanan atau retensi arsip",
)
# What the machine-readable exports add after the seven columns.
EXTRA_HEADINGS = ("Kategori", "Tahun", "Tautan")

CATEGORY_NAMES = {
    Category.PERIODIC: "Berkala",
    Category.IMMEDIATE: "Serta merta",
    Category.ON_DEMAND: "Setiap saat",
}
# Group headings of the official table (UU 14/2008 Pasal 9, 10 and 11).
CATEGORY_HEADINGS = {
    Category.PERIODIC: "Informasi yang wajib disediakan dan diumumkan secara berkala",
    Category.IMMEDIATE: "Informasi yang wajib diumumkan secara serta merta",
    Category.ON_DEMAND: "Informasi yang wajib tersedia setiap saat",
}

# The order of the DIP pages. The category codes sort alphabetically in the order of
# Pasal 9, 10 and 11 (berkala < serta_merta < setiap_saat).
DIP_ORDER = ("category", "holding_unit__body__name", "holding_unit__name", "-year", "title", "id")

ONLINE = "Softcopy (unduh daring)"
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): an officer's text such as =HYPERLINK(...) must stay text.
FORMULA_STARTS = frozenset("=+-@\t\r")


def inert(values: list) -> list:
    """CSV cells no spreadsheet evaluates: text with a formula start gets a leading
    apostrophe, which spreadsheets read as "this is text"."""
    return [
        "'" + value if type(value) is str and value[:1] in FORMULA_STARTS else value
        for value in values
    ]


ON_REQUEST = "Softcopy (tersedia atas permintaan)"
HARDCOPY = "Hardcopy"

# Fields of a row that an edition compares, with the name it shows for each.
COMPARED = {
    "title": "Judul",
    "summary": HEADINGS[1],
    "unit": HEADINGS[2],
    "body": "Badan Publik",
    "responsible": HEADINGS[3],
    "made": HEADINGS[4],
    "forms": HEADINGS[5],
    "retention": HEADINGS[6],
    "category": "Kategori",
    "year": "Tahun",
}

MONTHS = (  # Indonesian month names
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def indonesian_date(day: datetime.date) -> str:
    """`14 Februari 2025`, whatever the active language."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dip_queryset(items: QuerySet) -> QuerySet:
    """`items` (public items, already filtered) in DIP order, flagged `files_online`."""
    items = items.select_related(None).select_related("holding_unit__body")
    return with_files_online(items).order_by(*DIP_ORDER)


class DipRows:
    """The rows of a DIP in DIP order, a page at a time, without sorting the register.

    DIP order is category, body, unit, year (newest first), then title: so the rows
    fall into groups of one category, unit and year, whose counts one scan of an index
    gives (`item_dip_groups`). A page is read among the few groups it spans, in one
    query. Django's Paginator takes it like a queryset (count and slices).

    `scope` is the public items of a body or unit (or all); `category` and `year`
    narrow the rows, not the choices (`years`)."""

    def __init__(self, scope: QuerySet, *, category: str = "", year: int | None = None):
        self.scope = scope
        self.category = category
        self.year = year

    @cached_property
    def _scope_groups(self) -> list[tuple[str, int, int, int]]:
        """(category, year, rows, unit id) of the scope, in DIP order."""
        counted = list(
            self.scope.order_by()
            .values_list("category", "holding_unit", "year")
            .annotate(n=Count("pk"))
        )
        # The database orders the names (its collation, not Python's), as in the page's
        # ORDER BY; a unit's name is unique in its body, a body's name unique.
        units = Unit.objects.filter(pk__in={unit for _c, unit, _y, _n in counted})
        ordered = units.order_by("body__name", "name").values_list("pk", flat=True)
        place = {pk: n for n, pk in enumerate(ordered)}
        counted.sort(key=lambda group: (group[0], place[group[1]], -group[2]))
        return [(category, year, n, unit) for category, unit, year, n in counted]

    @cached_property
    def _groups(self) -> list[tuple[str, int, int, int]]:
        return [
            group
            for group in self._scope_groups
            if (not self.category or group[0] == self.category)
            and (self.year is None or group[1] == self.year)
        ]

    def years(self) -> list[int]:
        """The years of the scope's rows, newest first (the year filter's choices)."""
        return sorted({year for _c, year, _n, _u in self._scope_groups}, reverse=True)

    def count(self) -> int:
        return sum(n for _c, _y, n, _u in self._groups)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop
        spanned, first, seen = [], None, 0
        for category, year, n, unit in self._groups:
            if seen + n > start and (stop is None or seen < stop):
                first = seen if first is None else first
                spanned.append(Q(category=category, year=year, holding_unit=unit))
            seen += n
        if not spanned:
            return []
        rows = dip_queryset(self.scope.filter(reduce(or_, spanned)))
        return list(rows[start - first : None if stop is None else stop - first])


# What a row reads of an item, by the name row_of gives each value.
COLUMNS = {
    "id": "pk",
    "title": "title",
    "summary": "summary",
    "unit": "holding_unit__name",
    "body": "holding_unit__body__name",
    "responsible": "responsible_official",
    "made_on": "made_on",
    "made_place": "made_place",
    "files_online": "files_online",
    "form_softcopy": "form_softcopy",
    "form_hardcopy": "form_hardcopy",
    "retention": "retention_period",
    "category": "category",
    "year": "year",
}


def row_of(values: dict) -> dict:
    """One item's COLUMNS as a row of plain values (what an edition freezes)."""
    made_on = values["made_on"]
    if isinstance(made_on, str):  # SQLite's cursor gives the ISO text
        made_on = datetime.date.fromisoformat(made_on)
    made = indonesian_date(made_on) if made_on else str(values["year"])
    if values["made_place"]:
        made += f", {values['made_place']}"
    forms = []
    if values["files_online"]:
        forms.append(ONLINE)
    elif values["form_softcopy"]:
        forms.append(ON_REQUEST)
    if values["form_hardcopy"]:
        forms.append(HARDCOPY)
    return {
        "id": values["id"],
        "title": values["title"],
        "summary": values["summary"],
        "unit": values["unit"],
        "body": values["body"],
        "responsible": values["responsible"],
        "made": made,
        "forms": "; ".join(forms) or "-",
        "retention": values["retention"],
        "category": values["category"],
        "year": values["year"],
    }


def rows(items: QuerySet, *, chunk_size: int = 2000) -> Iterator[dict]:
    """The rows of `items` in DIP order, read in chunks (constant memory). The ORM
    writes the query; the cursor reads it, without a model object or a converter
    per value (a 100,000-row export spent most of its time there)."""
    query = dip_queryset(items).values_list(*COLUMNS.values()).query
    sql, params = query.sql_with_params()
    names = tuple(COLUMNS)
    # A chunked cursor: on PostgreSQL a server-side one, so the rows are not all held.
    with connections[items.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while records := cursor.fetchmany(chunk_size):
            for record in records:
                yield row_of(dict(zip(names, record, strict=True)))


def holder(row: dict, *, with_body: bool) -> str:
    return f"{row['unit']}, {row['body']}" if with_body else row["unit"]


def cells(row: dict, number: int, *, with_body: bool) -> list:
    """The seven columns of one row as an official table shows them."""
    return [
        number,
        f"{row['title']}\n{row['summary']}",
        holder(row, with_body=with_body),
        row["responsible"],
        row["made"],
        row["forms"],
        row["retention"],
    ]


def item_path(item_id: int) -> str:
    from django.urls import reverse

    return reverse("portal:item", args=[item_id])


def item_links(site: str) -> Callable[[int], str]:
    """id -> the absolute address of the item's page, with reverse() called once, not
    once per row of an export."""
    marker = 987654321
    before, after = item_path(marker).split(str(marker))
    return lambda item_id: f"{site}{before}{item_id}{after}"


def grouped(rows: Iterable[dict]) -> list[dict]:
    """Rows (already in DIP order) numbered and grouped under their category heading."""
    groups: list[dict] = []
    for number, row in enumerate(rows, start=1):
        if not groups or groups[-1]["category"] != row["category"]:
            category = row["category"]
            groups.append(
                {
                    "category": category,
                    "heading": CATEGORY_HEADINGS.get(category, category),
                    "rows": [],
                }
            )
        groups[-1]["rows"].append({"number": number, **row})
    return groups


PDF_TEMPLATE = "portal/dip_pdf.html"


def _logo_data_uri(body) -> str:
    """The body's logo inside the page (the PDF's child fetches nothing else): a PNG
    or JPEG, as checked when it was uploaded."""
    if body is None or not body.logo:
        return ""
    kind = "png" if body.logo.name.endswith(".png") else "jpeg"
    try:
        with body.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("the logo of %s cannot be read", body.slug)
        return ""
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def render_pdf(
    rows: Iterable[dict],
    *,
    body=None,
    unit=None,
    filters: str = "",
    edition=None,
    site: str = "",
    today: datetime.date | None = None,
    timeout: float | None = None,
) -> bytes:
    """The official DIP table (A4 landscape) as PDF bytes; `edition` adds its decree.
    `timeout`: seconds WeasyPrint may take (lentera.pdf's default when not given)."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    today = today or timezone.localdate()
    name = body.name if body else "Seluruh Badan Publik"
    if edition is not None:
        footer = f"Penetapan DIP {name} · Keputusan Nomor {edition.decree_number}"
    else:
        footer = f"Daftar Informasi Publik {name} · keadaan per {indonesian_date(today)}"
    html = render_to_string(
        PDF_TEMPLATE,
        {
            "headings": HEADINGS,
            "groups": grouped(rows),
            "body": body,
            "unit": unit,
            "with_body": body is None,
            "filters": filters,
            "edition": edition,
            "decided_on": indonesian_date(edition.decided_on) if edition else "",
            "today": indonesian_date(today),
            "footer": footer,
            "site": site.rstrip("/"),
            "logo": _logo_data_uri(body),
        },
    )
    try:
        return html_to_pdf(html, timeout)
    except PdfFailed as exc:
        logger.error("%s", exc)
        raise Unavailable(
            _("The PDF could not be made just now. Try again in a few minutes.")
        ) from exc


def with_files_online(items: QuerySet) -> QuerySet:
    """Annotate items with `files_online`: how many of their documents have a public version."""
    online = (
        public_versions()
        .filter(document__item=OuterRef("pk"))
        .order_by()
        .values("document__item")
        .annotate(n=Count("document", distinct=True))
        .values("n")
    )
    return items.annotate(files_online=Coalesce(Subquery(online, output_field=IntegerField()), 0))
