"""Notifications reach a real SMTP server (aiosmtpd on 127.0.0.1), each exactly once."""

import os
import subprocess
import sys
from collections import Counter

import pytest
import time_machine

from lentera.conftest import free_port
from lentera.deadlines import notify
from lentera.deadlines.constants import Kind
from lentera.deadlines.models import Notification
from lentera.testing import PONTIANAK, build_preset_world, new_item

from .conftest import at, give_emails


def run_at(text: str) -> dict:
    with time_machine.travel(at(text), tick=False):
        return notify.run()


@pytest.fixture
def ptk(db):
    world = build_preset_world(PONTIANAK)
    give_emails(world)
    return world


@pytest.mark.django_db
def test_arrival_reminder_and_escalation_arrive_once_each(smtp, ptk):
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        item = new_item(ptk)
    officer, approver = ptk.main_officer.email, ptk.main_approver.email

    assert run_at("2026-03-17 10:05")["emailed"] == 1
    assert smtp.received() == [(officer, f"{Notification.objects.get().subject}")]
    arrival = smtp.messages[0]
    assert item.title in arrival["subject"]
    assert f"https://ppid.example.go.id/kantor/informasi/{item.pk}/" in arrival["body"]
    assert "25 Maret 2026 16:00 WIB" in arrival["body"]

    assert run_at("2026-03-25 11:00")["emailed"] == 0  # five office hours left: too early
    assert run_at("2026-03-25 12:00")["emailed"] == 1
    assert run_at("2026-03-25 12:00")["emailed"] == 0
    assert run_at("2026-03-25 13:00")["emailed"] == 0
    reminder = Notification.objects.get(kind=Kind.REMINDER)
    assert smtp.received()[-1] == (officer, reminder.subject)

    assert run_at("2026-03-26 08:00")["emailed"] == 2
    assert run_at("2026-03-26 09:00")["emailed"] == 0
    overdue = Notification.objects.filter(kind=Kind.OVERDUE).first()
    assert sorted(smtp.received()[-2:]) == sorted(
        [(officer, overdue.subject), (approver, overdue.subject)]
    )

    # Every occasion reached each person once.
    assert len(smtp.messages) == 4
    assert max(Counter(smtp.received()).values()) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_person_without_an_address_is_marked_but_not_mailed(smtp, ptk):
    ptk.main_officer.email = ""
    ptk.main_officer.save()
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        new_item(ptk)
    summary = run_at("2026-03-17 10:05")
    assert summary["emailed"] == 0 and summary["without_email"] == 1
    assert smtp.messages == []
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db
def test_a_failed_send_is_retried_by_a_later_run(smtp, ptk, settings):
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        new_item(ptk)
    smtp_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    summary = run_at("2026-03-17 10:05")
    assert summary["failed"] == 1 and summary["emailed"] == 0
    assert Notification.objects.get().emailed_at is None

    settings.EMAIL_PORT = smtp_port
    assert run_at("2026-03-17 10:10")["emailed"] == 1
    assert smtp.received() == [(ptk.main_officer.email, Notification.objects.get().subject)]


@pytest.mark.django_db(transaction=True)
def test_arrival_mail_goes_out_when_the_worker_runs(smtp, run_worker):
    from django_tasks_db.models import DBTaskResult

    world = build_preset_world(PONTIANAK)
    give_emails(world)
    item = new_item(world)  # commits: the sending job is queued
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    assert smtp.received() == [(world.main_officer.email, Notification.objects.get().subject)]
    assert item.title in smtp.messages[0]["subject"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# Runs in a child process on a file database of its own: the item's steps are made
# due within the reminder window of the moment the two runs start.
SETUP = """
import datetime, django
django.setup()
from django.utils import timezone
from lentera.deadlines.models import StepTiming
from lentera.deadlines.services import calendar_for
from lentera.testing import PONTIANAK, build_preset_world, new_item
world = build_preset_world(PONTIANAK)
for person in (world.main_officer, world.main_approver):
    person.email = person.username + "@pontianak.go.id"
    person.save()
for n in range({items}):
    new_item(world, title="Laporan Penyaluran Bantuan Sosial Triwulan %d" % (n + 1))
now = timezone.now()
StepTiming.objects.update(
    entered_at=now - datetime.timedelta(days=30),
    due_at=calendar_for(world.body).add_office_minutes(now, 60),
)
"""


def test_concurrent_runs_create_and_send_each_notification_once(smtp, tmp_path):
    """Two `lentera deadlines run` processes at once, on SQLite as deployed (a file)."""
    items = 20
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lentera.settings",
        "LENTERA_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'lentera.sqlite3'}",
        "LENTERA_EMAIL_HOST": "127.0.0.1",
        "LENTERA_EMAIL_PORT": str(smtp.port),
        "LENTERA_EMAIL_TLS": "false",
        "LENTERA_EMAIL_SSL": "false",
    }
    lentera = [sys.executable, "-m", "lentera.cli"]

    def check(args):
        subprocess.run(args, env=env, check=True, capture_output=True, timeout=300)

    check([*lentera, "migrate", "-v", "0"])
    check([sys.executable, "-c", SETUP.format(items=items)])
    smtp.delay = 0.1  # the first run is still sending when the second starts
    runs = [
        subprocess.Popen([*lentera, "deadlines", "run"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]

    def count(label: str) -> int:
        """The sum of one line of the two runs' summaries."""
        lines = [line for output in outputs for line in output.splitlines()]
        return sum(int(line.split(":")[1]) for line in lines if line.startswith(label))

    # Each item: its arrival and its reminder, to the PPID Utama's officer.
    assert count("emailed:") == len(smtp.messages) == 2 * items
    assert count("reminders:") == items
    assert max(Counter(smtp.received()).values()) == 1
    assert len({m["subject"] for m in smtp.messages}) == 2 * items


@pytest.mark.django_db
def test_a_message_refused_for_good_does_not_hold_up_the_others(smtp, ptk):
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        new_item(ptk, title="Laporan yang ditolak server surat")
        new_item(ptk, title="Rencana Kerja Dinas Sosial 2027")
    smtp.refuse = "ditolak"
    summary = run_at("2026-03-17 10:05")
    assert summary["failed"] == 1 and summary["emailed"] == 1
    refused = Notification.objects.get(subject__contains="ditolak")
    assert refused.emailed_at is None and "554" in refused.mail_error
    assert [subject for _, subject in smtp.received()] == [
        Notification.objects.get(subject__contains="Rencana").subject
    ]
    assert run_at("2026-03-17 10:10")["failed"] == 0  # not tried again
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_a_title_with_a_line_break_still_makes_a_mail(smtp, ptk):
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        new_item(ptk, title="Laporan\nKeuangan")
    assert run_at("2026-03-17 10:05")["emailed"] == 1
    assert "Laporan Keuangan" in smtp.messages[0]["subject"]


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_sender_expires(smtp, ptk):
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        new_item(ptk)
    Notification.objects.update(claimed_at=at("2026-03-17 10:01"))
    assert run_at("2026-03-17 10:05")["emailed"] == 0  # someone is sending it right now
    assert run_at("2026-03-17 10:30")["emailed"] == 1  # that sender never finished
    assert len(smtp.messages) == 1
