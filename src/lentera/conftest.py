import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Every test stores its files in its own folder; passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
