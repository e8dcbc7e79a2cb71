"""Text extraction, OCR and thumbnails of stored soft copies, run as background jobs."""

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from PIL import Image

from lentera.documents import checks, extraction
from lentera.documents.constants import TextStatus
from lentera.documents.extraction import extract_version
from lentera.documents.extractor import MAX_TEXT_CHARS, Text
from lentera.documents.models import Document
from lentera.documents.services import add_document
from lentera.testing import build_world, new_item

from . import corpus


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, their source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return build_world()


def attach(world, item, made):
    name, data = made
    return add_document(item, world.officer, SimpleUploadedFile(name, data))


def extracted(world, item, made):
    """Upload `made` and run its extraction job here; the version as it then is."""
    version = attach(world, item, made)
    status = extract_version(version.pk)
    version.refresh_from_db()
    assert status == version.text_status
    return version


def assert_has_words(text: str, words: list[str]) -> None:
    lowered = text.lower()
    missing = [word for word in words if word not in lowered]
    assert not missing, f"{missing} not found in {text!r}"


@pytest.mark.parametrize("kind", sorted(corpus.GOOD_FILES))
def test_each_supported_type_gives_its_words(world, item, kind):
    version = extracted(world, item, corpus.GOOD_FILES[kind]())
    assert version.text_status == TextStatus.DONE
    assert version.text_method == "text"
    assert version.text_error == ""
    assert version.text_at is not None
    assert_has_words(version.text, corpus.WORDS[kind])


def test_old_windows_text_is_decoded(world, item):
    version = extracted(world, item, corpus.cp1252_txt_file())
    assert version.text_status == TextStatus.DONE
    assert "pegawai — tahap akhir" in version.text


@pytest.mark.parametrize("made", [corpus.scanned_png, corpus.scanned_pdf])
def test_ocr_reads_a_scanned_indonesian_page(world, item, tesseract, made):
    version = extracted(world, item, made())
    assert version.text_status == TextStatus.DONE
    assert version.text_method == "ocr"
    assert_has_words(version.text, corpus.WORDS["scan"])


@pytest.mark.parametrize("made", [corpus.text_pdf, corpus.scanned_png])
def test_pdfs_and_images_get_a_small_png_thumbnail(world, item, tesseract, made):
    version = extracted(world, item, made())
    assert version.thumbnail.name.startswith("thumbnails/")
    with default_storage.open(version.thumbnail.name, "rb") as stored:
        thumbnail = Image.open(io.BytesIO(stored.read()))
    assert thumbnail.format == "PNG"
    assert 100 <= thumbnail.width <= 320


def test_extraction_reads_from_and_writes_to_s3(s3, world, item):
    version = extracted(world, item, corpus.text_pdf())
    assert version.text_status == TextStatus.DONE
    assert_has_words(version.text, corpus.WORDS["pdf"])
    stored = s3.client.get_object(Bucket=s3.bucket, Key=version.thumbnail.name)
    assert stored["Body"].read().startswith(b"\x89PNG")


def test_office_files_get_no_thumbnail(world, item):
    version = extracted(world, item, corpus.docx_file())
    assert not version.thumbnail


@pytest.mark.parametrize(
    "made, message",
    [
        (corpus.truncated_pdf, "damaged or not a valid PDF file"),
        (corpus.encrypted_pdf, "password-protected"),
        (corpus.zip_bomb_docx, "zip bomb"),
        (corpus.huge_image_png, "image is too large"),
        (lambda: corpus.huge_image_png("besar.png", side=12_000), "image is too large"),
    ],
)
def test_bad_files_fail_with_a_clear_message(world, item, made, message):
    version = extracted(world, item, made())
    assert version.text_status == TextStatus.FAILED
    assert message in version.text_error
    assert version.text == ""
    assert not version.thumbnail


def test_old_binary_office_formats_are_unsupported(world, item):
    version = extracted(world, item, corpus.old_doc_file())
    assert version.text_status == TextStatus.UNSUPPORTED
    assert "old DOC files" in version.text_error


def test_a_missing_stored_file_fails_with_a_clear_message(world, item):
    version = attach(world, item, corpus.text_pdf())
    default_storage.delete(version.file.name)
    assert extract_version(version.pk) == TextStatus.FAILED
    version.refresh_from_db()
    assert "stored file is missing" in version.text_error


def test_running_again_replaces_the_result_and_the_thumbnail(
    world, item, django_capture_on_commit_callbacks
):
    version = extracted(world, item, corpus.text_pdf())
    first_thumbnail = version.thumbnail.name
    version.text = "stale"
    version.save(update_fields=["text"])
    with django_capture_on_commit_callbacks(execute=True):
        assert extract_version(version.pk) == TextStatus.DONE
    version.refresh_from_db()
    assert_has_words(version.text, corpus.WORDS["pdf"])
    assert version.thumbnail.name != first_thumbnail
    assert default_storage.exists(version.thumbnail.name)
    assert not default_storage.exists(first_thumbnail)


def test_versions_of_disposed_documents_are_skipped(world, item):
    version = attach(world, item, corpus.text_pdf())
    Document.objects.filter(pk=version.document_id).update(disposed_at=timezone.now())
    assert extract_version(version.pk) == "skipped"
    version.refresh_from_db()
    assert version.text_status == TextStatus.PENDING
    assert not version.thumbnail


@override_settings(LENTERA_EXTRACT_TIMEOUT=0.2)
def test_a_job_over_its_time_limit_is_stopped_and_marked_failed(world, item):
    # Starting the child and reading a scanned page takes well over 0.2 seconds.
    version = extracted(world, item, corpus.scanned_pdf())
    assert version.text_status == TextStatus.FAILED
    assert "took longer than 0.2 seconds" in version.text_error


def test_a_timeout_kills_the_jobs_whole_session(tmp_path, monkeypatch):
    """The extractor and the tesseract it started both end when time is up."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "tesseract.pid"
    fake = bin_dir / "tesseract"  # a tesseract that never finishes
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    server = extraction.Server()  # started with that PATH
    try:
        name, data = corpus.scanned_pdf()
        (tmp_path / name).write_bytes(data)
        (tmp_path / "out").mkdir()
        argv = [str(tmp_path / name), "application/pdf", str(tmp_path / "out")]
        assert server.run([*argv, "--ocr-languages=ind"], tmp_path, timeout=3) is None
        tesseract = int(pid_file.read_text())
        assert _ends(tesseract), "tesseract kept running after the timeout"
        # The server goes on with the next job.
        (tmp_path / "out" / "again").mkdir()
        argv[2] = str(tmp_path / "out" / "again")
        assert server.run(argv, tmp_path, timeout=30) == 0
    finally:
        server.close()


def test_the_server_runs_jobs_without_the_workers_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://secret@db/lentera")
    monkeypatch.setenv("LENTERA_S3_SECRET_KEY", "rahasia")
    server = extraction.Server()
    try:
        environ = Path(f"/proc/{server.process.pid}/environ").read_bytes()
        assert b"rahasia" not in environ and b"DATABASE_URL" not in environ
    finally:
        server.close()


@pytest.mark.parametrize("stop", ["end", "kill"])
def test_the_servers_copies_end_with_the_server(tmp_path, stop):
    """The copy forked ahead for the next job (and a finished one) go when their server
    goes: told to end (its stdin closes) or killed outright."""
    source = tmp_path / "catatan.txt"
    source.write_text("anggaran kegiatan", encoding="utf-8")
    (tmp_path / "out").mkdir()
    server = extraction.Server()
    assert server.run([str(source), "text/plain", str(tmp_path / "out")], tmp_path, 30) == 0
    assert (tmp_path / "out" / "text.txt").read_text(encoding="utf-8") == "anggaran kegiatan"
    copies = _waiting_copies(server.process.pid)
    assert copies  # the next job's copy waits (forked once the job has ended)
    if stop == "end":
        server.process.stdin.close()
        assert server.process.wait(timeout=30) == 0
    else:
        server.process.kill()
    server.close()
    assert all(_ends(copy) for copy in copies)


def test_the_servers_former_command_still_serves(tmp_path):
    """A worker started before an upgrade runs `extractor --serve`: its next server
    still takes jobs (else each file would fail until the worker restarts)."""
    source = tmp_path / "catatan.txt"
    source.write_text("anggaran kegiatan", encoding="utf-8")
    (tmp_path / "out").mkdir()
    job = {"argv": [str(source), "text/plain", str(tmp_path / "out")], "workdir": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "lentera.documents.extractor", "--serve"],
        input=json.dumps({**job, "env": {}}).encode() + b"\n",
        capture_output=True,
        timeout=60,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and answers[1] == {"status": 0}
    assert (tmp_path / "out" / "text.txt").read_text(encoding="utf-8") == "anggaran kegiatan"


def _waiting_copies(server: int, seconds: float = 10) -> list[int]:
    """The server's children, once one of them is a living process (not the finished
    job's copy, a zombie until the next job reaps it); fails when none comes."""
    deadline = time.monotonic() + seconds
    while True:
        children = [
            int(child)
            for child in Path(f"/proc/{server}/task/{server}/children").read_text().split()
        ]
        if any(_state(child) not in (None, "Z") for child in children):
            return children
        assert time.monotonic() < deadline, "no copy waits for the next job"
        time.sleep(0.01)


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, Z...), None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def _ends(pid: int) -> bool:
    """Whether process `pid` is gone (or a zombie) within a generous wait."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _state(pid) in (None, "Z", "X"):
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return False


@override_settings(LENTERA_EXTRACT_MEMORY_MB=100)
def test_a_job_over_its_memory_limit_is_stopped_and_marked_failed(world, item):
    # 5000 x 5000 RGB pixels need 75 MB once decoded, and more to resize and read.
    buffer = io.BytesIO()
    Image.new("RGB", (5000, 5000), "white").save(buffer, "PNG")
    version = extracted(world, item, ("halaman-besar.png", buffer.getvalue()))
    assert version.text_status == TextStatus.FAILED
    assert "100 MB" in version.text_error


def test_text_is_capped_and_cleaned():
    text = Text()
    text.add("awal\x00")
    text.add("x" * (MAX_TEXT_CHARS + 10))
    text.add("tidak masuk")
    assert text.value().startswith("awal\nxxx")
    assert len(text.value()) == MAX_TEXT_CHARS
    assert "tidak masuk" not in text.value()


def test_checks_stay_quiet_when_tesseract_reads_indonesian(tesseract):
    assert checks.check_ocr() == []


def test_checks_warn_about_missing_language_data(tesseract):
    with override_settings(LENTERA_OCR_LANGUAGES="ind+zzz"):
        (warning,) = checks.check_ocr()
    assert warning.id == "lentera.W011"
    assert "zzz" in warning.msg


def test_without_tesseract_the_checks_warn_and_extraction_goes_on(
    world, item, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract
    warnings = [m for m in run_checks() if m.id == "lentera.W010"]
    assert len(warnings) == 1
    assert "OCR of scanned PDFs and images is off" in warnings[0].msg

    version = extracted(world, item, corpus.text_pdf())
    assert version.text_status == TextStatus.DONE
    assert_has_words(version.text, corpus.WORDS["pdf"])

    scanned = extracted(world, item, corpus.scanned_png())
    assert scanned.text_status == TextStatus.FAILED
    assert "OCR is not available on this server" in scanned.text_error
    assert scanned.thumbnail  # the preview does not need OCR


@pytest.mark.django_db(transaction=True)
def test_the_worker_extracts_an_uploaded_file(run_worker):
    world = build_world()
    version = attach(world, new_item(world), corpus.text_pdf())
    assert version.text_status == TextStatus.PENDING
    run_worker()
    version.refresh_from_db()
    assert version.text_status == TextStatus.DONE
    assert_has_words(version.text, corpus.WORDS["pdf"])
    job = DBTaskResult.objects.get(task_path="lentera.documents.tasks.extract_text")
    assert job.status == "SUCCESSFUL"
    assert job.return_value == TextStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_hostile_files_and_goes_on(run_worker):
    world = build_world()
    item = new_item(world)
    bad = [
        attach(world, item, made())
        for made in (corpus.truncated_pdf, corpus.zip_bomb_docx, corpus.huge_image_png)
    ]
    good = attach(world, item, corpus.odt_file())
    run_worker()
    for version in bad:
        version.refresh_from_db()
        assert version.text_status == TextStatus.FAILED
        assert version.text_error
    good.refresh_from_db()
    assert good.text_status == TextStatus.DONE
    assert_has_words(good.text, corpus.WORDS["odt"])
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_office_item_page_shows_each_files_extraction(world, item, client):
    good = extracted(world, item, corpus.text_pdf())
    bad = extracted(world, item, corpus.encrypted_pdf())
    client.force_login(world.officer)
    page = client.get(reverse("office:item", args=[item.pk])).content.decode()
    assert f'id="extraction-{good.pk}"' in page
    assert reverse("office:thumbnail", args=[good.pk]) in page
    assert reverse("office:thumbnail", args=[bad.pk]) not in page
    assert bad.text_error in page
    thumbnail = client.get(reverse("office:thumbnail", args=[good.pk]))
    assert thumbnail["Content-Type"] == "image/png"


def _on_start(monkeypatch, act) -> list[int]:
    """Call act(pid) the moment the server says a job's extractor has started."""
    started = []
    read = extraction.Server._read

    def reading(self, deadline, or_none=False):
        answer = read(self, deadline, or_none)
        if answer is not None and "pid" in answer:
            started.append(answer["pid"])
            act(answer["pid"])
        return answer

    monkeypatch.setattr(extraction.Server, "_read", reading)
    return started


def _stop_extractor_as_it_starts(monkeypatch, stop: int) -> list[int]:
    """Send `stop` to the extractor the moment it has started, as systemd does to
    every process of a unit it stops: long before it could write a result, so the
    outcome does not depend on the machine's load."""
    return _on_start(monkeypatch, lambda pid: os.kill(pid, stop))


@pytest.fixture
def hangups_heard(monkeypatch):
    """A new extraction server that hears SIGHUP even when the tests run under nohup
    (which has every process it starts ignore it)."""
    monkeypatch.setattr(extraction, "_servers", threading.local())
    before = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGHUP, before)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_an_extractor_stopped_from_outside_requeues_the_job_and_never_fails_the_file(
    world, item, stop, monkeypatch, hangups_heard
):
    version = attach(world, item, corpus.long_text_pdf())
    jobs_before = DBTaskResult.objects.count()
    stopped = _stop_extractor_as_it_starts(monkeypatch, stop)
    assert extract_version(version.pk) == "requeued"
    assert len(stopped) == 1
    monkeypatch.undo()
    version.refresh_from_db()
    assert version.text_status == TextStatus.PENDING and version.text_error == ""
    assert DBTaskResult.objects.count() == jobs_before + 1  # runs again later
    # The next run, undisturbed, reads the file.
    assert extract_version(version.pk) == TextStatus.DONE


def test_a_stop_that_reaches_the_new_server_too_requeues_its_first_job(world, item, monkeypatch):
    """systemd stopping a unit signals every process: the extraction server as well as
    its child, on the server's very first file."""
    version = attach(world, item, corpus.long_text_pdf())  # still reading when stopped
    monkeypatch.setattr(extraction, "_servers", threading.local())  # a new server

    def stop_all(pid):
        os.kill(extraction._servers.server.process.pid, signal.SIGTERM)
        os.kill(pid, signal.SIGTERM)

    _on_start(monkeypatch, stop_all)
    assert extract_version(version.pk) == "requeued"
    monkeypatch.undo()
    version.refresh_from_db()
    assert version.text_status == TextStatus.PENDING and version.text_error == ""


def test_an_answer_out_of_turn_ends_the_server_and_requeues_the_job(world, item, monkeypatch):
    version = attach(world, item, corpus.text_pdf())
    read = extraction.Server._read

    def astray(self, deadline, or_none=False):
        answer = read(self, deadline, or_none)
        return {"status": 0} if answer is not None and "pid" in answer else answer

    monkeypatch.setattr(extraction.Server, "_read", astray)
    assert extract_version(version.pk) == "requeued"
    server = extraction._servers.server
    assert not server.alive()
    monkeypatch.undo()
    assert extract_version(version.pk) == TextStatus.DONE  # a new server reads it


def test_a_worker_told_to_stop_mid_job_requeues_it_and_never_fails_the_file(
    world, item, monkeypatch
):
    """db_worker answers a second SIGTERM or Ctrl+C with sys.exit() from its signal
    handler, which raises in whatever the worker is waiting on: here, the extractor."""
    # 100 pages: still being read when it is stopped (a one-page PDF could be done
    # before the answer naming its extractor reached the worker, on a busy machine).
    version = attach(world, item, corpus.long_text_pdf())
    jobs_before = DBTaskResult.objects.count()

    stop = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1))

    def hang(pid):
        os.kill(pid, signal.SIGSTOP)  # cannot finish before the worker stops
        stop.start()

    hung = _on_start(monkeypatch, hang)

    def worker_stops(signum, frame):
        sys.exit(1)

    previous = signal.signal(signal.SIGUSR1, worker_stops)
    try:
        with pytest.raises(SystemExit):
            extract_version(version.pk)
    finally:
        stop.cancel()  # a job done too soon must fail this test, not kill the runner
        signal.signal(signal.SIGUSR1, previous)
    monkeypatch.undo()
    version.refresh_from_db()
    assert version.text_status == TextStatus.PENDING and version.text_error == ""
    assert DBTaskResult.objects.count() == jobs_before + 1
    assert len(hung) == 1 and _ends(hung[0]), "the stopped extractor was left behind"
    assert extract_version(version.pk) == TextStatus.DONE  # by a new server
