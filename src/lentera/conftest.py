import asyncio
import email
import email.policy
import logging
import os
import shutil
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Every test stores its files in its own folder; passwords hash fast; sessions
    last as long as a test's time travel needs."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests travel in time with signed-in clients; accounts/tests checks the idle timeout.
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    cache.clear()  # counters such as failed API tokens start afresh
    settings.CACHES = {
        **settings.CACHES,
        "exports": {**settings.CACHES["exports"], "LOCATION": tmp_path / "export-cache"},
        # A test's pages are its own (ids repeat across tests on SQLite, and so may states).
        "pages": {**settings.CACHES["pages"], "LOCATION": str(tmp_path)},
    }
    # Tests sign approvers and superusers in with force_login; accounts/tests checks
    # that two-factor login is required of them by default.
    settings.LENTERA_2FA = "optional"
    settings.IMPORT_PENDING_DIR = tmp_path / "import-pending"
    settings.KEPT_UPLOADS_DIR = tmp_path / "kept-uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


@pytest.fixture
def world(db):
    from lentera.testing import build_world

    return build_world()


@pytest.fixture
def files_dir(tmp_path):
    return tmp_path / "files"


@pytest.fixture
def run_worker():
    """Run the django-tasks database worker until its queue is empty.

    db_worker installs its own signal handlers; the test process gets its own back."""
    import signal

    from django.core.management import call_command

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("LENTERA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            f"Chromium not found at {path}: install Debian's `chromium` (scripts/test does) "
            "or set LENTERA_CHROMIUM."
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


def wait_until_answering(url: str, process, log, seconds: float = 30) -> None:
    """Wait until the server `process` started at `url` answers `/healthz`; fail with
    the end of its `log` (a Path) if it stops first."""
    import time

    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server stopped:\n{log.read_text()[-3000:]}"
        try:
            requests.get(f"{url}/healthz", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {seconds} s")


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


@pytest.fixture
def process_env(tmp_path):
    """Environment for real `lentera` processes (servers, workers, commands) with
    their own data directory and database, of the engine the suite runs on: a SQLite
    file, or a new database on the suite's PostgreSQL server, dropped afterwards.

    Call it with a name for each separate installation a test needs."""
    import uuid

    import dj_database_url
    import psycopg

    suite_url = os.environ.get("DATABASE_URL", "")
    created = []

    def admin():
        server = dj_database_url.parse(suite_url)
        return psycopg.connect(
            dbname="postgres",
            host=server["HOST"] or None,
            port=server["PORT"] or None,
            user=server["USER"] or None,
            password=server["PASSWORD"] or None,
            autocommit=True,
        )

    def make(name: str = "site") -> dict:
        data = tmp_path / name
        data.mkdir()
        if suite_url.startswith(("postgres://", "postgresql://")):
            database = f"lentera_{name}_{uuid.uuid4().hex[:10]}"
            with admin() as connection:
                connection.execute(f'CREATE DATABASE "{database}"')
            created.append(database)
            url = suite_url.rsplit("/", 1)[0] + f"/{database}"
        else:
            url = f"sqlite:///{data / 'lentera.sqlite3'}"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lentera.settings",
            "LENTERA_DATA_DIR": str(data),
            "DATABASE_URL": url,
        }

    yield make
    if created:
        with admin() as connection:
            for database in created:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def moto_s3():
    """Moto's S3 server on 127.0.0.1, for real processes to talk to: its endpoint."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(moto_s3):
    """Call it for a new, empty bucket on moto's S3 server: the LENTERA_S3_* variables
    that point Lentera at it."""
    import uuid

    def make() -> dict:
        variables = {
            "LENTERA_STORAGE": "s3",
            "LENTERA_S3_BUCKET": f"lentera-{uuid.uuid4().hex[:12]}",
            "LENTERA_S3_ENDPOINT_URL": moto_s3,
            "LENTERA_S3_ACCESS_KEY": "lentera-test",
            "LENTERA_S3_SECRET_KEY": "lentera-test-secret",
            "LENTERA_S3_REGION": "us-east-1",
        }
        s3_client(variables).create_bucket(Bucket=variables["LENTERA_S3_BUCKET"])
        return variables

    return make


def s3_client(bucket: dict):
    """A boto3 client for the bucket that `bucket` (LENTERA_S3_* variables) names."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=bucket["LENTERA_S3_ENDPOINT_URL"],
        region_name=bucket["LENTERA_S3_REGION"],
        aws_access_key_id=bucket["LENTERA_S3_ACCESS_KEY"],
        aws_secret_access_key=bucket["LENTERA_S3_SECRET_KEY"],
    )
