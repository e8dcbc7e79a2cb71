"""DipRows reads any page of the DIP among the groups it spans: the same rows, in the
same order, as sorting the whole register would give (issue 20)."""

import itertools
import random

import pytest

from lentera.organizations.models import PublicBody, Unit
from lentera.register.constants import Category, Status
from lentera.register.dip_table import DipRows, dip_queryset
from lentera.register.models import InformationItem
from lentera.register.selectors import filter_register, public_items
from lentera.testing import item_fields


@pytest.fixture
def register(world):
    """53 items over 7 units of 2 bodies, 4 categories (one exempt), 3 years, with
    repeated titles, and items in progress, withdrawn and only documented among them."""
    other = PublicBody.objects.create(name="Pemerintah Kabupaten Sambas", slug="sambas")
    units = [
        world.unit,
        world.other_unit,
        Unit.objects.create(body=other, name="Dinas Kesehatan", slug="dinkes-sambas"),
        Unit.objects.create(body=other, name="Bappeda", slug="bappeda-sambas"),
        Unit.objects.create(body=world.body, name="Aaa Unit Pertama", slug="aaa"),
        # Names whose order depends on the database's collation (case, spaces,
        # punctuation): the database's order rules, as in the page's ORDER BY.
        Unit.objects.create(body=other, name="bappeda (lama)", slug="bappeda-lama"),
        Unit.objects.create(body=other, name="Dinas-Kesehatan Hewan", slug="keswan"),
    ]
    rng = random.Random(20)
    categories = [Category.PERIODIC, Category.IMMEDIATE, Category.ON_DEMAND, Category.EXEMPT]
    for n in range(53):
        fields = item_fields(
            rng.choice(units),
            title=rng.choice(["Laporan Keuangan", "Renstra", "Data Aset", f"Profil {n}"]),
            category=rng.choice(categories),
            year=rng.choice([2023, 2024, 2025]),
        )
        status = (
            [Status.IN_PROGRESS, Status.WITHDRAWN, Status.DOCUMENTED][n % 3]
            if n % 7 == 0
            else Status.PUBLISHED
        )
        InformationItem.objects.create(
            **fields, status=status, sop=world.body.sop, created_by=world.officer
        )
    return {"units": units, "body": world.body}


def ids(rows) -> list[int]:
    return [item.pk for item in rows]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scope, category, year",
    [
        ({}, "", None),
        ({}, Category.ON_DEMAND, None),
        ({}, "", 2024),
        ({}, Category.PERIODIC, 2025),
        ({"body": "body"}, "", None),
        ({"unit": 0}, Category.IMMEDIATE, None),
        ({}, Category.PERIODIC, 1999),  # nothing
    ],
)
def test_every_page_equals_the_sorted_register(register, scope, category, year):
    narrowed = {
        name: register["units"][value] if name == "unit" else register[value]
        for name, value in scope.items()
    }
    scoped = filter_register(public_items(), **narrowed)
    expected = ids(dip_queryset(filter_register(scoped, category=category, year=year)))
    rows = DipRows(scoped, category=category, year=year)
    assert rows.count() == len(expected)
    for size in (1, 4, 7, 50):
        for start in range(0, len(expected) + size, size):
            assert ids(rows[start : start + size]) == expected[start : start + size]
    assert ids(rows[0:None]) == expected
    years = sorted(set(scoped.values_list("year", flat=True)), reverse=True)
    assert rows.years() == years


@pytest.mark.django_db
def test_no_exempt_or_unlisted_item_is_ever_a_row(register):
    rows = DipRows(public_items())
    shown = set(ids(rows[0:1000]))
    hidden = InformationItem.objects.filter(
        status__in=[Status.IN_PROGRESS, Status.WITHDRAWN]
    ) | InformationItem.objects.filter(category=Category.EXEMPT)
    assert shown and not shown & set(hidden.values_list("pk", flat=True))
    assert list(itertools.chain(rows[0:3], rows[3:6])) == rows[0:6]
