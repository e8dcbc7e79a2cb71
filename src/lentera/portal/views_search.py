"""/cari/: full-text search over the public DIP."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from lentera.organizations.models import PublicBody, Unit
from lentera.register.constants import Category
from lentera.register.dip_table import item_links
from lentera.register.page_cache import public_page
from lentera.search import SearchQuery
from lentera.search import search as run_search
from lentera.search.engine import COUNT_LIMIT
from lentera.search.text import FILE_TYPES

from .filters import RegisterFilter

PAGE_SIZE = 20


@public_page
def search(request):
    where = RegisterFilter.from_request(request)
    text = request.GET.get("q", "").strip()[:200]
    sort = "date" if request.GET.get("urut") == "terbaru" or not text else "relevance"
    file_type = request.GET.get("berkas", "")
    file_type = file_type if file_type in FILE_TYPES else ""
    number = request.GET.get("halaman", "1")
    number = int(number) if number.isdigit() and 0 < int(number) < 10_000 else 1
    number = max(1, min(number, COUNT_LIMIT // PAGE_SIZE))  # the results listed stop there
    offset = (number - 1) * PAGE_SIZE
    result = run_search(
        SearchQuery(
            text=text,
            body_id=where.body.pk if where.body else None,
            unit_id=where.unit.pk if where.unit else None,
            category=where.category,
            year=where.year,
            file_type=file_type,
            sort=sort,
            offset=offset,
            limit=PAGE_SIZE,
        )
    )
    page = Paginator(range(result.total), PAGE_SIZE).get_page(number)
    units = Unit.objects.select_related("body").in_bulk(
        [unit_id for unit_id, _count in result.facets.get("unit", [])]
        + [hit.unit_id for hit in result.hits]
    )
    bodies = PublicBody.objects.in_bulk([b for b, _count in result.facets.get("body", [])])
    labels = dict(Category.choices)
    base = where.params(q=text, berkas=file_type, urut="terbaru" if sort == "date" and text else "")
    return render(
        request,
        "portal/search.html",
        {
            "q": text,
            "where": where,
            "sort": sort,
            "file_type": file_type,
            "result": result,
            "hits": _hits(result.hits, units, labels),
            "page": page,
            "pages": _pager(page, base),
            "facets": _facets(result.facets, bodies, units, labels, base),
            "limit": COUNT_LIMIT,
            "title": _("Search: %(q)s") % {"q": text} if text else _("Search"),
        },
    )


def _hits(hits, units, labels) -> list[dict]:
    """Hits as the template draws them, each value made once here: a template's lookups,
    links and date filters cost several times as much per hit."""
    link = item_links("")
    rows = []
    for hit in hits:
        unit = units.get(hit.unit_id)
        listed = timezone.localtime(hit.listed_at)
        holder = f"{unit.name}, {unit.body.name}" if unit else ""
        rows.append(
            {
                "href": link(hit.item_id),
                "title_html": hit.title_html,
                "snippet": hit.snippet,
                "about": f"{labels.get(hit.category, hit.category)} · {holder} · {hit.year}",
                "iso": listed.isoformat(),
                "day": f"{listed.day} {MONTHS[listed.month]} {listed.year}",
            }
        )
    return rows


def _pager(page, base) -> dict:
    """The previous and next pages' addresses, with the search's own parameters."""

    def href(number):
        return "?" + urlencode({**base, "halaman": number})

    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
    }


def _facets(facets, bodies, units, labels, base) -> list[dict]:
    """Facet groups as the template draws them: a link that adds (or removes) a filter."""

    def link(param, value):
        params = dict(base)
        params.pop("halaman", None)
        if str(params.get(param, "")) == str(value):
            params.pop(param)  # a chosen value links to "without it"
            chosen = True
        else:
            params[param] = value
            chosen = False
        return "?" + urlencode(params), chosen

    groups = []
    for name, label, param, show in (
        ("category", _("Category"), "kategori", lambda v: labels.get(v, v)),
        ("body", _("Public body"), "badan", lambda v: bodies[v].name if v in bodies else v),
        ("unit", _("Unit"), "unit", lambda v: units[v].name if v in units else v),
        ("year", _("Year"), "tahun", str),
        ("file_type", _("File type"), "berkas", lambda v: v.upper()),
    ):
        values = []
        for value, count in facets.get(name, [])[:15]:
            key = value
            if name == "unit" and value in units:
                key = units[value].slug
            elif name == "body" and value in bodies:
                key = bodies[value].slug
            href, chosen = link(param, key)
            values.append({"label": show(value), "count": count, "href": href, "chosen": chosen})
        if values:
            groups.append({"label": label, "values": values})
    return groups
