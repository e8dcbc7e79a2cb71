"""A worker killed in the middle of an extraction leaves its job "running"; the job
holds a lease, and when the lease runs out a worker queues it again, once."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lentera.documents.constants import TextStatus
from lentera.documents.extraction import extract_version, lease, requeue_expired
from lentera.documents.models import DocumentVersion
from lentera.documents.services import add_document
from lentera.testing import new_item

from . import corpus

pytestmark = pytest.mark.django_db


def running(version, until):
    DocumentVersion.objects.filter(pk=version.pk).update(
        text_status=TextStatus.RUNNING, text_lease_until=until
    )


def test_a_job_is_queued_again_only_after_its_lease_ran_out_and_only_once(world):
    name, data = corpus.text_pdf()
    version = add_document(new_item(world), world.officer, SimpleUploadedFile(name, data))
    jobs = DBTaskResult.objects.count()

    running(version, timezone.now() + lease())  # a worker is at it
    assert requeue_expired() == 0
    version.refresh_from_db()
    assert version.text_status == TextStatus.RUNNING

    running(version, timezone.now() - datetime.timedelta(seconds=1))  # its worker was lost
    assert requeue_expired() == 1
    assert requeue_expired() == 0  # a second worker looking at the same moment
    version.refresh_from_db()
    assert (version.text_status, version.text_lease_until) == (TextStatus.PENDING, None)
    assert DBTaskResult.objects.count() == jobs + 1
    assert extract_version(version.pk) == TextStatus.DONE
    version.refresh_from_db()
    assert version.text_lease_until is None


SETUP = """
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from lentera.documents.services import add_document
from lentera.documents.tests import corpus
from lentera.testing import build_world, new_item
world = build_world()
name, data = corpus.scanned_pdf()  # OCR: long enough a job to be caught at it
print(add_document(new_item(world), world.officer, SimpleUploadedFile(name, data)).pk)
"""

STATUS = """
import sys, django
django.setup()
from lentera.documents.models import DocumentVersion
v = DocumentVersion.objects.get(pk=int(sys.argv[1]))
print(v.text_status, v.text_lease_until is not None)
"""

# The hour passes: the lease of the killed worker's job runs out.
EXPIRE = """
import sys, datetime, django
django.setup()
from django.utils import timezone
from lentera.documents.models import DocumentVersion
DocumentVersion.objects.filter(pk=int(sys.argv[1])).update(
    text_lease_until=timezone.now() - datetime.timedelta(seconds=1)
)
"""


def extractor_under(temp: Path, deadline: float) -> int:
    """The pid of the extractor working in `temp` (its current directory), as soon as
    it runs."""
    while time.monotonic() < deadline:
        for proc in Path("/proc").iterdir():
            try:
                command = (proc / "cmdline").read_bytes()
                directory = os.readlink(proc / "cwd")
            except OSError:
                continue
            if b"lentera.documents.extractor_server" in command and directory.startswith(str(temp)):
                return int(proc.name)
        time.sleep(0.01)
    raise AssertionError("no extractor started")


def test_a_job_whose_worker_was_killed_is_done_by_the_next_worker(process_env, tmp_path):
    env = process_env("site")
    temp = tmp_path / "worker-tmp"
    temp.mkdir()
    env["TMPDIR"] = str(temp)

    def script(code, *args):
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.split()

    def worker():
        return subprocess.Popen(
            [sys.executable, "-m", "lentera.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    subprocess.run([sys.executable, "-m", "lentera.cli", "migrate", "-v", "0"], env=env, check=True)
    version = script(SETUP)[-1]

    first = worker()
    child = None
    try:
        child = extractor_under(temp, time.monotonic() + 60)
        os.kill(child, signal.SIGSTOP)  # caught mid-job
        assert script(STATUS, version) == ["running", "True"]
        os.killpg(first.pid, signal.SIGKILL)  # power cut
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        if child is not None:
            os.kill(child, signal.SIGKILL)
    assert script(STATUS, version) == ["running", "True"]  # nobody will finish it

    script(EXPIRE, version)
    second = worker()
    try:
        deadline = time.monotonic() + 90
        while script(STATUS, version)[0] != "done" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert script(STATUS, version) == ["done", "False"]
    finally:
        os.killpg(second.pid, signal.SIGKILL)
        second.wait(timeout=30)
