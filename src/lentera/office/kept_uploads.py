"""A file chosen on a form that comes back with an error: kept on the server for an
hour, so that the officer does not choose it again (the browser forgets it)."""

import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files import File

KEEP_SECONDS = 3600


@dataclass
class Kept:
    token: str
    name: str
    path: Path

    def open(self) -> File:
        return File(self.path.open("rb"), name=self.name)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


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


def _key(user, token: str) -> str:
    return f"lentera-kept-upload:{user.pk}:{token}"


def keep(user, upload) -> Kept:
    """Keep `upload` (a file the upload handler wrote to disk) for `user`."""
    token = secrets.token_urlsafe(16)
    path = _folder() / f"{user.pk}-{token}"
    shutil.copyfile(upload.temporary_file_path(), path)
    caches["exports"].set(_key(user, token), upload.name, KEEP_SECONDS)
    return Kept(token, upload.name, path)


def find(user, token: str) -> Kept | None:
    """The file `user` had kept under `token`, if it is still there (never another's)."""
    if not token or len(token) > 64:
        return None
    name = caches["exports"].get(_key(user, token))
    path = _folder() / f"{user.pk}-{token}"
    if name is None or not path.is_file():
        return None
    return Kept(token, name, path)
