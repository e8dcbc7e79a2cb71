"""The calendar page: members see their body's working days and days off, with reasons."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from lentera.deadlines.models import Calendar, CalendarDay
from lentera.testing import BANGKA, PONTIANAK, build_preset_world

URL = reverse("office:calendar")


@pytest.fixture
def world(db):
    world = build_preset_world(PONTIANAK)
    CalendarDay.objects.create(
        body=world.body, date=datetime.date(2026, 10, 23), name="Hari Jadi Kota Pontianak"
    )
    CalendarDay.objects.create(
        body=world.body, date=datetime.date(2026, 12, 24), day_off=False, name="Tetap masuk"
    )
    return world


@pytest.fixture
def june_2026():
    moment = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    with time_machine.travel(moment, tick=False):
        yield


def rows(page) -> dict[str, object]:
    return {day.date.isoformat(): day for day in page.context["days"]}


def test_members_see_nyepi_and_the_bodys_corrections_of_the_current_year(client, world, june_2026):
    client.force_login(world.officer)
    page = client.get(URL)
    assert page.status_code == 200 and page.context["year"] == 2026
    days = rows(page)
    assert days["2026-03-19"].name == "Hari Suci Nyepi"
    assert days["2026-03-19"].source == "national"
    assert days["2026-10-23"].source == "added"
    assert days["2026-12-24"].source == "worked"
    assert days["2026-12-24"].national_name == "Cuti Bersama Hari Raya Natal"
    html = page.text
    assert '<tr id="day-2026-03-19" class="national">' in html
    assert "Hari Suci Nyepi" in html and "Hari Jadi Kota Pontianak" in html
    assert '<tr id="day-2026-10-23" class="added">' in html
    assert '<tr id="day-2026-12-24" class="worked">' in html
    assert "Tetap masuk" in html and "Cuti Bersama Hari Raya Natal" in html
    assert 'id="estimates"' not in html  # 2026 is decided: no estimate


def test_the_year_switch_shows_2027_with_its_estimates(client, world, june_2026):
    client.force_login(world.main_officer)
    page = client.get(URL, {"tahun": "2027"})
    assert page.context["year"] == 2027
    days = rows(page)
    assert days["2027-03-08"].name == "Hari Suci Nyepi"
    assert "2026-10-23" not in days and "2026-03-19" not in days
    assert days["2027-03-10"].estimate and days["2027-03-10"].name.endswith("(perkiraan)")
    html = page.text
    assert '<tr id="day-2027-03-10" class="national estimate">' in html
    assert 'id="estimates"' in html
    assert 'href="?tahun=2026"' in html and 'href="?tahun=2028"' in html

    assert client.get(URL, {"tahun": "tahun-depan"}).context["year"] == 2026


def test_working_week_office_hours_and_time_zone_are_shown(client, world, june_2026):
    Calendar.objects.create(
        body=world.body,
        working_weekdays=[0, 1, 2, 3, 4, 5],
        opens_at=datetime.time(7, 30),
        closes_at=datetime.time(15, 30),
        time_zone="Asia/Makassar",
    )
    client.force_login(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL)
    html = page.text
    assert "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday" in html
    assert "07:30–15:30" in html and "WITA (Asia/Makassar)" in html
    assert "A week is five working days." in html
    # A Saturday holiday is a day off here anyway; a Sunday one falls on a rest day.
    assert not rows(page)["2026-03-21"].rest_day and rows(page)["2026-03-22"].rest_day


def test_without_national_holidays_only_the_bodys_days_are_listed(client, world, june_2026):
    Calendar.objects.create(body=world.body, national_holidays=False)
    client.force_login(world.officer)
    days = rows(client.get(URL))
    assert list(days) == ["2026-10-23", "2026-12-24"]


def test_outsiders_get_nothing(client, world):
    assert client.get(URL).status_code == 302  # not logged in: to the login page
    client.force_login(world.outsider)
    assert client.get(URL).status_code == 404

    bangka = build_preset_world(BANGKA)
    client.force_login(bangka.officer)
    assert client.get(URL).context["body"] == bangka.body
    assert client.get(URL, {"badan": world.body.slug}).status_code == 404
