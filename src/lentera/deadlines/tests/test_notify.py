"""Who is told what, and when: arrival, reminder, escalation, berkala refresh, exemption
expiry, under a frozen clock. Mail delivery itself is in test_mail.py."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from lentera.audit.models import ActivityEvent
from lentera.deadlines import notify
from lentera.deadlines.constants import Kind
from lentera.deadlines.exemptions import return_to_review
from lentera.deadlines.models import Notification, StepTiming
from lentera.deadlines.services import mark_opened
from lentera.organizations.constants import Role
from lentera.register.constants import Category, Status
from lentera.register.selectors import office_items
from lentera.register.services import create_item
from lentera.register.workflow import complete_step, reopen
from lentera.sop.constants import Verb
from lentera.testing import (
    DISKOMINFO,
    PONTIANAK,
    build_preset_world,
    classify,
    item_fields,
    make_user,
    new_item,
    walk_item,
)

from .conftest import at

pytestmark = pytest.mark.django_db


def run_at(text: str) -> dict:
    with time_machine.travel(at(text), tick=False):
        return notify.run()


def sent(kind: str, item=None) -> set:
    found = Notification.objects.filter(kind=kind)
    if item is not None:
        found = found.filter(item=item)
    return {n.user for n in found}


@pytest.fixture
def ptk():
    return build_preset_world(PONTIANAK)  # steps of 1 hari kerja; step 1 by the PPID Utama


@pytest.fixture
def arrived(ptk):
    """An item of Dinas Sosial arriving at step 1 on Tuesday 17 March 2026, 10:00 WIB:
    due Wednesday 25 March 16:00, after Nyepi, Idul Fitri and their cuti bersama."""
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        return new_item(ptk)


def test_work_arriving_notifies_the_performers_of_the_step(ptk, arrived):
    timing = StepTiming.objects.get(item=arrived)
    notification = Notification.objects.get(kind=Kind.ARRIVED)
    assert notification.user == ptk.main_officer  # step 1: Pejabat Bidang of the PPID Utama
    assert notification.key == f"arrived:{timing.pk}"
    assert notification.item == arrived and notification.timing == timing
    assert arrived.title in notification.subject
    assert arrived.current_step.activity in notification.body
    assert "25 Maret 2026 16:00 WIB" in notification.body  # the due time, in Indonesian
    url = f"https://ppid.example.go.id{reverse('office:item', args=[arrived.pk])}"
    assert url in notification.body
    assert notification.emailed_at is None and notification.read_at is None


def test_arrival_mail_is_queued_for_after_the_commit(ptk, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new_item(ptk)
    assert callbacks
    job = DBTaskResult.objects.get()
    assert job.task_path == "lentera.deadlines.tasks.send_pending_notifications"


def test_the_next_performer_is_told_when_a_step_is_completed(ptk, arrived):
    with time_machine.travel(at("2026-03-18 09:00"), tick=False):
        item = complete_step(arrived, ptk.main_officer)
    assert item.current_step.number == 2
    assert sent(Kind.ARRIVED) == {ptk.main_officer, ptk.main_reviewer}


def test_a_tentative_step_says_it_has_no_time_standard():
    kalbar = build_preset_world(DISKOMINFO)  # step 1 is tentative
    # The officer who records the item is not told; a second officer of the unit is.
    colleague = make_user("petugas.dua.dinkes.kalbar", kalbar.unit, Role.OFFICER)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        new_item(kalbar)
    notification = Notification.objects.get(kind=Kind.ARRIVED, user=colleague)
    assert "16:00 WIB" not in notification.body
    assert "(tentative)" in notification.body or "(tentatif)" in notification.body


def test_one_reminder_inside_the_window_and_none_before(ptk, arrived):
    # Four office hours before 25 March 16:00 begin at 12:00 that day.
    assert run_at("2026-03-25 11:59")["reminders"] == 0
    assert run_at("2026-03-20 10:00")["reminders"] == 0  # Idul Fitri: the office is shut
    assert run_at("2026-03-25 12:00")["reminders"] == 1
    assert run_at("2026-03-25 12:30")["reminders"] == 0
    assert run_at("2026-03-25 15:59")["reminders"] == 0
    reminder = Notification.objects.get(kind=Kind.REMINDER)
    timing = StepTiming.objects.get(item=arrived)
    assert reminder.user == ptk.main_officer
    assert reminder.key == f"reminder:{timing.pk}"
    assert not Notification.objects.filter(kind=Kind.OVERDUE).exists()


def test_the_reminder_window_counts_office_hours_only(ptk):
    # Arrives Friday 13 March 2026 10:00: due Monday 16 March 16:00. On Saturday at noon
    # there are 8 office hours left, not the 52 hours of the clock.
    with time_machine.travel(at("2026-03-13 10:00"), tick=False):
        new_item(ptk)
    assert run_at("2026-03-14 12:00")["reminders"] == 0
    assert run_at("2026-03-16 11:59")["reminders"] == 0
    assert run_at("2026-03-16 12:00")["reminders"] == 1
    # Arrives Monday 23 March (cuti bersama Idul Fitri): counted from Wednesday 25 March.
    with time_machine.travel(at("2026-03-23 09:00"), tick=False):
        later = new_item(ptk, title="Daftar Penerima Bantuan Sosial 2025")
    assert later.step_due_at == at("2026-03-25 16:00")
    assert run_at("2026-03-24 15:00")["reminders"] == 0  # a day away, 8 office hours left
    assert run_at("2026-03-25 12:00")["reminders"] == 1
    assert Notification.objects.filter(kind=Kind.REMINDER, item=later).count() == 1


def test_overdue_work_goes_to_the_performers_and_the_next_level(ptk, arrived):
    assert run_at("2026-03-25 16:00")["overdue"] == 0  # due at the close: still on time
    summary = run_at("2026-03-26 08:00")
    assert summary["overdue"] == 2
    # Officers of the PPID Utama perform step 1; its approver is the next level.
    assert sent(Kind.OVERDUE) == {ptk.main_officer, ptk.main_approver}
    timing = StepTiming.objects.get(item=arrived)
    assert set(Notification.objects.filter(kind=Kind.OVERDUE).values_list("key", flat=True)) == {
        f"overdue:{timing.pk}"
    }
    assert run_at("2026-03-27 10:00")["overdue"] == 0
    assert Notification.objects.filter(kind=Kind.OVERDUE).count() == 2


def test_overdue_approval_escalates_to_the_ppid_utama():
    kalbar = build_preset_world(DISKOMINFO)  # step 3: Kepala PPID (approver), 1 week
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = walk_item(kalbar, new_item(kalbar), until=3)
    assert item.step_due_at == at("2026-03-09 16:00")
    assert run_at("2026-03-10 09:00")["overdue"] == 3
    assert sent(Kind.OVERDUE) == {kalbar.approver, kalbar.main_approver, kalbar.main_reviewer}


def test_a_step_shorter_than_the_window_gets_no_reminder_but_escalates():
    kalbar = build_preset_world(DISKOMINFO)  # step 2: Petugas PPID, 1 minute
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = walk_item(kalbar, new_item(kalbar), until=2)
        # A handling time: due from when its performer opens the work (test_handling_time).
        mark_opened(office_items(kalbar.officer).get(pk=item.pk), kalbar.officer)
    assert run_at("2026-03-02 10:00")["reminders"] == 0
    assert run_at("2026-03-02 10:02")["overdue"] == 2
    assert sent(Kind.OVERDUE, item) == {kalbar.officer, kalbar.approver}


def test_completed_work_is_neither_reminded_nor_escalated(ptk, arrived):
    with time_machine.travel(at("2026-03-25 10:00"), tick=False):
        complete_step(arrived, ptk.main_officer)  # step 2 due 26 March 16:00
    summary = run_at("2026-03-25 13:00")
    assert summary["reminders"] == 0 and summary["overdue"] == 0


# Berkala


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-03-02", 6, "2026-09-02"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2027-08-31", 6, "2028-02-29"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-31", 12, "2027-01-31"),
    ],
)
def test_add_months(day, months, expected):
    day, expected = datetime.date.fromisoformat(day), datetime.date.fromisoformat(expected)
    assert notify.add_months(day, months) == expected


def test_the_stale_cutoff_matches_counting_day_by_day():
    start = datetime.date(2026, 1, 1)
    days = [start + datetime.timedelta(days=n) for n in range(800)]
    for months in (1, 6, 12):
        for today in days[400:]:
            cutoff = notify._last_day_listed_before_due(today, months)
            assert notify.add_months(cutoff, months) <= today
            assert notify.add_months(cutoff + datetime.timedelta(days=1), months) > today


@pytest.fixture
def published(ptk):
    """A berkala item published on Monday 2 March 2026: its update is due 2 September."""
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = walk_item(ptk, new_item(ptk))
    assert item.status == Status.PUBLISHED and item.category == Category.PERIODIC
    return item


def test_berkala_items_remind_their_unit_once_per_period(ptk, published):
    assert run_at("2026-09-01 23:00")["berkala"] == 0
    assert run_at("2026-09-02 00:30")["berkala"] == 1
    assert run_at("2026-09-03 09:00")["berkala"] == 0
    reminder = Notification.objects.get(kind=Kind.BERKALA)
    assert reminder.user == ptk.officer  # the officers of Dinas Sosial
    assert reminder.key == f"berkala:{published.pk}:2026-09-02"
    assert published.title in reminder.subject

    # The unit updates it on 10 September; the next period ends on 10 March 2027.
    with time_machine.travel(at("2026-09-10 09:00"), tick=False):
        reopen(published, ptk.officer, "Pembaruan semester")
        updated = walk_item(ptk, published)
    assert updated.published_at == at("2026-09-10 09:00")
    assert run_at("2027-03-09 10:00")["berkala"] == 0
    assert run_at("2027-03-10 10:00")["berkala"] == 1
    assert set(Notification.objects.filter(kind=Kind.BERKALA).values_list("key", flat=True)) == {
        f"berkala:{published.pk}:2026-09-02",
        f"berkala:{published.pk}:2027-03-10",
    }


def test_stale_berkala_items_for_the_dashboard(ptk, published):
    other = build_preset_world(PONTIANAK, prefix="x-")
    today = datetime.date(2026, 9, 2)
    assert list(notify.stale_berkala_items(ptk.body, today)) == [published]
    assert list(notify.stale_berkala_items(ptk.body, today - datetime.timedelta(days=1))) == []
    assert list(notify.stale_berkala_items(other.body, today)) == []
    assert list(notify.stale_berkala_items(ptk.officer, today)) == [published]
    assert list(notify.stale_berkala_items(ptk.main_reviewer, today)) == [published]
    assert list(notify.stale_berkala_items(ptk.other_officer, today)) == []
    assert notify.refresh_due_on(published) == today
    published.update_interval_months = 12
    published.save()
    assert list(notify.stale_berkala_items(ptk.body, today)) == []


def test_items_in_an_sop_pass_or_not_berkala_are_not_stale(ptk, published):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        walk_item(ptk, new_item(ptk, title="Profil Dinas Sosial", category=Category.ON_DEMAND))
    with time_machine.travel(at("2026-08-30 10:00"), tick=False):
        reopen(published, ptk.officer, "Pembaruan semester")
    assert list(notify.stale_berkala_items(ptk.body, datetime.date(2027, 1, 1))) == []
    assert run_at("2027-01-04 10:00")["berkala"] == 0


# Exemption expiry


def test_an_ended_exemption_returns_to_review_and_tells_the_ppid_utama():
    kalbar = build_preset_world(DISKOMINFO)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = create_item(kalbar.officer, **item_fields(kalbar.unit, category=Category.EXEMPT))
        decision = classify(item, kalbar.approver, exempt_until=datetime.date(2026, 6, 30))
        item = walk_item(kalbar, item)
    assert item.status == Status.DOCUMENTED and item.current_step is None
    Notification.objects.all().delete()

    assert run_at("2026-06-30 15:00")["exemptions_ended"] == 0
    summary = run_at("2026-07-01 08:00")
    assert summary["exemptions_ended"] == 1
    item.refresh_from_db()
    assert item.current_step == kalbar.sop.first_step()
    assert item.in_update and item.submitted_by is None
    assert item.status == Status.DOCUMENTED  # the DIK keeps its entry meanwhile
    event = ActivityEvent.objects.get(item=item, verb=Verb.EXEMPTION_ENDED)
    assert event.actor is None
    assert "SK PPID 12/2025" in event.note and "2026-06-30" in event.note

    told = Notification.objects.filter(kind=Kind.EXEMPTION)
    assert {n.user for n in told} == {kalbar.main_reviewer, kalbar.main_approver}
    assert {n.key for n in told} == {f"exemption:{item.pk}:{decision.exempt_until}"}
    assert sent(Kind.ARRIVED) == {kalbar.officer}  # step 1 of the new pass

    assert run_at("2026-07-02 08:00")["exemptions_ended"] == 0
    assert told.count() == 2


def test_a_renewed_exemption_does_not_return():
    kalbar = build_preset_world(DISKOMINFO)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = create_item(kalbar.officer, **item_fields(kalbar.unit, category=Category.EXEMPT))
        classify(item, kalbar.approver, exempt_until=datetime.date(2026, 6, 30))
        classify(
            item,
            kalbar.approver,
            decided_on=datetime.date(2026, 3, 2),
            exempt_until=datetime.date(2028, 3, 2),
        )
        item = walk_item(kalbar, item)
    assert run_at("2026-07-01 08:00")["exemptions_ended"] == 0
    assert return_to_review(item, datetime.date(2026, 7, 1)) is None


# The office list


def test_the_notifications_page_lists_mine_and_marks_them_read(client, ptk, arrived):
    mine = Notification.objects.get(user=ptk.main_officer)
    theirs = Notification.objects.create(
        user=ptk.other_officer,
        kind=Kind.REMINDER,
        key="reminder:rahasia",
        item=arrived,
        subject="Pesan untuk orang lain",
        body="-",
    )
    client.force_login(ptk.main_officer)
    page = client.get(reverse("office:notifications")).content.decode()
    assert f'id="notification-{mine.pk}" class="arrived unread"' in page
    assert mine.subject in page
    assert "Pesan untuk orang lain" not in page
    assert 'id="unread-count"' in page  # the top navigation counts it

    response = client.post(reverse("office:notifications"))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    page = client.get(reverse("office:notifications")).content.decode()
    assert f'id="notification-{mine.pk}" class="arrived"' in page
    assert 'id="unread-count"' not in page and "mark-all-read" not in page


def test_a_notification_is_read_when_its_item_is_seen_not_when_fetched(client, ptk, arrived):
    mine = Notification.objects.get(user=ptk.main_officer)
    other = Notification.objects.create(
        user=ptk.other_officer, kind=Kind.ARRIVED, key="x", item=arrived, subject="x", body="x"
    )
    client.force_login(ptk.main_officer)
    link = reverse("office:notification-open", args=[mine.pk])
    item_page = reverse("office:item", args=[arrived.pk])
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == item_page
    # Following the link is not reading it; a browser fetching the page ahead isn't either.
    assert client.get(item_page, headers={"Sec-Purpose": "prefetch"}).status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is None
    client.get(item_page)  # the officer sees the item
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("office:notification-open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_the_page_needs_a_login(client):
    response = client.get(reverse("office:notifications"))
    assert response.status_code == 302 and "masuk" in response["Location"]
