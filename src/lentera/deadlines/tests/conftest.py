import datetime
from zoneinfo import ZoneInfo

import pytest

WIB = ZoneInfo("Asia/Jakarta")


def at(text: str, tz=WIB) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture(autouse=True)
def _deadline_settings(settings):
    """Links in mails point at a known site; reminders come four office hours ahead."""
    settings.LENTERA_SITE_URL = "https://ppid.example.go.id"
    settings.LENTERA_REMINDER_HOURS = 4


def give_emails(world) -> None:
    """Every person of the world gets an address at the body's domain."""
    for name in (
        "officer",
        "reviewer",
        "approver",
        "main_officer",
        "main_reviewer",
        "main_approver",
        "other_officer",
    ):
        user = getattr(world, name)
        user.email = f"{user.username}@pontianak.go.id"
        user.save(update_fields=["email"])
