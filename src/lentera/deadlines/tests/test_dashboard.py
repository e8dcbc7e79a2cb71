"""The compliance dashboard: figures per step and per unit from hand-made step timings,
only ever of the bodies the reader belongs to."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from lentera.core.demo import load_demo
from lentera.deadlines.constants import Outcome
from lentera.deadlines.models import StepTiming
from lentera.deadlines.selectors import compliance
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register.constants import Category, Status
from lentera.register.models import InformationItem
from lentera.sop.constants import TimeUnit
from lentera.testing import BANGKA, PONTIANAK, build_preset_world, make_user, new_item

WIB = ZoneInfo("Asia/Jakarta")
# A Tuesday; no holiday falls between 2 and 10 March 2026.
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=WIB)
SINCE = NOW - datetime.timedelta(days=30)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=WIB)


def timing(item, number, unit, entered, due=None, left=None, outcome=""):
    return StepTiming.objects.create(
        item=item,
        body_id=item.holding_unit.body_id,
        step=item.sop.steps.get(number=number),
        unit=unit,
        entered_at=at(entered),
        due_at=at(due) if due else None,
        left_at=at(left) if left else None,
        outcome=outcome,
    )


@pytest.fixture
def ptk(db):
    """Kota Pontianak (seed 000: 1 working day for steps 1, 2, 4 and 5, 10 for step 3)
    with hand-made timings in place of the ones the engine recorded."""
    world = build_preset_world(PONTIANAK)
    first, second = new_item(world), new_item(world, title="Profil Dinas Sosial 2025")
    StepTiming.objects.all().delete()
    main, unit = world.main, world.unit
    done = Outcome.COMPLETED
    # Step 1, by the PPID Utama: on time (2 office hours), late (1020 office minutes),
    # returned on time (4 office hours); a withdrawal and old work do not count.
    timing(first, 1, main, "2026-03-02 09:00", "2026-03-03 16:00", "2026-03-02 11:00", done)
    timing(second, 1, main, "2026-03-03 09:00", "2026-03-04 16:00", "2026-03-05 10:00", done)
    timing(first, 1, main, "2026-03-04 08:00", "2026-03-05 16:00", "2026-03-04 12:00", "returned")
    timing(second, 1, main, "2026-03-05 08:00", "2026-03-06 16:00", "2026-03-09 12:00", "withdrawn")
    timing(first, 1, main, "2026-01-05 08:00", "2026-01-06 16:00", "2026-01-09 08:00", done)
    # Waiting now: step 3 at the unit, not due yet; step 4 at the PPID Utama, overdue.
    timing(first, 3, unit, "2026-03-09 09:00", "2026-03-23 16:00")
    timing(second, 4, main, "2026-03-02 09:00", "2026-03-03 16:00")
    return world


def row(rows, number):
    return next(r for r in rows if r.number == number)


def test_figures_per_step_from_hand_made_timings(ptk):
    board = compliance(ptk.body, ptk.main_officer, since=SINCE, now=NOW)
    step_1 = row(board.steps, 1)
    assert (step_1.time_amount, step_1.time_unit) == (1, TimeUnit.WORKING_DAYS)
    assert (step_1.finished, step_1.with_due, step_1.on_time) == (3, 3, 2)
    assert step_1.on_time_percent == 67
    assert step_1.median_office_minutes == 240  # of 120, 1020 and 240
    assert step_1.median_elapsed == datetime.timedelta(hours=4)  # of 2 h, 49 h and 4 h
    assert (step_1.waiting, step_1.overdue) == (0, 0)
    assert (row(board.steps, 3).waiting, row(board.steps, 3).overdue) == (1, 0)
    assert (row(board.steps, 4).waiting, row(board.steps, 4).overdue) == (1, 1)
    # Every step of the SOP has its row, with or without work.
    assert [r.number for r in board.steps] == [1, 2, 3, 4, 5]
    assert row(board.steps, 2).finished == 0 and row(board.steps, 2).on_time_share is None


def test_reading_the_figures_leaves_the_connections_own_moments(ptk):
    # compliance() reads finished timings with psycopg's own loader on PostgreSQL:
    # on that cursor only, never on the connection the rest of the request uses.
    def zone() -> type:
        return type(StepTiming.objects.order_by("pk").first().entered_at.tzinfo)

    before = zone()
    board = compliance(ptk.body, ptk.main_officer, since=SINCE, now=NOW)
    assert sum(s.finished for s in board.steps) > 0
    assert zone() is before


def test_figures_per_unit(ptk):
    board = compliance(ptk.body, ptk.main_officer, since=SINCE, now=NOW)
    units = {u.label: u for u in board.units}
    main, unit = units[ptk.main.name], units[ptk.unit.name]
    assert (main.finished, main.on_time, main.waiting, main.overdue) == (3, 2, 1, 1)
    assert (unit.finished, unit.waiting, unit.overdue) == (0, 1, 0)
    assert unit.on_time_share is None


def test_overdue_list_says_how_late_in_office_time(ptk):
    board = compliance(ptk.body, ptk.main_officer, since=SINCE, now=NOW)
    assert board.overdue_total == 1 and board.overdue_hidden == 0
    (late,) = board.overdue
    assert late.timing.step.number == 4 and late.timing.item.title == "Profil Dinas Sosial 2025"
    # 4, 5, 6 and 9 March whole (4 x 480) and 10 March 08:00-12:00.
    assert late.late_office_minutes == 4 * 480 + 240
    assert late.late_by == NOW - at("2026-03-03 16:00")


def test_overdue_work_of_units_the_reader_cannot_open_is_only_counted(ptk):
    board = compliance(ptk.body, ptk.other_officer, since=SINCE, now=NOW)
    assert board.overdue == [] and board.overdue_hidden == 1
    assert row(board.steps, 4).overdue == 1  # the figures cover the whole body


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def dashboard(client, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("office:dashboard"), params)


def test_dashboard_page_shows_charts_as_svg_with_the_same_figures_in_tables(ptk, en):
    en.force_login(ptk.main_officer)
    response = dashboard(en, periode=30)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 2  # one SOP's steps, and the units
    chart = re.search(r'<figure class="chart" id="chart-sop-1">(.*?)</figure>', html, re.S)[1]
    assert 'role="img"' in chart and 'aria-labelledby="chart-sop-1-title chart-sop-1-desc"' in chart
    assert "67% on time (2 of 3)" in re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.S)[1]
    assert 'width="201.0"' in chart  # 67% of the 300 units of a full bar
    table = re.search(r'<table class="step-figures[^"]*">(.*?)</table>', html, re.S)[1]
    step_1 = re.search(r'<tr data-step="1">(.*?)</tr>', table, re.S)[1]
    assert "67% on time (2 of 3)" in step_1
    assert "0.5 working days" in step_1  # 240 office minutes of an 8-hour day
    figures = dashboard(en, periode=30, tabel="langkah").content.decode("utf-8-sig")
    assert ",240," in figures.splitlines()[1]  # the minutes themselves, in the CSV
    overdue = re.search(r'<table id="overdue"[^>]*>(.*?)</table>', html, re.S)[1]
    assert "Profil Dinas Sosial 2025" in overdue and "Overdue" in overdue
    assert "3 Mar 2026 16:00 WIB" in overdue
    assert "4.5 working days of office time" in overdue


def test_period_filter_counts_work_by_its_arrival(ptk, en):
    en.force_login(ptk.main_officer)
    timing(
        InformationItem.objects.first(),
        2,
        ptk.main,
        "2026-01-26 09:00",
        "2026-01-27 16:00",
        "2026-01-26 10:00",
        Outcome.COMPLETED,
    )
    last_30 = dashboard(en, periode=30).context["board"]
    last_90 = dashboard(en, periode=90).context["board"]
    assert row(last_30.steps, 2).finished == 0
    assert row(last_90.steps, 2).finished == 1 and row(last_90.steps, 2).on_time == 1
    assert row(last_90.steps, 1).finished == 4  # the January timing of step 1 too
    assert dashboard(en, periode="abc").context["days"] == 90


def test_another_bodys_dashboard_is_never_shown(ptk, en):
    bangka = build_preset_world(BANGKA)
    secret = new_item(bangka, title="Rencana Kerja Rahasia Dinkes Bangka")
    en.force_login(ptk.main_officer)
    response = dashboard(en)
    assert response.context["body"] == ptk.body
    assert secret.title not in response.content.decode()
    assert bangka.body.name not in response.content.decode()
    assert dashboard(en, badan=bangka.body.slug).status_code == 404
    assert dashboard(en, badan="no-such-body").status_code == 404
    # Bangka's item waits at its first step; Pontianak's figures do not count it.
    assert StepTiming.objects.filter(item=secret, left_at__isnull=True).exists()
    board = compliance(ptk.body, ptk.main_officer, since=SINCE, now=NOW)
    assert {r.sop_name for r in board.steps} == {ptk.sop.name}
    assert sum(r.waiting for r in board.steps) == sum(u.waiting for u in board.units) == 2


def test_outsider_sees_an_empty_page(ptk, en):
    en.force_login(ptk.outsider)
    response = dashboard(en)
    assert response.status_code == 200 and response.context["body"] is None
    assert 'id="no-body"' in response.content.decode()
    assert "<svg" not in response.content.decode()
    assert dashboard(en, badan=ptk.body.slug).status_code == 404


def test_login_is_needed(ptk, client):
    response = client.get(reverse("office:dashboard"))
    assert response.status_code == 302 and reverse("office:login") in response["Location"]


def test_member_of_two_bodies_picks_one(ptk, en):
    bangka = build_preset_world(BANGKA)
    both = make_user("auditor.dua.badan", ptk.main, Role.REVIEWER)
    Membership.objects.create(user=both, unit=bangka.main, role=Role.REVIEWER)
    en.force_login(both)
    default = dashboard(en)
    assert {b.slug for b in default.context["bodies"]} == {ptk.body.slug, bangka.body.slug}
    assert f'value="{bangka.body.slug}"' in default.content.decode()
    picked = dashboard(en, badan=bangka.body.slug)
    assert picked.context["body"] == bangka.body
    assert {r.sop_name for r in picked.context["board"].steps} == {bangka.sop.name}


def test_stale_berkala_items_are_listed(ptk, en):
    stale = InformationItem.objects.get(title="Profil Dinas Sosial 2025")
    InformationItem.objects.filter(pk=stale.pk).update(
        category=Category.PERIODIC,
        status=Status.PUBLISHED,
        current_step=None,
        published_at=at("2025-08-01 10:00"),
        listed_at=at("2025-08-01 10:00"),
    )
    en.force_login(ptk.main_officer)
    html = dashboard(en).content.decode()
    table = re.search(r'<table id="stale"[^>]*>(.*?)</table>', html, re.S)[1]
    assert stale.title in table and "1 August 2025" in table and "1 February 2026" in table


def test_the_stale_list_shows_the_least_recently_updated_and_says_more_are(ptk, en, monkeypatch):
    monkeypatch.setattr("lentera.office.views_dashboard.STALE_SHOWN", 1)
    older, newer = (
        new_item(ptk, title=title) for title in ("Profil Lama 2024", "Profil Baru 2025")
    )
    for item, listed in ((older, "2025-03-01 10:00"), (newer, "2025-08-01 10:00")):
        InformationItem.objects.filter(pk=item.pk).update(
            category=Category.PERIODIC,
            status=Status.PUBLISHED,
            current_step=None,
            published_at=at(listed),
            listed_at=at(listed),
        )
    en.force_login(ptk.main_officer)
    html = dashboard(en).content.decode()
    table = re.search(r'<table id="stale"[^>]*>(.*?)</table>', html, re.S)[1]
    assert older.title in table and newer.title not in table
    assert 'id="stale-more"' in html
    monkeypatch.setattr("lentera.office.views_dashboard.STALE_SHOWN", 50)
    assert 'id="stale-more"' not in dashboard(en).content.decode()


def test_the_demo_dashboard_shows_on_time_shares_per_step(db, en):
    load_demo()
    en.force_login(get_user_model().objects.get(username="kepala.ppid.ptk"))
    response = en.get(reverse("office:dashboard"), {"badan": "kota-pontianak"})
    assert response.status_code == 200
    board = response.context["board"]
    measured = [r for r in board.steps if r.on_time_share is not None]
    assert len(measured) == 5  # every step of seed 000 has a time standard
    assert all(r.finished >= 3 for r in measured)
    # Realistic: some steps are finished late, and none takes no time at all.
    assert any(r.on_time_share < 1 for r in measured)
    assert all(r.median_office_minutes > 0 for r in measured)
    assert response.content.decode().count("% on time (") >= 2 * len(measured)  # chart + table
    demo_overdue = StepTiming.objects.filter(
        left_at__isnull=True, due_at__lt=response.context["board"].now
    )
    assert demo_overdue.count() >= 2
    assert response.context["stale"]  # some published berkala information is due an update


@pytest.mark.parametrize("table", ["terlambat", "langkah", "unit", "berkala"])
def test_each_dashboard_table_comes_as_csv(ptk, en, table):
    import csv
    import io

    stale = InformationItem.objects.get(title="Profil Dinas Sosial 2025")
    InformationItem.objects.filter(pk=stale.pk).update(
        title="=HYPERLINK(\"http://x\")", category=Category.PERIODIC, status=Status.PUBLISHED,
        current_step=None, published_at=at("2025-08-01 10:00"), listed_at=at("2025-08-01 10:00"),
    )  # fmt: skip
    en.force_login(ptk.main_officer)
    page = dashboard(en).content.decode()
    assert f"tabel={table}" in page
    response = dashboard(en, tabel=table)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) >= 4
    if table == "langkah":
        assert len(rows) - 1 == len(dashboard(en).context["board"].steps) > 0
    if table == "berkala":
        assert rows[1][0] == '\'=HYPERLINK("http://x")'  # text, never a formula
        assert rows[1][2] == "2025-08-01"


def test_the_dashboard_csv_is_for_members_only(client, ptk):
    response = client.get(reverse("office:dashboard"), {"tabel": "unit"})
    assert response.status_code == 302  # to the login
    client.force_login(make_user("warga.biasa"))
    response = client.get(reverse("office:dashboard"), {"tabel": "unit"})
    assert response["Content-Type"].startswith("text/html")  # no body, no figures
