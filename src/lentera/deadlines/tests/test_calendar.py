"""Due times against hand-computed cases of the 2026 and 2027 Indonesian calendars.

Every expected value below was counted by hand on the calendar of the decree
(national holidays and cuti bersama, as the `holidays` package gives them),
Monday to Friday, office hours 08:00 to 16:00.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lentera.deadlines.calendar import WorkCalendar
from lentera.deadlines.models import Calendar, CalendarDay, StepTiming
from lentera.deadlines.services import calendar_for
from lentera.register.workflow import complete_step, return_to_step
from lentera.sop.constants import TimeUnit
from lentera.testing import PONTIANAK, build_preset_world, new_item, walk_item

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")


def at(text: str, tz=WIB) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


CASES = [
    # (arrives, amount, unit, due, why)
    ("2026-03-13 10:00", 1, TimeUnit.WORKING_DAYS, "2026-03-16 16:00", "Friday: over the weekend"),
    (
        "2026-03-17 10:00",
        1,
        TimeUnit.WORKING_DAYS,
        "2026-03-25 16:00",
        "Nyepi (18 cuti, 19), Idul Fitri (20 cuti, 21, 22, 23-24 cuti), a weekend",
    ),
    (
        "2026-03-16 09:00",
        10,
        TimeUnit.WORKING_DAYS,
        "2026-04-07 16:00",
        "17, 25, 26, 27, 30, 31, 1, 2, (3 Wafat Yesus Kristus), 6, 7 April",
    ),
    (
        "2026-12-23 14:00",
        2,
        TimeUnit.WORKING_DAYS,
        "2026-12-29 16:00",
        "24 cuti Natal, 25 Natal, weekend: 28, 29",
    ),
    (
        "2026-12-30 10:00",
        2,
        TimeUnit.WORKING_DAYS,
        "2027-01-04 16:00",
        "31 December, (1 January), weekend, 4 January",
    ),
    (
        "2026-05-11 09:00",
        1,
        TimeUnit.WEEKS,
        "2026-05-20 16:00",
        "a week is five working days: 12, 13, (14 Kenaikan, 15 cuti), 18, 19, 20",
    ),
    (
        "2027-03-05 10:00",
        3,
        TimeUnit.WORKING_DAYS,
        "2027-03-18 16:00",
        "8 Nyepi, 9 cuti, 10-11 Idul Fitri, 12 and 15 cuti: 16, 17, 18",
    ),
    ("2027-12-23 10:00", 1, TimeUnit.WORKING_DAYS, "2027-12-27 16:00", "24 cuti Natal, weekend"),
    (
        "2027-12-30 10:00",
        2,
        TimeUnit.WORKING_DAYS,
        "2028-01-03 16:00",
        "31 December, 1 January 2028 is a Saturday: 3 January",
    ),
    ("2026-03-13 15:30", 1, TimeUnit.HOURS, "2026-03-16 08:30", "30 minutes Friday, 30 Monday"),
    ("2026-03-14 10:00", 1, TimeUnit.HOURS, "2026-03-16 09:00", "arrives on a Saturday"),
    ("2026-03-16 15:00", 1, TimeUnit.HOURS, "2026-03-16 16:00", "due exactly at closing"),
    ("2026-03-16 16:00", 1, TimeUnit.HOURS, "2026-03-17 09:00", "arrives at closing"),
    ("2026-03-16 07:00", 1, TimeUnit.HOURS, "2026-03-16 09:00", "arrives before opening"),
    ("2026-03-17 15:00", 2, TimeUnit.HOURS, "2026-03-25 09:00", "an hour, then Nyepi and Lebaran"),
    ("2026-03-16 10:00", 1, TimeUnit.MINUTES, "2026-03-16 10:01", "one minute"),
    ("2026-03-16 15:59", 2, TimeUnit.MINUTES, "2026-03-17 08:01", "minutes across the night"),
    ("2026-03-16 10:00", 9, TimeUnit.HOURS, "2026-03-17 11:00", "more hours than one day has"),
]


@pytest.mark.parametrize(("arrives", "amount", "unit", "due", "why"), CASES)
def test_due_times_match_hand_computed_cases(arrives, amount, unit, due, why):
    assert WorkCalendar().due(at(arrives), amount, unit) == at(due), why


@pytest.mark.parametrize("unit", [TimeUnit.TENTATIVE, TimeUnit.NOT_STATED])
def test_tentative_and_unstated_standards_have_no_due_time(unit):
    assert WorkCalendar().due(at("2026-03-16 10:00"), 1, unit) is None


def test_wita_offices_count_in_their_own_hours():
    # 08:30 WIB is 09:30 WITA: an hour later is 10:30 WITA.
    due = WorkCalendar(time_zone="Asia/Makassar").due(at("2026-03-16 08:30"), 1, TimeUnit.HOURS)
    assert due == at("2026-03-16 10:30", WITA)


def test_a_six_day_week():
    calendar = WorkCalendar(weekdays=frozenset(range(6)))
    due = calendar.due(at("2026-03-13 10:00"), 1, TimeUnit.WORKING_DAYS)
    assert due == at("2026-03-14 16:00")


def test_office_minutes_between_skip_nights_weekends_and_holidays():
    calendar = WorkCalendar()
    assert calendar.office_minutes_between(at("2026-03-13 15:00"), at("2026-03-16 09:00")) == 120
    assert calendar.office_minutes_between(at("2026-03-17 15:00"), at("2026-03-25 09:00")) == 120
    assert calendar.office_minutes_between(at("2026-03-16 10:00"), at("2026-03-16 09:00")) == 0


@pytest.mark.django_db
def test_corrections_of_a_body_add_and_remove_days_off():
    world = build_preset_world(PONTIANAK)
    CalendarDay.objects.create(
        body=world.body, date=datetime.date(2026, 10, 23), name="Hari Jadi Kota Pontianak"
    )
    CalendarDay.objects.create(
        body=world.body, date=datetime.date(2026, 12, 24), day_off=False, name="Tetap masuk"
    )
    calendar = calendar_for(world.body)
    assert calendar.holiday_name(datetime.date(2026, 10, 23)) == "Hari Jadi Kota Pontianak"
    assert calendar.due(at("2026-10-22 10:00"), 1, TimeUnit.WORKING_DAYS) == at("2026-10-26 16:00")
    assert calendar.due(at("2026-12-23 10:00"), 1, TimeUnit.WORKING_DAYS) == at("2026-12-24 16:00")


@pytest.mark.django_db
def test_office_hours_and_time_zone_of_a_body():
    world = build_preset_world(PONTIANAK)
    Calendar.objects.create(
        body=world.body,
        opens_at=datetime.time(7, 30),
        closes_at=datetime.time(15, 30),
        time_zone="Asia/Makassar",
    )
    due = calendar_for(world.body).due(at("2026-03-16 15:00", WITA), 1, TimeUnit.HOURS)
    assert due == at("2026-03-17 08:00", WITA)


@pytest.mark.django_db
def test_the_engine_sets_due_times_under_a_frozen_clock():
    world = build_preset_world(PONTIANAK)  # step 1: 1 hari kerja, step 2: 1 hari kerja
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        item = new_item(world)
    assert item.current_step.time_unit == TimeUnit.WORKING_DAYS
    assert item.step_due_at == at("2026-03-25 16:00")

    with time_machine.travel(at("2026-03-26 09:00"), tick=False):
        item = complete_step(item, world.performer(item.current_step))
    timings = list(StepTiming.objects.filter(item=item).order_by("id"))
    assert timings[0].left_at == at("2026-03-26 09:00")
    assert timings[0].outcome == "completed" and timings[0].on_time is False
    assert timings[1].due_at == item.step_due_at == at("2026-03-27 16:00")

    with time_machine.travel(at("2026-03-27 10:00"), tick=False):
        item = return_to_step(item, world.performer(item.current_step), 1, "Lengkapi data")
    timings = list(StepTiming.objects.filter(item=item).order_by("id"))
    assert [t.outcome for t in timings] == ["completed", "returned", ""]
    assert timings[1].on_time is True
    assert timings[2].due_at == at("2026-03-30 16:00")


def test_a_weekend_day_worked_in_exchange_counts_as_a_working_day():
    calendar = WorkCalendar(days_on=frozenset({datetime.date(2026, 3, 14)}))
    due = calendar.due(at("2026-03-13 10:00"), 1, TimeUnit.WORKING_DAYS)
    assert due == at("2026-03-14 16:00")


def test_a_calendar_whose_office_never_opens_is_refused():
    with pytest.raises(ValueError, match="open before it closes"):
        WorkCalendar(opens=datetime.time(16, 0), closes=datetime.time(8, 0))


@pytest.mark.django_db
def test_an_item_moved_to_another_unit_takes_its_open_step_along():
    from lentera.organizations.constants import Role
    from lentera.organizations.models import Membership
    from lentera.register.services import update_item

    world = build_preset_world(PONTIANAK)
    Membership.objects.create(user=world.officer, unit=world.other_unit, role=Role.OFFICER)
    item = walk_item(world, new_item(world), until=3)  # step 3: the OPD holding the item
    open_step = StepTiming.objects.filter(item=item, left_at__isnull=True)
    assert open_step.get().unit == world.unit
    update_item(item, world.officer, holding_unit=world.other_unit)
    assert open_step.get().unit == world.other_unit
