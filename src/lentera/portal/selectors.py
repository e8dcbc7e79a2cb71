"""Read queries for the public register pages: the DIP, the DIK, an item, the home page."""

import datetime
from dataclasses import replace

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from lentera.organizations.models import PublicBody, Unit
from lentera.register.constants import Category
from lentera.register.dip_table import DipRows
from lentera.register.models import ClassificationDecision, InformationItem
from lentera.register.selectors import exempt_items, public_counts, public_items

from .filters import RegisterFilter

# The home page's serta merta banner shows immediate information listed this recently.
SERTA_MERTA_DAYS = 30
SERTA_MERTA_LIMIT = 5
RECENT_LIMIT = 8

# One stable order, so a URL always shows the same rows (the DIP's is shared with exports).
DIK_ORDER = ("holding_unit__body__name", "holding_unit__name", "-year", "title", "id")


def dip_items(register_filter: RegisterFilter) -> DipRows:
    """The DIP rows a filter selects, in the published order, with `files_online`,
    a page at a time; its `years()` are the year filter's choices."""
    scope = replace(register_filter, category="", year=None).apply(public_items())
    return DipRows(
        scope.defer("pending_changes"),
        category=register_filter.category,
        year=register_filter.year,
    )


def dik_items(register_filter: RegisterFilter) -> QuerySet[InformationItem]:
    """The DIK rows a filter selects; each item's decisions newest first in `decisions`.

    Only the columns the DIK shows are loaded: never the summary, never the files."""
    decisions = ClassificationDecision.objects.only(
        "item_id", "ground", "statute", "decree_number", "decided_on", "exempt_until"
    ).order_by("-decided_on", "-id")
    # A category filter means nothing for the DIK: every row is exempt.
    items = replace(register_filter, category="").apply(exempt_items())
    return (
        items.select_related(None)
        .select_related("holding_unit__body")
        .defer("summary", "pending_changes")
        .prefetch_related(Prefetch("classifications", decisions, to_attr="decisions"))
        .order_by(*DIK_ORDER)
    )


def year_choices(items: QuerySet[InformationItem], register_filter: RegisterFilter) -> list[int]:
    """The years of the listed items within the filter's body or unit, newest first."""
    scoped = replace(register_filter, category="", year=None).apply(items)
    return list(scoped.order_by("-year").values_list("year", flat=True).distinct())


def unit_choices(items: QuerySet[InformationItem], register_filter: RegisterFilter) -> list[Unit]:
    """Units holding listed items (within the filter's body), for the unit filter."""
    holding = items.filter(holding_unit=OuterRef("pk"))
    units = Unit.objects.filter(Exists(holding)).select_related("body")
    if register_filter.body is not None:
        units = units.filter(body=register_filter.body)
    return list(units.order_by("body__name", "name"))


def bodies_with_counts() -> list[PublicBody]:
    """Every public body with `entries`, the number of its DIP entries."""
    counts = public_counts("holding_unit__body")
    bodies = list(PublicBody.objects.order_by("name"))
    for body in bodies:
        body.entries = counts.get(body.pk, 0)
    return bodies


def _entries() -> QuerySet[InformationItem]:
    """Public items with the unit and body a short listing shows."""
    return public_items().select_related(None).select_related("holding_unit__body")


def recently_listed(limit: int = RECENT_LIMIT) -> QuerySet[InformationItem]:
    """The DIP entries that changed last, newest first."""
    # Through the (listed_at, id) index: no sort of the whole register.
    return _entries().filter(listed_at__isnull=False).order_by("-listed_at", "-id")[:limit]


def serta_merta_banner(now: datetime.datetime | None = None) -> list[InformationItem]:
    """Immediate (serta merta) information listed within SERTA_MERTA_DAYS, newest first."""
    since = (now or timezone.now()) - datetime.timedelta(days=SERTA_MERTA_DAYS)
    items = _entries().filter(category=Category.IMMEDIATE, listed_at__gte=since)
    return list(items.order_by("-listed_at", "-id")[:SERTA_MERTA_LIMIT])
