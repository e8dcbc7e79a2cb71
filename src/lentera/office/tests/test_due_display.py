"""Due and overdue work in the work queue and on the item page; the portal's last update."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lentera.deadlines.constants import TimeZone
from lentera.deadlines.models import Calendar
from lentera.register.constants import Category, Status
from lentera.register.models import InformationItem
from lentera.testing import BANGKA, PONTIANAK, build_preset_world, new_item

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


def at(text: str, tz=WIB) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def get(client, url, when: datetime.datetime) -> str:
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def queue_row(html: str, title: str) -> str:
    queue = re.search(r'<table id="queue"[^>]*>(.*?)</table>', html, re.S)[1]
    return next(row for row in queue.split("<tr>") if title in row)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def ptk(db):
    """Kota Pontianak; its step 1 (1 working day) is performed by the PPID Utama."""
    world = build_preset_world(PONTIANAK)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):  # a Monday
        world.item = new_item(world)
    return world


def test_work_queue_shows_when_the_step_is_due(ptk, en):
    en.force_login(ptk.main_officer)
    row = text(queue_row(get(en, reverse("office:my-work"), at("2026-03-03 09:00")), "LKjIP"))
    assert "due 3 Mar 2026 16:00 WIB" in row
    assert "Overdue" not in row


def test_work_queue_marks_overdue_work_in_words(ptk, en):
    en.force_login(ptk.main_officer)
    html = get(en, reverse("office:my-work"), at("2026-03-05 10:00"))
    row = queue_row(html, "LKjIP")
    assert '<strong class="overdue-mark">Overdue</strong>' in row
    assert "late by 1 day, 18 hours" in text(row)
    assert "due 3 Mar 2026 16:00 WIB" in text(row)


def test_due_time_is_shown_in_the_bodys_time_zone(db, en):
    world = build_preset_world(PONTIANAK)
    Calendar.objects.create(body=world.body, time_zone=TimeZone.WITA)
    with time_machine.travel(at("2026-03-02 10:00", WITA), tick=False):
        item = new_item(world)
    assert item.step_due_at == at("2026-03-03 16:00", WITA)
    en.force_login(world.main_officer)
    row = text(queue_row(get(en, reverse("office:my-work"), at("2026-03-02 11:00")), "LKjIP"))
    assert "due 3 Mar 2026 16:00 WITA" in row  # not 15:00 WIB, the server's zone


def test_tentative_step_shows_the_age_of_the_work(db, en):
    world = build_preset_world(BANGKA)  # every step of seed 004 is tentative
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        new_item(world)
    en.force_login(world.officer)
    row = text(queue_row(get(en, reverse("office:my-work"), at("2026-03-04 12:00")), "LKjIP"))
    assert "No time standard" in row
    assert "waiting for 2 days, 2 hours" in row
    assert "Overdue" not in row and "due " not in row


def test_item_page_shows_the_current_steps_due_time(ptk, en):
    en.force_login(ptk.main_officer)
    url = reverse("office:item", args=[ptk.item.pk])
    due = re.search(r'<p id="step-due">(.*?)</p>', get(en, url, at("2026-03-03 15:00")), re.S)[1]
    assert text(due) == "Step 1: due 3 Mar 2026 16:00 WIB"
    due = re.search(r'<p id="step-due">(.*?)</p>', get(en, url, at("2026-03-04 08:30")), re.S)[1]
    assert text(due) == "Step 1: Overdue · due 3 Mar 2026 16:00 WIB late by 16 hours, 30 minutes"


def test_item_out_of_its_sop_shows_no_due_time(ptk, en):
    InformationItem.objects.filter(pk=ptk.item.pk).update(
        current_step=None, step_due_at=None, status=Status.DOCUMENTED
    )
    en.force_login(ptk.main_officer)
    html = get(en, reverse("office:item", args=[ptk.item.pk]), at("2026-03-05 10:00"))
    assert 'id="step-due"' not in html


def test_work_queue_due_times_cost_no_query_per_item(ptk, en):
    en.force_login(ptk.main_officer)
    url = reverse("office:my-work")
    get(en, url, at("2026-03-03 09:00"))  # the session and its user are loaded once
    with CaptureQueriesContext(connection) as one:
        get(en, url, at("2026-03-03 09:00"))
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        for n in range(4):
            new_item(ptk, title=f"Laporan Bulanan {n + 1}")
    with CaptureQueriesContext(connection) as five:
        html = get(en, url, at("2026-03-05 10:00"))
    assert len(five.captured_queries) == len(one.captured_queries)
    queue = re.search(r'<table id="queue"[^>]*>(.*?)</table>', html, re.S)[1]
    assert queue.count('<strong class="overdue-mark">Overdue</strong>') == 5


def test_portal_shows_the_last_update_and_the_berkala_interval(ptk, en):
    InformationItem.objects.filter(pk=ptk.item.pk).update(
        status=Status.PUBLISHED,
        current_step=None,
        category=Category.PERIODIC,
        published_at=at("2026-02-14 09:30"),
        update_interval_months=6,
    )
    html = get(en, reverse("portal:item", args=[ptk.item.pk]), at("2026-03-05 10:00"))
    assert "Last updated" in html
    assert text(re.search(r'<dd id="last-updated">(.*?)</dd>', html, re.S)[1]) == "14 February 2026"
    assert text(re.search(r'<dd id="update-interval">(.*?)</dd>', html, re.S)[1]) == (
        "Updated every 6 months"
    )


def test_portal_shows_no_interval_for_other_categories(ptk, en):
    InformationItem.objects.filter(pk=ptk.item.pk).update(
        status=Status.PUBLISHED,
        current_step=None,
        category=Category.ON_DEMAND,
        published_at=at("2026-02-14 09:30"),
    )
    html = get(en, reverse("portal:item", args=[ptk.item.pk]), at("2026-03-05 10:00"))
    assert 'id="last-updated"' in html and 'id="update-interval"' not in html


def test_last_updated_and_next_update_are_one_date_everywhere(ptk, en):
    """Published in January, listed again after an update in April: the public page, the
    office's item page and the dashboard give the same two dates."""
    InformationItem.objects.filter(pk=ptk.item.pk).update(
        status=Status.PUBLISHED,
        current_step=None,
        category=Category.PERIODIC,
        published_at=at("2026-01-10 09:30"),
        listed_at=at("2026-04-24 14:00"),
        update_interval_months=6,
    )
    when = at("2026-11-05 10:00")
    public = get(en, reverse("portal:item", args=[ptk.item.pk]), when)
    en.force_login(ptk.main_officer)
    office = get(en, reverse("office:item", args=[ptk.item.pk]), when)
    board = get(en, reverse("office:dashboard"), when)
    stale = text(re.search(r'<table id="stale"[^>]*>(.*?)</table>', board, re.S)[1])
    for html in (public, office):
        assert (
            text(re.search(r'<dd id="last-updated">(.*?)</dd>', html, re.S)[1]) == "24 April 2026"
        )
        assert text(re.search(r'<dd id="next-update">(.*?)</dd>', html, re.S)[1]) == (
            "24 October 2026"
        )
    assert "24 April 2026" in stale and "24 October 2026" in stale and "10 January" not in stale


def test_a_wita_body_names_the_same_day_on_every_page(ptk, en):
    """Listed at 23:30 WIB, which is already the next day in Makassar: a body on WITA
    time sees that next day on the public page, its office and its dashboard."""
    Calendar.objects.create(body=ptk.body, time_zone=TimeZone.WITA)
    InformationItem.objects.filter(pk=ptk.item.pk).update(
        status=Status.PUBLISHED,
        current_step=None,
        category=Category.PERIODIC,
        published_at=at("2026-04-23 23:30"),
        listed_at=at("2026-04-23 23:30"),
        update_interval_months=6,
    )
    when = at("2026-11-05 10:00")
    public = get(en, reverse("portal:item", args=[ptk.item.pk]), when)
    en.force_login(ptk.main_officer)
    office = get(en, reverse("office:item", args=[ptk.item.pk]), when)
    board = get(en, reverse("office:dashboard"), when)
    stale = text(re.search(r'<table id="stale"[^>]*>(.*?)</table>', board, re.S)[1])
    for html in (public, office):
        assert text(re.search(r'<dd id="last-updated">(.*?)</dd>', html, re.S)[1]) == (
            "24 April 2026"
        )
        assert text(re.search(r'<dd id="next-update">(.*?)</dd>', html, re.S)[1]) == (
            "24 October 2026"
        )
    assert "24 April 2026" in stale and "23 April" not in stale
