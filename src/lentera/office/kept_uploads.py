"""A file chosen on a form that comes back with an error: kept on the server for an
hour, so that the officer does not choose it again (the browser forgets it). One per
officer: keeping another replaces it. Its name waits beside it, in a second file."""

import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File

KEEP_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass
class Kept:
    token: str
    name: str
    path: Path

    def open(self) -> File:
        """The file (OSError when it went meanwhile: the caller asks for it again)."""
        return File(self.path.open("rb"), name=self.name)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".name").unlink(missing_ok=True)


def _folder() -> Path:
    """Where kept files wait; those older than KEEP_SECONDS are removed on the way."""
    folder = Path(settings.KEPT_UPLOADS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # removed meanwhile
            pass
    return folder


def keep(user, upload) -> Kept | None:
    """Keep `upload` (a file the upload handler wrote to disk whole) for `user`, in place
    of any file kept for them before; None for a file over the upload limit, which
    would be kept cut short."""
    if upload.size > settings.LENTERA_MAX_UPLOAD_BYTES:
        return None
    folder = _folder()
    for earlier in folder.glob(f"{user.pk}-*"):
        earlier.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    path = folder / f"{user.pk}-{token}.file"
    shutil.copyfile(upload.temporary_file_path(), path)
    path.with_suffix(".name").write_text(upload.name[:255], encoding="utf-8")
    return Kept(token, upload.name[:255], path)


def find(user, token: str) -> Kept | None:
    """The file `user` had kept under `token`, if it is still there (never another's)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _folder() / f"{user.pk}-{token}.file"
    try:
        name = path.with_suffix(".name").read_text(encoding="utf-8")
    except OSError:
        return None
    return Kept(token, name, path) if path.is_file() else None
