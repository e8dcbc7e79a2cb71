import asyncio
import datetime
import email
import email.policy
import logging
import socket
import threading
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

WIB = ZoneInfo("Asia/Jakarta")


def at(text: str, tz=WIB) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture(autouse=True)
def _deadline_settings(settings):
    """Links in mails point at a known site; reminders come four office hours ahead."""
    settings.LENTERA_SITE_URL = "https://ppid.example.go.id"
    settings.LENTERA_REMINDER_HOURS = 4


class Inbox:
    """What the SMTP server received: one entry per delivered message."""

    def __init__(self):
        self.messages = []
        self.delay = 0.0  # seconds each delivery takes: lets concurrent senders overlap
        self.refuse = ""  # a subject containing this is refused for good (554)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.refuse and self.refuse in str(message["subject"]):
            return "554 Message refused"
        with self._lock:
            self.messages.append(
                {
                    "to": list(envelope.rcpt_tos),
                    "subject": str(message["subject"]),
                    "body": message.get_content(),
                }
            )
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every delivery, in arrival order."""
        return [(to, m["subject"]) for m in self.messages for to in m["to"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    # aiosmtpd logs each session on "mail.log"; its last lines come after pytest
    # has closed the captured stream.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


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
