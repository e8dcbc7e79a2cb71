"""Minutes and hours are handling times (issue 13): seed 003's input step (1 menit) and
seed 002's steps (1 jam) count from when a performer opens the work to when it is
finished; the wait before the opening is shown apart and is never lateness."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lentera.api.tests.helpers import ITEMS, client_for, post_json
from lentera.deadlines import notify
from lentera.deadlines.constants import Kind, Outcome
from lentera.deadlines.models import CalendarDay, Notification, StepTiming
from lentera.deadlines.selectors import compliance
from lentera.deadlines.services import mark_opened, recompute_open_due_times
from lentera.office.views_dashboard import office_duration
from lentera.organizations.constants import Role
from lentera.register.selectors import office_items
from lentera.register.workflow import return_to_step
from lentera.sop.constants import TimeUnit
from lentera.testing import (
    BIRO_KESRA,
    DISKOMINFO,
    build_preset_world,
    make_user,
    meet_requirements,
    new_item,
    walk_item,
)

from .conftest import at

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:00 WIB; no holiday falls between 2 and 10 March 2026.
ARRIVED = "2026-03-02 10:00"
THREE_DAYS_LATER = "2026-03-05 10:00"  # Thursday: three working days of waiting
SINCE = at("2026-02-01 00:00")
NOW = at("2026-03-06 12:00")
OFFICE_DAY = 8 * 60  # office minutes of a day, 08:00 to 16:00


def item_page(client, item, moment: str):
    with time_machine.travel(at(moment), tick=False):
        response = client.get(reverse("office:item", args=[item.pk]))
    assert response.status_code == 200
    return response


def open_timing(item) -> StepTiming:
    return StepTiming.objects.select_related("step").get(item=item, left_at__isnull=True)


def step_row(board, sop, number):
    return next(r for r in board.steps if r.sop_name == sop.name and r.number == number)


@pytest.fixture
def kalbar():
    """Seed 003 (Dinas Kesehatan, Prov. Kalbar): step 2, the input, is 1 menit."""
    return build_preset_world(DISKOMINFO)


def at_input_step(world, title="Rencana Strategis Dinas Kesehatan 2025-2029"):
    """An item of seed 003 that arrived at its input step (2) on Monday at 10:00."""
    with time_machine.travel(at(ARRIVED), tick=False):
        item = walk_item(world, new_item(world, title=title), until=2)
    assert (item.current_step.time_amount, item.current_step.time_unit) == (1, TimeUnit.MINUTES)
    return item


def handled(world, item, opened: str, finished: str):
    """The unit's officer opens the item in the office at `opened` and completes the
    input step at `finished`."""
    officer = Client()
    officer.force_login(world.officer)
    item_page(officer, item, opened)
    with time_machine.travel(at(finished), tick=False):
        return walk_item(world, item, until=3)


# The rule


def test_input_step_that_waited_three_days_and_took_40_seconds_is_on_time(kalbar):
    item = at_input_step(kalbar)
    assert item.step_due_at is None  # waiting for its performer: no due time yet
    handled(kalbar, item, THREE_DAYS_LATER, "2026-03-05 10:00:40")
    timing = StepTiming.objects.get(item=item, step__number=2)
    assert timing.opened_at == at(THREE_DAYS_LATER) and timing.opened_by == kalbar.officer
    assert timing.due_at == at("2026-03-05 10:01") and timing.on_time is True

    board = compliance(kalbar.body, kalbar.main_officer, since=SINCE, now=NOW)
    row = step_row(board, kalbar.sop, 2)
    assert row.handling and (row.finished, row.with_due, row.on_time) == (1, 1, 1)
    assert row.median_waiting_minutes == 3 * OFFICE_DAY
    assert row.median_handling_minutes == pytest.approx(40 / 60)
    # The whole stay is still shown as time taken, but is not what makes it late.
    assert row.median_office_minutes == 3 * OFFICE_DAY


def test_input_step_handled_in_five_minutes_is_late_by_its_handling(kalbar):
    item = at_input_step(kalbar)
    handled(kalbar, item, THREE_DAYS_LATER, "2026-03-05 10:05")
    timing = StepTiming.objects.get(item=item, step__number=2)
    assert timing.on_time is False

    row = step_row(compliance(kalbar.body, kalbar.main_officer, SINCE, NOW), kalbar.sop, 2)
    assert (row.finished, row.with_due, row.on_time) == (1, 1, 0)
    assert row.median_handling_minutes == 5
    assert row.median_waiting_minutes == 3 * OFFICE_DAY


def test_an_hour_step_of_seed_002_opened_and_finished_within_the_hour_is_on_time():
    kesra = build_preset_world(BIRO_KESRA)  # seed 002: 1 jam per step
    with time_machine.travel(at(ARRIVED), tick=False):
        item = new_item(kesra)
    assert (item.current_step.time_amount, item.current_step.time_unit) == (1, TimeUnit.HOURS)
    assert item.step_due_at is None
    two_days_later = "2026-03-04 10:00"
    performer = kesra.performer(item.current_step)
    with time_machine.travel(at(two_days_later), tick=False):
        assert mark_opened(office_items(performer).get(pk=item.pk), performer)
    item.refresh_from_db()
    assert item.step_due_at == at("2026-03-04 11:00")
    with time_machine.travel(at("2026-03-04 10:45"), tick=False):
        walk_item(kesra, item, until=2)

    timing = StepTiming.objects.get(item=item, step__number=1)
    assert timing.on_time is True
    row = step_row(compliance(kesra.body, kesra.main_officer, SINCE, NOW), kesra.sop, 1)
    assert (row.with_due, row.on_time) == (1, 1)
    assert row.median_handling_minutes == 45
    assert row.median_waiting_minutes == 2 * OFFICE_DAY


def test_steps_in_working_days_keep_counting_from_arrival(kalbar):
    item = at_input_step(kalbar)
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        item = walk_item(kalbar, item, until=3)  # step 3: Kepala PPID, 1 minggu
    assert item.step_due_at == at("2026-03-09 16:00")
    with time_machine.travel(at("2026-03-03 09:00"), tick=False):
        assert mark_opened(office_items(kalbar.approver).get(pk=item.pk), kalbar.approver)
    timing = open_timing(item)
    assert timing.opened_at == at("2026-03-03 09:00")
    assert timing.due_at == at("2026-03-09 16:00")  # unchanged by the opening
    row = step_row(compliance(kalbar.body, kalbar.main_officer, SINCE, NOW), kalbar.sop, 3)
    assert not row.handling


# Opening in the office


def test_the_performers_first_visit_of_the_item_page_records_the_opening_once(kalbar, client):
    item = at_input_step(kalbar)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # The Kepala PPID may read the item but does not perform the input step.
    client.force_login(kalbar.approver)
    page = item_page(client, item, "2026-03-03 09:00").content.decode()
    timing = open_timing(item)
    assert timing.opened_at is None and timing.opened_by is None and timing.due_at is None
    due = " ".join(
        re.sub(r"<[^>]+>", " ", re.search(r'id="step-due">(.*?)</p>', page, re.S)[1]).split()
    )
    assert "Not opened yet (1 minute from opening)" in due and "Overdue" not in due

    client.force_login(kalbar.officer)
    page = item_page(client, item, "2026-03-03 09:30").content.decode()
    timing = open_timing(item)
    assert timing.opened_at == at("2026-03-03 09:30") and timing.opened_by == kalbar.officer
    assert timing.due_at == at("2026-03-03 09:31")
    item.refresh_from_db()
    assert item.step_due_at == timing.due_at
    assert "due 3 Mar 2026 09:31 WIB" in page

    # Opening it again, later, changes nothing.
    page = item_page(client, item, "2026-03-03 11:00").content.decode()
    again = open_timing(item)
    assert (again.opened_at, again.opened_by, again.due_at) == (
        timing.opened_at,
        timing.opened_by,
        timing.due_at,
    )
    assert "late by" in page  # opened at 09:30 with 1 minute: now it is late


def test_an_opening_already_recorded_costs_one_query(kalbar, django_assert_num_queries):
    item = at_input_step(kalbar)
    item = office_items(kalbar.officer).get(pk=item.pk)
    assert mark_opened(item, kalbar.officer) is True
    with django_assert_num_queries(1):
        assert mark_opened(item, kalbar.officer) is False
    # Someone who does not perform the step records nothing; once their memberships
    # are known (read once per user object), it costs no query at all.
    assert mark_opened(item, kalbar.approver) is False
    with django_assert_num_queries(0):
        assert mark_opened(item, kalbar.approver) is False


def test_completing_through_the_api_without_opening_counts_as_opened_when_it_left(kalbar):
    item = at_input_step(kalbar)
    meet_requirements(kalbar, item, item.current_step)
    with time_machine.travel(at(THREE_DAYS_LATER), tick=False):
        response = post_json(client_for(kalbar.officer), f"{ITEMS}/{item.pk}/complete")
    assert response.status_code == 200, response.content
    timing = StepTiming.objects.get(item=item, step__number=2)
    assert timing.outcome == Outcome.COMPLETED
    assert timing.opened_at == timing.left_at == at(THREE_DAYS_LATER)
    assert timing.opened_by == kalbar.officer
    assert timing.due_at == at("2026-03-05 10:01") and timing.on_time is True
    row = step_row(compliance(kalbar.body, kalbar.main_officer, SINCE, NOW), kalbar.sop, 2)
    assert row.median_handling_minutes == 0
    assert row.median_waiting_minutes == 3 * OFFICE_DAY


def test_a_return_without_opening_also_counts_as_opened_when_it_left(kalbar):
    item = at_input_step(kalbar)
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        item = walk_item(kalbar, item, until=3)
    with time_machine.travel(at("2026-03-04 09:00"), tick=False):
        return_to_step(item, kalbar.approver, 2, "Lengkapi ringkasan isi.")
    returned = StepTiming.objects.get(item=item, step__number=3)
    assert returned.outcome == Outcome.RETURNED
    assert returned.opened_at == returned.left_at == at("2026-03-04 09:00")
    assert open_timing(item).due_at is None  # back at the input step, not opened yet


# Reminders and escalations


def test_an_unopened_minute_step_is_neither_reminded_nor_escalated(kalbar):
    colleague = make_user("petugas.dua.dinkes.kalbar", kalbar.unit, Role.OFFICER)
    item = at_input_step(kalbar)
    for moment in ("2026-03-02 10:02", "2026-03-05 10:00", "2026-03-20 10:00"):
        with time_machine.travel(at(moment), tick=False):
            summary = notify.run()
        assert (summary["reminders"], summary["overdue"]) == (0, 0)
    assert not Notification.objects.filter(kind__in=[Kind.REMINDER, Kind.OVERDUE]).exists()
    # The arrival notice gives the standard, counted from the opening, and no due time.
    arrival = Notification.objects.get(kind=Kind.ARRIVED, timing=open_timing(item), user=colleague)
    due = next(line for line in arrival.body.splitlines() if "1 menit" in line)
    assert "WIB" not in due and "tentati" not in due


def test_an_opened_minute_step_escalates_once_past_its_handling_time(kalbar):
    item = at_input_step(kalbar)
    with time_machine.travel(at(THREE_DAYS_LATER), tick=False):
        mark_opened(office_items(kalbar.officer).get(pk=item.pk), kalbar.officer)
    with time_machine.travel(at("2026-03-05 10:01"), tick=False):
        assert notify.run()["overdue"] == 0
    with time_machine.travel(at("2026-03-05 10:02"), tick=False):
        assert notify.run()["overdue"] == 2
    told = Notification.objects.filter(kind=Kind.OVERDUE, item=item)
    assert {n.user for n in told} == {kalbar.officer, kalbar.approver}
    assert "5 Maret 2026 10:00 WIB" in told.first().body  # when it was opened


def test_a_calendar_edit_recounts_an_opened_step_from_its_opening(kalbar):
    item = at_input_step(kalbar)
    waiting = at_input_step(kalbar, title="Profil Kesehatan Provinsi 2025")
    with time_machine.travel(at("2026-03-05 15:59:30"), tick=False):
        mark_opened(office_items(kalbar.officer).get(pk=item.pk), kalbar.officer)
    assert open_timing(item).due_at == at("2026-03-06 08:00:30")
    CalendarDay.objects.create(body=kalbar.body, date=datetime.date(2026, 3, 6), name="Libur")
    assert recompute_open_due_times(kalbar.body) == 1
    assert open_timing(item).due_at == at("2026-03-09 08:00:30")
    assert open_timing(waiting).due_at is None  # still waiting for its opening
    waiting.refresh_from_db()
    assert waiting.step_due_at is None


# The dashboard


def test_a_handling_time_under_a_minute_is_said_in_seconds():
    with translation.override("en"):
        assert office_duration(40 / 60, OFFICE_DAY, TimeUnit.MINUTES) == "40 seconds"
        assert office_duration(5, OFFICE_DAY, TimeUnit.MINUTES) == "5 minutes"
        assert office_duration(0, OFFICE_DAY, TimeUnit.MINUTES) == "0 minutes"


def dashboard(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("office:dashboard"))
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def step_html(html: str, sop, number: int) -> str:
    section = next(s for s in html.split('<section class="sop-figures">') if sop.name in s)
    return re.search(rf'<tr data-step="{number}">(.*?)</tr>', section, re.S)[1]


@pytest.fixture
def measured(kalbar, client):
    """One input step handled in 5 minutes after three days, one waiting unopened."""
    handled(kalbar, at_input_step(kalbar), THREE_DAYS_LATER, "2026-03-05 10:05")
    at_input_step(kalbar, title="Profil Kesehatan Provinsi 2025")
    client.force_login(kalbar.main_officer)
    return kalbar


def test_the_dashboard_shows_handling_and_waiting_time_in_english(measured, client):
    html = dashboard(client, "en")
    row = step_html(html, measured.sop, 2)
    assert '<td class="handling" data-label="Median handling time">5 minutes</td>' in row
    assert '<td class="wait" data-label="Median wait before opening">3 working days</td>' in row
    assert "0% on time (0 of 1)" in row and "judged on handling time" in row
    assert "1 not opened yet" in row
    assert "Median handling time" in html and "Median wait before opening" in html
    assert 'id="handling-note"' in html
    # A step in weeks is counted from arrival, as before.
    assert "counted from arrival" in step_html(html, measured.sop, 3)


def test_the_dashboard_shows_handling_and_waiting_time_in_indonesian(measured, client):
    html = dashboard(client, "id")
    row = step_html(html, measured.sop, 2)
    assert ">5 menit</td>" in row and 'class="handling"' in row
    assert ">3 hari kerja</td>" in row and 'class="wait"' in row
    assert "0% tepat waktu (0 dari 1)" in row


def test_the_dashboard_counts_an_unopened_step_as_waiting_not_overdue(measured):
    board = compliance(measured.body, measured.main_officer, SINCE, NOW)
    row = step_row(board, measured.sop, 2)
    assert (row.waiting, row.not_opened, row.overdue) == (1, 1, 0)
    assert board.overdue == [] and board.overdue_total == 0


def test_the_dashboards_queries_do_not_grow_with_the_work(kalbar, client):
    client.force_login(kalbar.main_officer)

    def queries() -> int:
        dashboard(client, "en")  # the session and its user are loaded once
        with CaptureQueriesContext(connection) as captured:
            dashboard(client, "en")
        return len(captured.captured_queries)

    # Work at every stage: published (a berkala item, listed), handled, waiting.
    with time_machine.travel(at(ARRIVED), tick=False):
        walk_item(kalbar, new_item(kalbar, title="Laporan Keuangan 2025"))
    handled(kalbar, at_input_step(kalbar), THREE_DAYS_LATER, "2026-03-05 10:00:40")
    at_input_step(kalbar, title="Profil Kesehatan Provinsi 2025")
    few = queries()
    for n in range(4):
        item = at_input_step(kalbar, title=f"Laporan Bulanan {n + 1}")
        if n % 2:
            handled(kalbar, item, THREE_DAYS_LATER, f"2026-03-05 10:0{n}")
    assert queries() == few
    # As many as before handling and waiting times were measured: 19 for this page,
    # 3 that renew the session on every request (the idle timeout) and 1 that asks
    # whether a second factor is due.
    assert few <= 23
