"""Administrators keep the calendars: every edit is logged, and due times follow it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.deadlines.admin import CalendarForm
from lentera.deadlines.constants import Verb
from lentera.deadlines.models import Calendar, CalendarDay, StepTiming
from lentera.deadlines.services import recompute_open_due_times
from lentera.testing import PONTIANAK, build_preset_world, new_item, walk_item

WIB = ZoneInfo("Asia/Jakarta")
HARI_JADI = datetime.date(2026, 10, 23)  # a Friday; Hari Jadi Kota Pontianak


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=WIB)


@pytest.fixture
def world(db):
    return build_preset_world(PONTIANAK)


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("root", "root@example.go.id", "x")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def calendar_post(world, **overrides) -> dict:
    data = {
        "body": world.body.pk,
        "working_weekdays": ["0", "1", "2", "3", "4"],
        "opens_at": "08:00",
        "closes_at": "16:00",
        "time_zone": "Asia/Jakarta",
        "national_holidays": "on",
    }
    data.update(overrides)
    return data


def calendar_events():
    return ActivityEvent.objects.filter(verb=Verb.CALENDAR).order_by("id")


def arrived_thursday(world):
    """An item at step 1 (1 hari kerja) since Thursday 22 October 2026: due Friday 16:00."""
    with time_machine.travel(at("2026-10-22 10:00"), tick=False):
        item = new_item(world)
    assert item.step_due_at == at("2026-10-23 16:00")
    return item


def test_weekday_checkboxes_round_trip(admin_client, world):
    response = admin_client.post(
        reverse("admin:deadlines_calendar_add"),
        calendar_post(world, working_weekdays=["5", "0", "1", "2", "3", "4"]),
    )
    assert response.status_code == 302
    calendar = Calendar.objects.get(body=world.body)
    assert calendar.working_weekdays == [0, 1, 2, 3, 4, 5]

    page = admin_client.get(reverse("admin:deadlines_calendar_change", args=[calendar.pk]))
    boxes = page.context["adminform"].form["working_weekdays"]
    assert [str(box.data["value"]) for box in boxes if box.data["selected"]] == list("012345")
    assert 'value="6" id="id_working_weekdays_6" checked' not in page.text
    assert 'value="5" id="id_working_weekdays_5" checked' in page.text
    listed = admin_client.get(reverse("admin:deadlines_calendar_changelist"))
    assert "Senin, Selasa, Rabu, Kamis, Jumat, Sabtu" in listed.text  # Django's own catalog


def test_a_calendar_needs_a_working_day_and_an_office_that_closes_after_it_opens(world):
    form = CalendarForm(calendar_post(world, working_weekdays=[], closes_at="07:00"))
    assert not form.is_valid()
    assert set(form.errors) == {"working_weekdays", "closes_at"}


def test_calendar_edits_are_logged_with_before_and_after(admin_client, admin, world):
    admin_client.post(reverse("admin:deadlines_calendar_add"), calendar_post(world))
    calendar = Calendar.objects.get(body=world.body)
    added = calendar_events().get()
    assert added.actor == admin and added.item is None and added.unit == world.main
    assert added.changes["opens_at"] == [None, "08:00"]
    assert added.changes["working_weekdays"] == [None, [0, 1, 2, 3, 4]]

    admin_client.post(
        reverse("admin:deadlines_calendar_change", args=[calendar.pk]),
        calendar_post(world, opens_at="07:30", time_zone="Asia/Makassar"),
    )
    changed = calendar_events().last()
    assert changed.changes == {
        "opens_at": ["08:00", "07:30"],
        "time_zone": ["Asia/Jakarta", "Asia/Makassar"],
    }
    assert world.body.name in changed.note

    admin_client.post(
        reverse("admin:deadlines_calendar_delete", args=[calendar.pk]), {"post": "yes"}
    )
    removed = calendar_events().last()
    assert not Calendar.objects.exists()
    assert removed.changes["opens_at"] == ["07:30", None]
    assert calendar_events().count() == 3
    assert verify_chain() == (ActivityEvent.objects.count(), None)


def test_saving_an_unchanged_calendar_logs_nothing(admin_client, world):
    admin_client.post(reverse("admin:deadlines_calendar_add"), calendar_post(world))
    calendar = Calendar.objects.get(body=world.body)
    admin_client.post(
        reverse("admin:deadlines_calendar_change", args=[calendar.pk]), calendar_post(world)
    )
    assert calendar_events().count() == 1


def test_corrections_are_logged_when_added_changed_and_deleted(admin_client, admin, world):
    add = reverse("admin:deadlines_calendarday_add")
    response = admin_client.post(
        add,
        {"body": world.body.pk, "date": "2026-10-23", "day_off": "True", "name": "Hari Jadi"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(body=world.body)
    assert day.day_off is True and day.recorded_by == admin
    assert calendar_events().get().changes == {
        "body": [None, world.body.name],
        "date": [None, "2026-10-23"],
        "day_off": [None, True],
        "name": [None, "Hari Jadi"],
    }

    admin_client.post(
        reverse("admin:deadlines_calendarday_change", args=[day.pk]),
        {
            "body": world.body.pk,
            "date": "2026-10-23",
            "day_off": "True",
            "name": "Hari Jadi Kota Pontianak",
        },
    )
    assert calendar_events().last().changes == {"name": ["Hari Jadi", "Hari Jadi Kota Pontianak"]}

    admin_client.post(
        add,
        {"body": world.body.pk, "date": "2026-12-24", "day_off": "False", "name": "Tetap masuk"},
    )
    worked = CalendarDay.objects.get(date=datetime.date(2026, 12, 24))
    assert worked.day_off is False
    admin_client.post(
        reverse("admin:deadlines_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [day.pk, worked.pk], "post": "yes"},
    )
    assert not CalendarDay.objects.exists()
    deleted = list(calendar_events())[-2:]
    assert sorted(event.changes["date"][0] for event in deleted) == ["2026-10-23", "2026-12-24"]
    assert all(event.changes["name"][1] is None for event in deleted)
    assert all(event.unit == world.main and event.actor == admin for event in deleted)


def test_the_correction_form_offers_a_day_off_or_a_working_day(admin_client):
    page = admin_client.get(reverse("admin:deadlines_calendarday_add"))
    assert page.status_code == 200
    assert 'type="radio" name="day_off" value="True"' in page.text
    assert 'type="radio" name="day_off" value="False"' in page.text


def test_a_working_day_cannot_be_made_a_working_day_after_all(admin_client, world):
    response = admin_client.post(
        reverse("admin:deadlines_calendarday_add"),
        {"body": world.body.pk, "date": "2026-10-22", "day_off": "False", "name": "Masuk"},
    )
    assert response.status_code == 200
    assert "day_off" in response.context["adminform"].form.errors
    assert not CalendarDay.objects.exists() and not calendar_events().exists()


def test_a_saturday_worked_in_exchange_is_accepted(admin_client, world):
    response = admin_client.post(
        reverse("admin:deadlines_calendarday_add"),
        {"body": world.body.pk, "date": "2026-10-24", "day_off": "False", "name": "Pengganti"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get().day_off is False


def test_corrections_are_filtered_by_body_and_year_and_searched_by_name(admin_client, world):
    CalendarDay.objects.create(body=world.body, date=HARI_JADI, name="Hari Jadi Kota Pontianak")
    CalendarDay.objects.create(
        body=world.body, date=datetime.date(2027, 10, 22), name="Hari Jadi Kota Pontianak"
    )
    CalendarDay.objects.create(
        body=world.body, date=datetime.date(2027, 12, 31), name="Cuti bersama tambahan"
    )
    changelist = reverse("admin:deadlines_calendarday_changelist")

    def shown(query):
        page = admin_client.get(changelist, query)
        return sorted(str(day.date) for day in page.context["cl"].result_list)

    assert shown({"year": "2027"}) == ["2027-10-22", "2027-12-31"]
    assert shown({"q": "jadi", "year": "2027"}) == ["2027-10-22"]
    assert shown({"body__id__exact": world.body.pk}) == ["2026-10-23", "2027-10-22", "2027-12-31"]


def test_a_regional_day_off_on_the_due_day_moves_the_due_time(admin_client, world):
    item = arrived_thursday(world)
    admin_client.post(
        reverse("admin:deadlines_calendarday_add"),
        {"body": world.body.pk, "date": "2026-10-23", "day_off": "True", "name": "Hari Jadi"},
    )
    item.refresh_from_db()
    timing = StepTiming.objects.get(item=item, left_at__isnull=True)
    assert item.step_due_at == timing.due_at == at("2026-10-26 16:00")  # Monday
    with translation.override("id"):  # the admin's language here: the default
        moved = ngettext(
            "The due time of %(count)d waiting step moved.",
            "The due times of %(count)d waiting steps moved.",
            1,
        ) % {"count": 1}
    assert calendar_events().get().note.endswith(moved)

    day = CalendarDay.objects.get(body=world.body)
    admin_client.post(reverse("admin:deadlines_calendarday_delete", args=[day.pk]), {"post": "yes"})
    item.refresh_from_db()
    assert item.step_due_at == at("2026-10-23 16:00")


def test_a_calendar_change_moves_due_times_to_the_new_closing_time(admin_client, world):
    item = arrived_thursday(world)
    admin_client.post(
        reverse("admin:deadlines_calendar_add"), calendar_post(world, closes_at="15:00")
    )
    item.refresh_from_db()
    assert item.step_due_at == at("2026-10-23 15:00")


def test_recompute_changes_only_open_timings_of_the_body(world):
    other = build_preset_world(PONTIANAK, prefix="lain-")
    with time_machine.travel(at("2026-10-20 10:00"), tick=False):
        item = new_item(world)
    with time_machine.travel(at("2026-10-22 10:00"), tick=False):
        walked_on = walk_item(world, item, until=2)
        elsewhere = new_item(other)
    closed = StepTiming.objects.get(item=item, left_at__isnull=False)
    closed_due = closed.due_at
    assert walked_on.step_due_at == at("2026-10-23 16:00")
    updated_at = walked_on.updated_at

    CalendarDay.objects.create(body=world.body, date=HARI_JADI, name="Hari Jadi")
    assert recompute_open_due_times(world.body) == 1
    assert recompute_open_due_times(world.body) == 0  # nothing left to change

    walked_on.refresh_from_db()
    elsewhere.refresh_from_db()
    closed.refresh_from_db()
    assert walked_on.step_due_at == at("2026-10-26 16:00")
    assert walked_on.updated_at == updated_at  # not an edit of the item
    assert elsewhere.step_due_at == at("2026-10-23 16:00")
    assert closed.due_at == closed_due
