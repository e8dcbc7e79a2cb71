"""The worker as `lentera demo` starts it: quiet about each task it runs, never about
a failure, and without the system-check warnings the server printed already."""

import subprocess
import sys
import time

ENQUEUE = """
import django; django.setup()
from lentera.search.tasks import refresh_held_by
print(refresh_held_by.enqueue(unit_id=None).id)
"""
STATUS = """
import sys, django; django.setup()
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.get(pk=sys.argv[1]).status)
"""


def _run(env, code, *args) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.split()[-1]


def _worker_log(env, *flags) -> str:
    """What a worker prints while it runs one task."""
    task = _run(env, ENQUEUE)
    worker = subprocess.Popen(
        [sys.executable, "-m", "lentera.cli", "worker", "--interval", "0.2", *flags],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _run(env, STATUS, task) != "SUCCESSFUL" and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _run(env, STATUS, task) == "SUCCESSFUL"
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    return output


def test_a_quiet_worker_logs_no_routine_task_lines_and_no_checks(process_env):
    env = process_env("site")
    env["LENTERA_OCR"] = "on"
    env["LENTERA_OCR_LANGUAGES"] = "ind+xyz"  # a language Tesseract has no data for
    subprocess.run([sys.executable, "-m", "lentera.cli", "migrate", "-v", "0"], env=env, check=True)
    loud = _worker_log(env)
    assert "Task id=" in loud and "lentera.W011" in loud  # what the demo's screen filled with
    quiet = _worker_log(env, "--quiet", "--skip-checks")
    assert "Task id=" not in quiet and "W011" not in quiet
