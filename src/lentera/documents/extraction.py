"""Extracting the text and a thumbnail of a stored version, in a limited child process.

The bytes are copied from storage (the filesystem or S3) to a private temporary
directory, and lentera.documents.extractor reads them in a child process with
a memory limit, a CPU limit and a wall-clock timeout that kills its whole
session: a hostile or broken file ends as "failed", the worker goes on. The
child is a forked copy of an extraction server that has imported the readers
once (Server), so a small file takes milliseconds, not a new interpreter.

Without Tesseract (or with LENTERA_OCR=off) a file that needs OCR ends as
"failed" with the message that OCR is not available on this server; a PDF
with a text layer on some pages keeps that text and ends as "done".
"""

import contextlib
import datetime
import json
import logging
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import events
from .checks import ocr_languages
from .constants import TextStatus
from .extractor import MAX_IMAGE_PIXELS
from .filetypes import ALLOWED_TYPES
from .models import DocumentVersion
from .tasks import extract_text

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
OCR_MAX_PAGES = 50  # pages of one file read by OCR; the time limit still applies
# Old binary Office formats: stored and served, but their text is not read.
UNSUPPORTED_TYPES = {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
}
# Environment variables the child may see: no database or storage credentials.
CHILD_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "TESSDATA_PREFIX")
SAVED_FIELDS = [
    "text_status",
    "text_method",
    "text_error",
    "text",
    "text_at",
    "thumbnail",
    "text_lease_until",
]
# How long the extraction server may take to start a job or report a killed one.
SERVER_ANSWER_SECONDS = 30
# Files one extraction server reads before a new one takes over (see server()).
SERVER_JOBS = 100
# Beyond a job's time limit, for copying the file in and saving the outcome.
LEASE_MARGIN = datetime.timedelta(minutes=2)


def error_message(code: str, content_type: str = "") -> str:
    """The message an officer reads for an extraction error code."""
    kind = ALLOWED_TYPES.get(content_type, "").upper() or _("this type")
    messages = {
        "missing": _("The stored file is missing, so its text could not be read."),
        "storage": _("The stored file could not be read from storage."),
        "unsupported": _(
            "Text cannot be read from old %(kind)s files. Save the file as DOCX, XLSX or "
            "PPTX and upload it again to make its text searchable."
        )
        % {"kind": kind},
        "encrypted": _("The PDF is password-protected, so its text could not be read."),
        "damaged": _(
            "The file is damaged or not a valid %(kind)s file; its text could not be read."
        )
        % {"kind": kind},
        "zip_bomb": _(
            "The file unpacks to far more data than its size suggests (a possible zip "
            "bomb), so it was not opened."
        ),
        "image_too_large": _(
            "The image is too large to process (more than %(megapixels)s megapixels)."
        )
        % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
        "ocr_unavailable": _(
            "This file needs OCR (reading text from images), but OCR is not available on "
            "this server."
        ),
        "ocr_failed": _("OCR could not read this file."),
        "timeout": _("Reading the text took longer than %(seconds)s seconds and was stopped.")
        % {"seconds": settings.LENTERA_EXTRACT_TIMEOUT},
        "memory": _("Reading the text needed more than %(mb)s MB of memory and was stopped.")
        % {"mb": settings.LENTERA_EXTRACT_MEMORY_MB},
    }
    return messages.get(
        code,
        _(
            "Reading the text stopped unexpectedly; the file may be damaged or need more "
            "memory than the limit of %(mb)s MB."
        )
        % {"mb": settings.LENTERA_EXTRACT_MEMORY_MB},
    )


# Each job works in its own temporary folder; leftovers.clean_temp() finds those a
# killed worker left by this prefix.
WORKDIR_PREFIX = "lentera-extract-"

# Signals that stop a child from outside: a shutdown (systemd stops the whole unit,
# Ctrl+C), not a fault of the file. The limits the child runs under end it otherwise
# (SIGXCPU, SIGKILL by the timeout or the kernel's memory killer, MemoryError).
STOP_SIGNALS = {-signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP}


class Interrupted(Exception):
    """The extractor was stopped from outside; the job runs again later."""


@dataclass
class Outcome:
    status: str
    method: str = ""
    error: str = ""  # an error code, see error_message()
    text: str = ""
    thumbnail: Path | None = None


class Server:
    """The extractor's server (`python -m lentera.documents.extractor_server`): it
    has imported the readers once and forks a limited copy of itself per file.

    It starts with none of the parent's secrets in its environment (database and
    storage credentials), in its own session, and ends when its stdin closes. One per
    thread; one that answers out of turn or not at all is replaced."""

    def __init__(self) -> None:
        env = {name: os.environ[name] for name in CHILD_ENVIRONMENT if name in os.environ}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lentera.documents.extractor_server"],
            cwd="/",
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,  # its errors go to the worker's log
            start_new_session=True,
        )
        self.pending = b""
        self.jobs = 0
        self.heard = False  # any answer yet

    def run(self, argv: list[str], workdir: Path, timeout: float) -> int | None:
        """The exit status of extractor.main(argv) run in `workdir` (minus the signal
        that ended it), or None when it ran out of time; then its whole session is
        killed (the extractor and any tesseract it started)."""
        job = {
            "argv": argv,
            "workdir": str(workdir),
            "env": {"HOME": str(workdir), "TMPDIR": str(workdir), "OMP_THREAD_LIMIT": "1"},
        }
        try:
            self.process.stdin.write(json.dumps(job).encode() + b"\n")
            self.process.stdin.flush()
        except OSError as exc:
            raise Interrupted("the extraction server stopped") from exc
        self.jobs += 1
        pid = None
        try:
            pid = self._answer("pid", time.monotonic() + SERVER_ANSWER_SECONDS)
            ended = self._read(time.monotonic() + timeout, or_none=True)
            if ended is None:
                _kill_session(pid)
                self._answer("status", time.monotonic() + SERVER_ANSWER_SECONDS)
                return None
            return self._field(ended, "status")
        except BaseException:  # the worker is stopping, or the server is gone or astray
            if pid is not None:
                _kill_session(pid)
            self.close()
            raise

    def _answer(self, name: str, deadline: float) -> int:
        return self._field(self._read(deadline), name)

    def _field(self, answer: dict, name: str) -> int:
        """The answer's `name`, or Interrupted when it is an answer out of turn."""
        value = answer.get(name)
        if type(value) is not int:
            raise Interrupted(f"the extraction server answered out of turn: {answer!r:.100}")
        return value

    def _read(self, deadline: float, or_none: bool = False) -> dict | None:
        """The server's next answer; None (with `or_none`) when none came in time."""
        stdout = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            ready = left > 0 and select.select([stdout], [], [], left)[0]
            if not ready:
                if or_none:
                    return None
                self.close()
                raise Interrupted("the extraction server did not answer")
            chunk = os.read(stdout, 4096)
            if not chunk:
                self.close()
                if not self.heard and self.process.returncode > 0:  # a broken installation
                    raise RuntimeError("the extraction server could not start")
                raise Interrupted("the extraction server stopped")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        self.heard = True
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise Interrupted(f"the extraction server answered {line[:100]!r}")
        return answer

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()


def _kill_session(pid: int) -> None:
    """Kill a job's session (what it started) and the job itself, which may not have
    made its own session yet when it was forked a moment ago."""
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError):
            kill(pid, signal.SIGKILL)


_servers = threading.local()


def server() -> Server:
    """This thread's extraction server, started (again) when needed, and anew after
    SERVER_JOBS files: its forked copies share its memory layout (address space
    randomisation), which a fresh server changes."""
    current = getattr(_servers, "server", None)
    if current is None or not current.alive() or current.jobs >= SERVER_JOBS:
        if current is not None:
            current.close()
        current = _servers.server = Server()
    return current


def _copy_from_storage(name: str, target: Path) -> None:
    with default_storage.open(name, "rb") as stored, open(target, "wb") as copy:
        for chunk in stored.chunks(CHUNK):
            copy.write(chunk)


def _extract(version: DocumentVersion, workdir: Path) -> Outcome:
    # Named with its type's extension: some readers (openpyxl) insist on one.
    source = workdir / f"source.{ALLOWED_TYPES.get(version.content_type, 'bin')}"
    try:
        _copy_from_storage(version.file.name, source)
    except FileNotFoundError:
        return Outcome(TextStatus.FAILED, error="missing")
    except Exception:
        logger.exception("cannot read %s from storage", version.file.name)
        return Outcome(TextStatus.FAILED, error="storage")

    out = workdir / "out"
    out.mkdir()
    timeout = settings.LENTERA_EXTRACT_TIMEOUT
    argv = [
        str(source),
        version.content_type,
        str(out),
        f"--memory-mb={settings.LENTERA_EXTRACT_MEMORY_MB}",
        f"--seconds={max(1, math.ceil(timeout))}",
        f"--ocr-languages={ocr_languages()}",
        f"--ocr-max-pages={OCR_MAX_PAGES}",
    ]
    returncode = server().run(argv, workdir, timeout)
    if returncode in STOP_SIGNALS:
        raise Interrupted(f"extractor stopped by signal {-returncode}")
    if returncode is None or returncode == -signal.SIGXCPU:
        return Outcome(TextStatus.FAILED, error="timeout")
    try:
        result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stderr = (workdir / "stderr.log").read_bytes()[-2000:].decode("utf-8", "replace")
        logger.warning("extractor stopped (%s) on version %s: %s", returncode, version.pk, stderr)
        return Outcome(TextStatus.FAILED, error="crashed")
    if result.get("detail"):
        logger.info("extraction of version %s failed: %s", version.pk, result["detail"])
    thumbnail = out / "thumbnail.png"
    return Outcome(
        status=result["status"],
        method=result.get("method", ""),
        error=result.get("error", ""),
        text=(out / "text.txt").read_text(encoding="utf-8") if result["status"] == "done" else "",
        thumbnail=thumbnail if thumbnail.is_file() else None,
    )


def _save(version_id: int, outcome: Outcome, content_type: str) -> str:
    """Record the outcome, replacing an earlier one; returns the status."""
    new_thumbnail = ""
    if outcome.thumbnail is not None:
        with open(outcome.thumbnail, "rb") as png:
            new_thumbnail = default_storage.save(
                f"thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png", File(png)
            )
    try:
        with transaction.atomic():
            version = (
                DocumentVersion.objects.select_for_update()
                .select_related("document")
                .get(pk=version_id)
            )
            if version.document.disposed_at is not None:  # disposed of meanwhile
                status, discard = "skipped", new_thumbnail
            else:
                status, discard = outcome.status, version.thumbnail.name
                message = error_message(outcome.error, content_type) if outcome.error else ""
                version.text_status = outcome.status
                version.text_method = outcome.method
                version.text_error = message[:300]
                version.text = outcome.text
                version.text_at = timezone.now()
                version.thumbnail = new_thumbnail
                version.text_lease_until = None
                version.save(update_fields=SAVED_FIELDS)
                events.text_extracted.send(DocumentVersion, version=version)
            if discard:
                transaction.on_commit(lambda: default_storage.delete(discard))
    except BaseException:
        if new_thumbnail:  # no file without its record
            default_storage.delete(new_thumbnail)
        raise
    return status


def _requeue(version_id: int) -> None:
    """Waiting again, with a new job: the file was never judged."""
    with transaction.atomic():
        DocumentVersion.objects.filter(pk=version_id).update(
            text_status=TextStatus.PENDING, text_error="", text_lease_until=None
        )
        extract_text.enqueue(version_id)


def lease() -> datetime.timedelta:
    """How long a running job may hold its file before it is given up for lost: its
    time limit and the margin to copy the file in and save the outcome."""
    return datetime.timedelta(seconds=settings.LENTERA_EXTRACT_TIMEOUT) + LEASE_MARGIN


def requeue_expired() -> int:
    """Queue again the jobs whose lease ran out: their worker was killed (SIGKILL, the
    memory killer, a power cut) and will never finish them. Each is taken by one
    conditional update, so several workers doing this queue it once."""
    now = timezone.now()
    expired = DocumentVersion.objects.filter(
        text_status=TextStatus.RUNNING, text_lease_until__lt=now, document__disposed_at=None
    )
    requeued = 0
    for version_id in expired.values_list("pk", flat=True):
        with transaction.atomic():
            taken = DocumentVersion.objects.filter(
                pk=version_id, text_status=TextStatus.RUNNING, text_lease_until__lt=now
            ).update(text_status=TextStatus.PENDING, text_error="", text_lease_until=None)
            if taken:
                extract_text.enqueue(version_id)
                requeued += taken
    if requeued:
        logger.warning("%d extraction job(s) whose worker was lost queued again", requeued)
    return requeued


def extract_version(version_id: int) -> str:
    """Extract the text and thumbnail of one version; returns the resulting status.

    Running it again replaces the earlier result. Versions of disposed documents
    (and versions that no longer exist) are skipped.
    """
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None or version.document.disposed_at is not None:
        return "skipped"
    DocumentVersion.objects.filter(pk=version_id).update(
        text_status=TextStatus.RUNNING, text_error="", text_lease_until=timezone.now() + lease()
    )
    if version.content_type in UNSUPPORTED_TYPES:
        outcome = Outcome(TextStatus.UNSUPPORTED, error="unsupported")
        return _save(version_id, outcome, version.content_type)
    workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
    try:
        outcome = _extract(version, workdir)
        return _save(version_id, outcome, version.content_type)
    except Interrupted as stopped:
        logger.warning("extraction of version %s requeued: %s", version_id, stopped)
        _requeue(version_id)
        return "requeued"
    except (KeyboardInterrupt, SystemExit):
        # The worker itself is told to stop now (a second Ctrl+C or SIGTERM during a
        # job): the file was never judged, so the job waits for the next worker.
        logger.warning("extraction of version %s requeued: the worker is stopping", version_id)
        _requeue(version_id)
        raise
    except BaseException:
        DocumentVersion.objects.filter(pk=version_id).update(
            text_status=TextStatus.FAILED,
            text_error=error_message("crashed")[:300],
            text_lease_until=None,
        )
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
