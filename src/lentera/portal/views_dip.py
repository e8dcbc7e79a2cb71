"""The public registers: the DIP (all bodies, one body, one unit) and the DIK."""

from dataclasses import dataclass, replace
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lentera.organizations.models import PublicBody, Unit
from lentera.register.constants import Category
from lentera.register.page_cache import public_page
from lentera.register.selectors import exempt_items, public_items

from . import selectors
from .filters import PUBLIC_CATEGORIES, RegisterFilter
from .views import catalog_structured_data

PAGE_SIZE = 50


@dataclass
class CategoryGroup:
    """The rows of one category on a page of the DIP."""

    category: str
    label: str
    rows: list


def _page(request: HttpRequest, items) -> Page:
    """One page of `items`, each numbered on from the rows of the pages before it."""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("halaman"))
    page.object_list = list(page.object_list)
    for offset, item in enumerate(page.object_list):
        item.number = page.start_index() + offset
    return page


def _page_links(page: Page, own: RegisterFilter) -> dict:
    """The previous and next page's query strings under the same filters."""
    return {
        "previous_query": own.query(halaman=page.previous_page_number())
        if page.has_previous()
        else "",
        "next_query": own.query(halaman=page.next_page_number()) if page.has_next() else "",
    }


def _register_context(
    request: HttpRequest,
    register_filter: RegisterFilter,
    items,
    choices_from,
    *,
    in_path: bool = False,
    years: list[int] | None = None,
) -> dict:
    # On a unit's page the unit is in the path, so its own links carry only the rest.
    own = replace(register_filter, unit=None, body=None) if in_path else register_filter
    page = _page(request, items)
    return {
        "filter": register_filter,
        "query": register_filter.query(),
        "page": page,
        **_page_links(page, own),
        "bodies": PublicBody.objects.order_by("name"),
        "units": [] if in_path else selectors.unit_choices(choices_from, register_filter),
        "years": selectors.year_choices(choices_from, register_filter) if years is None else years,
    }


def _dip(request: HttpRequest, unit: Unit | None = None) -> HttpResponse:
    register_filter = RegisterFilter.from_request(request, unit=unit)
    rows = selectors.dip_items(register_filter)
    context = _register_context(
        request,
        register_filter,
        rows,
        public_items(),
        in_path=unit is not None,
        years=rows.years(),
    )
    rows = context["page"].object_list
    context["groups"] = [
        CategoryGroup(category, Category(category).label, list(group))
        for category, group in groupby(rows, key=lambda item: item.category)
    ]
    context["categories"] = PUBLIC_CATEGORIES
    context["unit_page"] = unit
    context["structured_data"] = catalog_structured_data(request, rows)
    return render(request, "portal/dip.html", context)


@public_page
def dip(request: HttpRequest) -> HttpResponse:
    """The consolidated DIP of every body, or of one body, unit, category or year."""
    return _dip(request)


@public_page
def unit_dip(request: HttpRequest, unit: str) -> HttpResponse:
    """One unit's DIP at a stable address: /dip/<unit slug>/."""
    return _dip(request, get_object_or_404(Unit.objects.select_related("body"), slug=unit))


@public_page
def dik(request: HttpRequest) -> HttpResponse:
    """The Daftar Informasi yang Dikecualikan: exempt items' metadata and their grounds."""
    register_filter = replace(RegisterFilter.from_request(request), category="")
    context = _register_context(
        request, register_filter, selectors.dik_items(register_filter), exempt_items()
    )
    for item in context["page"].object_list:
        item.decision = item.decisions[0] if item.decisions else None
    return render(request, "portal/dik.html", context)
