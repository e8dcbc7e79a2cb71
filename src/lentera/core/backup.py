"""Backup and restore: the database and the files it references, consistent with each
other while the server runs, with a manifest to check them by (docs/operations.md).

A backup folder holds one `files/` tree shared by all its snapshots (a file is copied
once; stored names never change content) and one folder per snapshot:

    DEST/files/documents/2026/12/…pdf
    DEST/20261205T161700Z/manifest.json
    DEST/20261205T161700Z/database.sqlite3   (or database.pgdump)

The database is copied first, as one snapshot (SQLite's online backup; pg_dump of
an exported PostgreSQL snapshot); the files it names are read from that same copy,
so a file stored after the snapshot is not needed and one the snapshot names is.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.documents import fixity

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
CHUNK = 1024 * 1024
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Facts:
    """What a database snapshot holds: rows per table, the files it names, its last event."""

    rows: dict[str, int]
    files: list[str]
    last_event: dict | None


@dataclass
class Outcome:
    snapshot: Path
    manifest: dict
    copied: int = 0
    reused: int = 0
    missing: list[str] = field(default_factory=list)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(
            _("Backups of a %(vendor)s database are not supported.") % {"vendor": vendor}
        )
    return vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[tuple[str, list[str]]]:
    """(table, file columns) of every table Lentera's models own."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        columns = [f.column for f in meta.concrete_fields if isinstance(f, models.FileField)]
        found.append((meta.db_table, columns))
    return sorted(set((table, tuple(columns)) for table, columns in found))


def _read_facts(cursor, quote) -> Facts:
    rows, files = {}, set()
    for table, columns in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        rows[table] = cursor.fetchone()[0]
        for column in columns:
            cursor.execute(f"SELECT DISTINCT {quote(column)} FROM {quote(table)}")
            files.update(name for (name,) in cursor.fetchall() if name)
    events = ActivityEvent._meta.db_table
    cursor.execute(f"SELECT id, {quote('hash')} FROM {quote(events)} ORDER BY id DESC LIMIT 1")
    last = cursor.fetchone()
    return Facts(rows, sorted(files), {"id": last[0], "hash": last[1]} if last else None)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_arguments() -> tuple[list[str], dict]:
    """libpq options and environment for pg_dump/pg_restore, from Django's settings."""
    db = connection.settings_dict
    arguments = ["--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            arguments += [option, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return arguments, env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            _(
                "%(program)s was not found: install PostgreSQL's client programs "
                "(Debian: postgresql-client) of the server's version or newer."
            )
            % {"program": command[0]}
        ) from None
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()[-2000:]}
        )


def dump_database(target: Path) -> Facts:
    """Copy the database into `target` as one consistent snapshot; what it holds."""
    if engine() == "sqlite":
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)
            return _read_facts(copy.cursor(), _quote)
    # PostgreSQL: export this transaction's snapshot, dump exactly it, and read the
    # facts in the same transaction while pg_dump works.
    arguments, env = _pg_arguments()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target)]
                + arguments,
                env,
            )
            return _read_facts(cursor, connection.ops.quote_name)
        finally:
            cursor.execute("ROLLBACK")


def _previous_files(dest: Path) -> dict:
    """The files of the newest earlier snapshot, to trust copies already made."""
    for snapshot in sorted(snapshots(dest), reverse=True):
        try:
            return json.loads((snapshot / MANIFEST).read_text())["files"]
        except (OSError, ValueError, KeyError):
            continue
    return {}


def _copy_from_storage(name: str, target: Path | None) -> tuple[str, int]:
    """The SHA-256 and size of stored file `name`, copied to `target` on the way
    (written whole, then renamed) unless it is None."""
    digest, size = hashlib.sha256(), 0
    with contextlib.ExitStack() as stack:
        stored = stack.enter_context(default_storage.open(name, "rb"))
        copy = None
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            copy = stack.enter_context(open(partial, "wb"))
        for chunk in stored.chunks(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if copy is not None:
                copy.write(chunk)
        if copy is not None:
            copy.flush()
            os.fsync(copy.fileno())
    if target is not None:
        partial.replace(target)
    return digest.hexdigest(), size


def snapshots(dest: Path) -> list[Path]:
    if not dest.is_dir():
        return []
    return sorted(p for p in dest.iterdir() if (p / MANIFEST).is_file())


def safe_name(name: str) -> str:
    """A stored name as a relative path inside files/, or refuse it."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts:
        raise BackupError(
            _("A stored file name points outside the backup: %(name)s") % {"name": name}
        )
    return name


def backup(dest: Path, *, with_files: bool = True, progress=None) -> Outcome:
    """Write a snapshot into `dest`: the database, then the files it names, then the
    manifest. Only a finished snapshot gets its final name."""
    kind = engine()
    dest.mkdir(parents=True, exist_ok=True)
    now = timezone.now().astimezone(datetime.UTC)  # with milliseconds: two in a second
    stamp = now.strftime("%Y%m%dT%H%M%S.") + f"{now.microsecond // 1000:03d}Z"
    partial = Path(tempfile.mkdtemp(prefix=f".{stamp}-", dir=dest))
    try:
        database = partial / DUMPS[kind]
        facts = dump_database(database)
        known = _previous_files(dest)
        outcome = Outcome(snapshot=dest / stamp, manifest={})
        listed = {}
        for name in facts.files:
            target = dest / FILES / safe_name(name)
            entry = known.get(name)
            if with_files:
                if entry and target.is_file() and target.stat().st_size == entry["size"]:
                    outcome.reused += 1
                else:
                    try:
                        sha256, size = _copy_from_storage(name, target)
                    except FileNotFoundError:
                        outcome.missing.append(name)
                        continue
                    entry = {"sha256": sha256, "size": size}
                    outcome.copied += 1
            elif entry is None or entry["sha256"] is None:
                # Not copied (a large bucket, versioned): the key and its hash name it.
                try:
                    sha256, size = _copy_from_storage(name, None)
                except FileNotFoundError:
                    outcome.missing.append(name)
                    continue
                entry = {"sha256": sha256, "size": size}
            listed[name] = entry
            if progress is not None:
                progress(1)
        manifest = {
            "format": FORMAT,
            "lentera": package_version("lentera"),
            "created_at": timezone.now().isoformat(),
            "database": {
                "engine": kind,
                "file": database.name,
                "sha256": sha256_of(database),
                "size": database.stat().st_size,
            },
            "storage": default_storage.__class__.__name__,
            "files_copied": with_files,
            "rows": facts.rows,
            "last_event": facts.last_event,
            "files": listed,
            "missing": outcome.missing,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        final = dest / stamp
        if final.exists():
            raise BackupError(_("%(path)s exists already: run the backup again.") % {"path": final})
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    outcome.manifest = manifest
    return outcome


# Restore -----------------------------------------------------------------------------


def find_snapshot(source: Path) -> Path:
    """`source` itself when it is a snapshot, else its newest snapshot."""
    if (source / MANIFEST).is_file():
        return source
    found = snapshots(source)
    if not found:
        raise BackupError(_("No backup was found in %(path)s.") % {"path": source})
    return found[-1]


def check_snapshot(snapshot: Path) -> dict:
    """The manifest, after checking that the database copy and every file match it."""
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(_("The manifest cannot be read: %(error)s") % {"error": exc}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Unknown backup format: %(format)s") % {"format": manifest.get("format")}
        )
    problems = []
    database = snapshot / manifest["database"]["file"]
    if not database.is_file() or sha256_of(database) != manifest["database"]["sha256"]:
        problems.append(
            _("%(name)s: missing or changed since the backup") % {"name": database.name}
        )
    if manifest["files_copied"]:
        files = snapshot.parent / FILES
        for name, entry in manifest["files"].items():
            path = files / safe_name(name)
            if not path.is_file():
                problems.append(_("%(name)s: missing from the backup") % {"name": name})
            elif sha256_of(path) != entry["sha256"]:
                problems.append(_("%(name)s: changed since the backup") % {"name": name})
    if problems:
        raise BackupError(
            _("The backup does not match its manifest; nothing was restored:")
            + "\n  "
            + "\n  ".join(problems)
        )
    return manifest


def _check_empty_target(manifest: dict) -> None:
    if manifest["database"]["engine"] != engine():
        raise BackupError(
            _("This is a backup of a %(backup)s database; the configured database is %(here)s.")
            % {"backup": manifest["database"]["engine"], "here": engine()}
        )
    if connection.introspection.table_names():
        raise BackupError(
            _(
                "The database is not empty: restore into a new data directory "
                "(LENTERA_DATA_DIR) or an empty PostgreSQL database."
            )
        )
    if manifest["files_copied"]:
        present = [name for name in manifest["files"] if default_storage.exists(name)]
        if present:
            raise BackupError(
                _("The file storage is not empty: %(name)s exists.") % {"name": present[0]}
            )


def _restore_files(snapshot: Path, manifest: dict, restored: list[str]) -> None:
    files = snapshot.parent / FILES
    for name in manifest["files"]:
        with open(files / name, "rb") as stream:
            stored = default_storage.save(name, File(stream))
        restored.append(stored)
        if stored != name:
            raise BackupError(
                _("The storage kept %(name)s as %(stored)s.") % {"name": name, "stored": stored}
            )


def _restore_database(snapshot: Path, manifest: dict) -> None:
    database = snapshot / manifest["database"]["file"]
    if engine() == "sqlite":
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(database)) as copy:
            copy.backup(connection.connection)
        return
    arguments, env = _pg_arguments()
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + arguments
        + [str(database)],
        env,
    )


@dataclass
class Verified:
    events: int
    chain_break: str | None
    rows_differ: list[str]
    files_checked: int
    file_problems: list[str]

    @property
    def ok(self) -> bool:
        return not (self.chain_break or self.rows_differ or self.file_problems)


def verify_restored(manifest: dict) -> Verified:
    """Row counts against the manifest, the activity log's chain, every file's hash."""
    facts = _read_facts(connection.cursor(), connection.ops.quote_name)
    differ = [
        _("%(table)s: %(rows)s rows, the backup had %(count)s")
        % {"table": table, "rows": facts.rows.get(table), "count": count}
        for table, count in manifest["rows"].items()
        if facts.rows.get(table) != count
    ]
    if facts.last_event != manifest["last_event"]:
        differ.append(_("The newest activity event differs from the backup's."))
    events, broken = verify_chain()
    run = fixity.start_run()
    fixity.check_files(run)
    run = fixity.finish_run(run)
    problems = [_("missing: %(file)s") % {"file": v} for v in run.missing]
    problems += [_("corrupt: %(file)s") % {"file": v} for v in run.corrupt]
    problems += [_("orphan: %(file)s") % {"file": name} for name in run.orphans]
    return Verified(events, str(broken) if broken else None, differ, run.checked, problems)


def restore(source: Path) -> tuple[Path, dict, Verified]:
    """Restore the newest snapshot in `source` (or `source` itself) into an empty
    database and storage; files first, so a failed database restore removes them."""
    snapshot = find_snapshot(source)
    manifest = check_snapshot(snapshot)
    _check_empty_target(manifest)
    restored: list[str] = []
    try:
        if manifest["files_copied"]:
            _restore_files(snapshot, manifest, restored)
        _restore_database(snapshot, manifest)
    except BaseException:
        for name in restored:
            default_storage.delete(name)
        raise
    return snapshot, manifest, verify_restored(manifest)
