"""Fixity: re-hash the stored files and find missing, corrupt and orphan ones.

A run walks the versions in id order and saves its place every few files, so
an interrupted run (Ctrl+C, a restart) can be resumed where it stopped.
"""

import datetime
import hashlib
import logging
import posixpath
from collections.abc import Callable, Iterator

from django.core.files.storage import default_storage
from django.utils import timezone

from .constants import FixityStatus
from .models import DocumentVersion, FixityRun
from .serving import open_stored

# Top-level storage folders that hold only files Lentera's records point to.
STORED_FOLDERS = ("documents", "thumbnails")
SAVE_EVERY = 10
# Where the sweep moves orphan files: kept for a person to look at, never deleted.
QUARANTINE = "quarantine"
# An orphan younger than this may be an upload whose record is still committing.
SWEEP_AFTER = datetime.timedelta(hours=1)

logger = logging.getLogger(__name__)


def live_versions():
    """Versions whose bytes must still be stored: every one not disposed of."""
    return DocumentVersion.objects.filter(document__disposed_at__isnull=True)


def start_run(sample: int | None = None) -> FixityRun:
    """A new run over every live version, or over `sample` of them chosen at random."""
    versions = live_versions()
    planned = []
    if sample is not None:
        planned = sorted(versions.order_by("?").values_list("pk", flat=True)[:sample])
        total = len(planned)
    else:
        total = versions.count()
    return FixityRun.objects.create(sample=sample, planned=planned, total=total)


def unfinished_run() -> FixityRun | None:
    """The latest run, when it did not finish."""
    latest = FixityRun.objects.order_by("-started_at", "-id").first()
    return latest if latest is not None and latest.finished_at is None else None


def _remaining(run: FixityRun):
    versions = live_versions().filter(pk__gt=run.last_version_id)
    if run.sample is not None:
        versions = versions.filter(pk__in=run.planned)
    return versions.select_related("document").order_by("pk")


def _batches(run: FixityRun, size: int = 200) -> Iterator[DocumentVersion]:
    # Fetched a batch at a time after the run's place: no cursor is held open
    # while the rows are updated.
    while batch := list(_remaining(run)[:size]):
        yield from batch


def rehash(version: DocumentVersion) -> tuple[str, int]:
    """SHA-256 and size of the version's stored bytes, read in chunks."""
    sha, size = hashlib.sha256(), 0
    stored = open_stored(version.file.storage, version.file.name)
    try:
        for chunk in stored:
            sha.update(chunk)
            size += len(chunk)
    finally:
        stored.close()
    return sha.hexdigest(), size


def check_version(version: DocumentVersion) -> dict | None:
    """Re-hash one version and record the outcome on it; a finding, or None if intact."""
    finding = {
        "version": version.pk,
        "item": version.document.item_id,
        "file": version.file.name,
        "name": version.original_name,
    }
    try:
        sha256, size = rehash(version)
    except FileNotFoundError:
        status = FixityStatus.MISSING
    else:
        intact = sha256 == version.sha256 and size == version.size
        status = FixityStatus.OK if intact else FixityStatus.CORRUPT
        finding |= {
            "expected_sha256": version.sha256,
            "found_sha256": sha256,
            "expected_size": version.size,
            "found_size": size,
        }
    # An update, not save(): the extraction job may be writing other fields.
    DocumentVersion.objects.filter(pk=version.pk).update(
        fixity_checked_at=timezone.now(), fixity_status=status
    )
    return None if status == FixityStatus.OK else finding | {"status": status}


def check_files(run: FixityRun, on_progress: Callable[[int], object] | None = None) -> FixityRun:
    """Re-hash the files `run` has still to check; its place is saved as it goes.

    `on_progress(1)` is called after each file (a progress bar's update).
    """
    run.total = run.checked + _remaining(run).count()  # files may have come or gone since
    fields = ["total", "checked", "last_version_id", "missing", "corrupt"]
    run.save(update_fields=fields)
    try:
        for version in _batches(run):
            finding = check_version(version)
            if finding is not None:
                getattr(run, finding["status"]).append(finding)
            run.checked += 1
            run.last_version_id = version.pk
            if run.checked % SAVE_EVERY == 0:
                run.save(update_fields=fields)
            if on_progress is not None:
                on_progress(1)
    finally:
        # Also when interrupted: a resumed run starts after the last file checked.
        run.save(update_fields=fields)
    return run


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored there yet
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from _walk(storage, posixpath.join(folder, sub))


def find_orphans(storage=default_storage) -> list[str]:
    """Stored files under documents/ and thumbnails/ that no live version points to.

    Bytes of disposed documents still present count as orphans. The storage is
    listed before the records are read, so a file whose upload commits during
    the walk is not reported.
    """
    stored = [name for folder in STORED_FOLDERS for name in _walk(storage, folder)]
    referenced = set()
    for file, thumbnail in live_versions().values_list("file", "thumbnail").iterator():
        referenced.update((file, thumbnail))
    return sorted(name for name in stored if name not in referenced)


def sweep_orphans(
    older_than: datetime.timedelta = SWEEP_AFTER, storage=default_storage
) -> list[tuple[str, str]]:
    """Move orphan files older than `older_than` into quarantine/<date>/, keeping their
    path: the bytes a crash left between storing a file and committing its record, or
    between a disposal's commit and the removal of its bytes. Returns (from, to) pairs.

    Younger orphans stay: an upload stores its bytes before its transaction commits.
    """
    cutoff = timezone.now() - older_than
    moved = []
    for name in find_orphans(storage):
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
        except FileNotFoundError:  # gone meanwhile
            continue
        try:
            with storage.open(name, "rb") as stored:
                kept = storage.save(f"{QUARANTINE}/{timezone.localdate():%Y-%m-%d}/{name}", stored)
        except FileNotFoundError:  # moved meanwhile by another server's sweep
            continue
        storage.delete(name)
        logger.warning("Orphan file %s moved to %s", name, kept)
        moved.append((name, kept))
    return moved


def finish_run(run: FixityRun) -> FixityRun:
    """Look for orphan files and mark the run finished."""
    run.orphans = find_orphans()
    run.finished_at = timezone.now()
    run.save(update_fields=["orphans", "finished_at"])
    return run


def has_problems(run: FixityRun) -> bool:
    return bool(run.missing or run.corrupt or run.orphans)
