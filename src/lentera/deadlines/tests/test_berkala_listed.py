"""The berkala reminder counts from when an item was last listed in the DIP: documented
items (an SOP without a publish step) are reminded as published ones are."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lentera.deadlines import notify
from lentera.deadlines.constants import Kind
from lentera.deadlines.models import Notification
from lentera.register.constants import Category, Status
from lentera.register.models import InformationItem
from lentera.register.workflow import reopen, withdraw
from lentera.testing import BIRO_KESRA, PONTIANAK, build_preset_world, new_item, walk_item

from .conftest import at

pytestmark = pytest.mark.django_db


def run_at(text: str) -> dict:
    with time_machine.travel(at(text), tick=False):
        return notify.run()


@pytest.fixture
def kesra():
    return build_preset_world(BIRO_KESRA)  # seed 002: no publish step


@pytest.fixture
def documented(kesra):
    """A berkala item documented on Monday 2 March 2026, never published."""
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = walk_item(kesra, new_item(kesra))
    assert item.status == Status.DOCUMENTED and item.category == Category.PERIODIC
    assert item.published_at is None and item.listed_at == at("2026-03-02 10:00")
    return item


def test_a_documented_berkala_item_past_its_interval_reminds_its_unit(kesra, documented):
    officers = 2  # seed 002: the PPID Pelaksana and the Petugas Dokumentasi
    assert run_at("2026-09-01 23:00")["berkala"] == 0
    assert run_at("2026-09-02 00:30")["berkala"] == officers
    assert run_at("2026-09-03 09:00")["berkala"] == 0  # once per period
    reminder = Notification.objects.get(kind=Kind.BERKALA, user=kesra.officer)
    assert reminder.user == kesra.officer
    assert reminder.item == documented
    assert reminder.key == f"berkala:{documented.pk}:2026-09-02"
    assert "2 Maret 2026" in reminder.body and "2 September 2026" in reminder.body


def test_a_documented_berkala_item_is_stale_for_the_dashboard(kesra, documented):
    today = datetime.date(2026, 9, 2)
    assert list(notify.stale_berkala_items(kesra.body, today)) == [documented]
    assert list(notify.stale_berkala_items(kesra.officer, today)) == [documented]
    assert list(notify.stale_berkala_items(kesra.body, today - datetime.timedelta(days=1))) == []
    (stale,) = notify.stale_berkala_items(kesra.body, today)
    assert stale.last_listed_at == at("2026-03-02 10:00")
    assert notify.refresh_due_on(stale) == today


def test_an_update_restarts_the_period_from_the_new_listing(kesra, documented):
    with time_machine.travel(at("2026-08-20 09:00"), tick=False):
        reopen(documented, kesra.officer, "Pembaruan semester")
    assert list(notify.stale_berkala_items(kesra.body, datetime.date(2026, 9, 2))) == []
    with time_machine.travel(at("2026-09-10 09:00"), tick=False):
        updated = walk_item(kesra, documented)
    assert updated.status == Status.DOCUMENTED and updated.listed_at == at("2026-09-10 09:00")
    assert run_at("2027-03-09 10:00")["berkala"] == 0
    assert run_at("2027-03-10 10:00")["berkala"] == 2  # both officers of the bagian
    assert Notification.objects.get(kind=Kind.BERKALA, user=kesra.officer).key == (
        f"berkala:{documented.pk}:2027-03-10"
    )


def test_a_withdrawn_berkala_item_is_not_reminded(kesra, documented):
    withdraw(documented, kesra.approver, "Ditarik dari DIP")
    assert list(notify.stale_berkala_items(kesra.body, datetime.date(2027, 1, 1))) == []


def test_a_published_item_listed_before_listed_at_counts_from_its_publication():
    ptk = build_preset_world(PONTIANAK)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = walk_item(ptk, new_item(ptk))
    InformationItem.objects.filter(pk=item.pk).update(listed_at=None)
    # Upgrading fills listed_at in: the stale list walks it through an index.
    fill = importlib.import_module("lentera.register.migrations.0014_office_indexes")
    fill.fill_listed_at(django_apps, None)
    assert item.status == Status.PUBLISHED
    assert list(notify.stale_berkala_items(ptk.body, datetime.date(2026, 9, 2))) == [item]
    assert list(notify.stale_berkala_items(ptk.body, datetime.date(2026, 9, 1))) == []


def test_stale_items_are_read_in_the_same_queries_however_many_there_are(kesra, documented):
    def stale_and_queries() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            found = len(notify.stale_berkala_items(kesra.body, datetime.date(2026, 9, 2)))
        items = [q["sql"] for q in queries if 'FROM "register_informationitem"' in q["sql"]]
        return found, items

    found, before = stale_and_queries()
    assert found == 1
    # The items themselves, every interval in one statement (besides the calendar).
    assert len(before) == 1
    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        for n in range(3):
            walk_item(kesra, new_item(kesra, title=f"Laporan Keuangan Triwulan {n + 1}"))
    InformationItem.objects.filter(title__startswith="Laporan Keuangan").update(
        update_interval_months=3
    )
    found, after = stale_and_queries()
    assert found == 4 and len(after) == 1
