"""`lentera deadlines due` against hand-computed due times, and `lentera deadlines run`."""

import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from lentera.cli import main as lentera
from lentera.deadlines.constants import Kind
from lentera.deadlines.models import Calendar, CalendarDay, Notification
from lentera.testing import PONTIANAK, build_preset_world, new_item

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def ptk():
    return build_preset_world(PONTIANAK)  # body slug: kota-pontianak


def due(*args, verbosity: int = 1) -> str:
    out = io.StringIO()
    call_command("deadlines", "due", *args, verbosity=verbosity, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("start", "standard", "expected"),
    [
        # Nyepi (18 cuti, 19), Idul Fitri (20 cuti, 21, 22, 23-24 cuti), a weekend.
        (
            "2026-03-17 10:00",
            "1 working days",
            "Rabu, 25 Maret 2026 16:00 WIB (2026-03-25T16:00:00+07:00",
        ),
        # A week is five working days: 12, 13, (14 Kenaikan, 15 cuti), 18, 19, 20 May.
        ("2026-05-11 09:00", "1 weeks", "Rabu, 20 Mei 2026 16:00 WIB (2026-05-20T16:00:00+07:00"),
        # Thirty minutes on Friday, thirty on Monday.
        (
            "2026-03-13 15:30",
            "1 hours",
            "Senin, 16 Maret 2026 08:30 WIB (2026-03-16T08:30:00+07:00",
        ),
        ("2026-12-30 10:00", "2 hari kerja", "Senin, 4 Januari 2027 16:00 WIB"),
        ("2026-03-16 15:59", "2 menit", "Selasa, 17 Maret 2026 08:01 WIB"),
    ],
)
def test_due_prints_the_hand_computed_time(ptk, start, standard, expected):
    output = due("--body", "kota-pontianak", "--start", start, "--standard", standard)
    assert output.startswith(expected)


def test_due_lists_the_days_skipped_with_their_names(ptk):
    output = due(
        "--body",
        "kota-pontianak",
        "--start",
        "2026-03-17 10:00",
        "--standard",
        "1 working days",
        verbosity=2,
    )
    skipped = [line for line in output.splitlines() if line.startswith("  ")]
    assert len(skipped) == 7  # 18 to 24 March
    assert "Rabu, 18 Maret 2026" in skipped[0] and "Nyepi" in skipped[0]
    assert "Idul Fitri" in skipped[3]  # Saturday 21 March
    assert "Selasa, 24 Maret 2026" in skipped[6]


def test_due_uses_the_bodys_own_calendar(ptk):
    Calendar.objects.create(body=ptk.body, time_zone="Asia/Makassar")
    CalendarDay.objects.create(
        body=ptk.body, date=at("2026-10-23 00:00").date(), name="Hari Jadi Kota Pontianak"
    )
    output = due(
        "--body",
        "kota-pontianak",
        "--start",
        "2026-10-22 10:00",
        "--standard",
        "1 working days",
        verbosity=2,
    )
    assert output.startswith("Senin, 26 Oktober 2026 16:00 WITA (2026-10-26T16:00:00+08:00")
    assert "Hari Jadi Kota Pontianak" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--body", "kota-antah", "--start", "2026-03-17 10:00", "--standard", "1 jam"],
            "kota-pontianak",
        ),
        (
            ["--body", "kota-pontianak", "--start", "17-03-2026 10:00", "--standard", "1 jam"],
            "YYYY-MM-DD HH:MM",
        ),
        (
            ["--body", "kota-pontianak", "--start", "2026-02-30 10:00", "--standard", "1 jam"],
            "YYYY-MM-DD HH:MM",
        ),
        (
            ["--body", "kota-pontianak", "--start", "2026-03-17 10:00", "--standard", "satu hari"],
            "satu hari",
        ),
        (
            [
                "--body",
                "kota-pontianak",
                "--start",
                "2026-03-17 10:00",
                "--standard",
                "3 fortnights",
            ],
            "3 fortnights",
        ),
        (
            ["--body", "kota-pontianak", "--start", "2026-03-17 10:00", "--standard", "-1 hours"],
            "-1 hours",
        ),
    ],
)
def test_due_refuses_bad_input_with_a_clear_message(ptk, args, message):
    with pytest.raises(CommandError) as refused:
        due(*args)
    assert message in str(refused.value)


def test_the_lentera_command_reports_bad_input_and_exits_non_zero(ptk, capsys):
    with pytest.raises(SystemExit) as exited:
        lentera(
            [
                "lentera",
                "deadlines",
                "due",
                "--body",
                "kota-pontianak",
                "--start",
                "kemarin",
                "--standard",
                "1 jam",
            ]
        )
    assert exited.value.code != 0
    assert "kemarin" in capsys.readouterr().err


def test_run_prints_a_summary_and_is_quiet_with_verbosity_0(ptk):
    with time_machine.travel(at("2026-03-17 10:00"), tick=False):
        new_item(ptk)
    out = io.StringIO()
    with time_machine.travel(at("2026-03-25 12:00"), tick=False):
        call_command("deadlines", "run", stdout=out)
    assert "reminders: 1" in out.getvalue()
    assert "emailed: 0" in out.getvalue()  # nobody has an email address here
    assert "without email: 2" in out.getvalue()  # the arrival and the reminder
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 1

    quiet = io.StringIO()
    with time_machine.travel(at("2026-03-26 09:00"), tick=False):
        call_command("deadlines", "run", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    assert Notification.objects.filter(kind=Kind.OVERDUE).count() == 2


def test_a_subcommand_is_required():
    with pytest.raises(CommandError):
        call_command("deadlines")
