"""`lentera fixity` re-hashes the stored files and names what is missing, corrupt or orphaned."""

import hashlib
import io
import os
import time

import pytest
from django.core.management import CommandError, call_command

from lentera.documents import fixity
from lentera.documents.constants import FixityStatus
from lentera.documents.models import DocumentVersion, FixityRun
from lentera.documents.services import add_document, delete_document, dispose_document
from lentera.testing import new_item, pdf_upload

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def versions(world):
    """Three stored files on two items."""
    first = new_item(world, title="Rencana Strategis Biro Kesra 2025-2029")
    second = new_item(world, title="Laporan Keuangan Biro Kesra 2024")
    return [
        add_document(first, world.officer, pdf_upload("renstra.pdf", "Renstra 2025-2029")),
        add_document(first, world.officer, pdf_upload("lampiran.pdf", "Lampiran Renstra")),
        add_document(second, world.officer, pdf_upload("lk-2024.pdf", "Laporan Keuangan")),
    ]


def fixity_command(*args) -> str:
    out = io.StringIO()
    call_command("fixity", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def failing_fixity_command(*args) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("fixity", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    assert failure.value.returncode == 1  # the exit status of `lentera fixity`
    return out.getvalue(), str(failure.value)


def stored_path(files_dir, version):
    return files_dir / version.file.name


def test_clean_run_checks_every_file_and_succeeds(versions):
    output = fixity_command()
    assert "Checked 3 of 3 files." in output
    assert "All files intact" in output
    assert set(DocumentVersion.objects.values_list("fixity_status", flat=True)) == {"ok"}
    assert DocumentVersion.objects.filter(fixity_checked_at__isnull=True).count() == 0
    run = FixityRun.objects.get()
    assert run.finished_at is not None and run.checked == 3 and not fixity.has_problems(run)


@pytest.mark.parametrize("damage", ["flip a byte", "truncate"])
def test_damaged_file_is_reported_corrupt(versions, files_dir, damage):
    victim = versions[1]
    path = stored_path(files_dir, victim)
    data = bytearray(path.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0x01
    else:
        data = data[:-10]
    path.write_bytes(bytes(data))

    output, error = failing_fixity_command()
    assert "0 missing, 1 corrupt, 0 orphan" in error
    line = next(line for line in output.splitlines() if line.startswith("CORRUPT"))
    assert f"version {victim.pk} of item {victim.document.item_id}" in line
    assert victim.file.name in line and "lampiran.pdf" in line
    assert f"expected SHA-256 {victim.sha256} ({victim.size} bytes)" in line
    assert f"found {hashlib.sha256(data).hexdigest()} ({len(data)} bytes)" in line
    victim.refresh_from_db()
    assert victim.fixity_status == FixityStatus.CORRUPT
    others = DocumentVersion.objects.exclude(pk=victim.pk)
    assert set(others.values_list("fixity_status", flat=True)) == {"ok"}


def test_deleted_file_is_reported_missing(versions, files_dir):
    victim = versions[0]
    stored_path(files_dir, victim).unlink()
    output, error = failing_fixity_command()
    assert "1 missing, 0 corrupt, 0 orphan" in error
    assert f"MISSING version {victim.pk} of item {victim.document.item_id}" in output
    victim.refresh_from_db()
    assert victim.fixity_status == FixityStatus.MISSING


def test_stray_file_is_reported_orphan_but_a_live_thumbnail_is_not(versions, files_dir):
    stray = files_dir / "documents" / "2024" / "12" / "tertinggal.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.4 bytes nobody recorded")
    thumbnail = files_dir / "thumbnails" / f"{versions[0].pk}.png"
    thumbnail.parent.mkdir(parents=True, exist_ok=True)
    thumbnail.write_bytes(b"\x89PNG\r\n\x1a\n")
    DocumentVersion.objects.filter(pk=versions[0].pk).update(
        thumbnail=f"thumbnails/{versions[0].pk}.png"
    )
    outside = files_dir / "elsewhere.txt"  # not a folder Lentera keeps records for
    outside.write_text("catatan")

    output, error = failing_fixity_command()
    assert "0 missing, 0 corrupt, 1 orphan" in error
    assert "ORPHAN documents/2024/12/tertinggal.pdf" in output
    assert FixityRun.objects.get().orphans == ["documents/2024/12/tertinggal.pdf"]
    assert stray.exists()  # reported, never deleted


def test_bytes_left_behind_by_a_disposal_are_orphans(world, versions, files_dir):
    # The item is still in its SOP, so its officer may delete the file.
    victim = versions[2]
    delete_document(victim.document, world.officer, reason="Salah unggah berkas")
    # The bytes go only after the commit, which a test transaction never reaches:
    # just what a crash between the two would leave.
    dispose_document(victim.document, world.approver, reason="Masa retensi habis")
    output, error = failing_fixity_command()
    assert "Checked 2 of 2 files." in output  # disposed versions are not expected to exist
    assert f"ORPHAN {victim.file.name}" in output
    assert "0 missing, 0 corrupt, 1 orphan" in error


def test_deleted_but_kept_document_is_still_checked(world, versions):
    delete_document(versions[2].document, world.officer, reason="Salah unggah berkas")
    assert "Checked 3 of 3 files." in fixity_command()


def test_sample_checks_only_that_many_files(versions):
    output = fixity_command("--sample", "1")
    assert "Checked 1 of 1 files." in output
    assert DocumentVersion.objects.filter(fixity_checked_at__isnull=False).count() == 1
    run = FixityRun.objects.get()
    assert run.sample == 1 and len(run.planned) == 1


def test_interrupted_run_stays_unfinished_and_resume_checks_only_the_rest(versions):
    run = fixity.start_run()
    seen = []

    def interrupt_after_two(step):
        seen.append(step)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fixity.check_files(run, on_progress=interrupt_after_two)
    run.refresh_from_db()
    assert run.finished_at is None
    assert (run.checked, run.last_version_id) == (2, versions[1].pk)
    first_checks = dict(DocumentVersion.objects.values_list("pk", "fixity_checked_at"))
    assert first_checks[versions[2].pk] is None

    output = fixity_command("--resume")
    assert "Resuming the run" in output and "2 of 3 files checked" in output
    assert "Checked 3 of 3 files." in output
    run.refresh_from_db()
    assert run.finished_at is not None and run.checked == 3
    assert FixityRun.objects.count() == 1
    after = dict(DocumentVersion.objects.values_list("pk", "fixity_checked_at"))
    assert after[versions[0].pk] == first_checks[versions[0].pk]  # not checked again
    assert after[versions[1].pk] == first_checks[versions[1].pk]
    assert after[versions[2].pk] is not None


def test_resumed_sample_checks_the_same_planned_files(versions):
    planned = [versions[0].pk, versions[2].pk]
    FixityRun.objects.create(
        sample=2, planned=planned, total=2, checked=1, last_version_id=versions[0].pk
    )
    output = fixity_command("--resume")
    assert "Checked 2 of 2 files." in output
    checked = DocumentVersion.objects.filter(fixity_checked_at__isnull=False)
    assert list(checked.values_list("pk", flat=True)) == [versions[2].pk]


def test_resume_without_an_unfinished_run_starts_a_new_one(versions):
    fixity_command()
    output = fixity_command("--resume")
    assert "No unfinished run to resume" in output and "Checked 3 of 3 files." in output
    assert FixityRun.objects.count() == 2


def test_resume_keeps_its_own_sample(versions):
    with pytest.raises(CommandError, match="--resume"):
        fixity_command("--resume", "--sample", "2")


# The sweep: orphans a crash left are moved aside, never deleted, never a young one.


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_sweep_quarantines_old_orphans_and_leaves_young_ones_and_records(
    world, versions, files_dir
):
    # What a kill -9 between storing the bytes and committing leaves behind.
    crashed = files_dir / "documents" / "2026" / "11" / "a1b2c3.pdf"
    crashed.parent.mkdir(parents=True, exist_ok=True)
    crashed.write_bytes(b"%PDF-1.4 stored, never recorded")
    _age(crashed, 2)
    in_flight = files_dir / "documents" / "2026" / "12" / "d4e5f6.pdf"
    in_flight.parent.mkdir(parents=True, exist_ok=True)
    in_flight.write_bytes(b"%PDF-1.4 an upload still committing")
    # A soft-deleted document keeps its bytes until a disposal: not an orphan.
    delete_document(versions[1].document, world.officer, reason="Salah unggah")
    for version in versions:
        _age(stored_path(files_dir, version), 5)

    output, error = failing_fixity_command("--sweep")
    assert "QUARANTINED documents/2026/11/a1b2c3.pdf" in output
    assert "Swept 1 orphan files." in output
    assert not crashed.exists()
    kept = list((files_dir / "quarantine").rglob("a1b2c3.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"%PDF-1.4 stored, never recorded"
    assert kept[0].relative_to(files_dir / "quarantine").parts[1:] == (
        "documents", "2026", "11", "a1b2c3.pdf"
    )  # fmt: skip
    # The young one is still reported, not moved; every recorded file is intact.
    assert in_flight.exists() and "ORPHAN documents/2026/12/d4e5f6.pdf" in output
    assert all(stored_path(files_dir, v).exists() for v in versions)
    assert "0 missing, 0 corrupt, 1 orphan" in error

    _age(in_flight, 2)
    output = fixity_command("--sweep")
    assert "All files intact; no orphan files." in output
    assert len(list((files_dir / "quarantine").rglob("*.pdf"))) == 2


def test_sweep_refuses_a_threshold_under_a_minute(versions):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("fixity", "--sweep", "--older-than", "0", stdout=io.StringIO())
