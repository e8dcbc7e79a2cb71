"""What a killed process leaves in the temp directories: extraction folders and upload
spools. `lentera serve` removes those older than an hour when it starts; younger ones
may belong to another server or worker still at work."""

import datetime
import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings

from .extraction import WORKDIR_PREFIX

# Django spools an upload to tmpXXXXXXXX.upload.<ext> (TemporaryUploadedFile).
UPLOAD_SPOOL = "tmp*.upload*"
LEFTOVER_AGE = datetime.timedelta(hours=1)

logger = logging.getLogger(__name__)


def clean_temp(older_than: datetime.timedelta = LEFTOVER_AGE) -> list[Path]:
    """Remove leftover extraction folders and upload spools older than `older_than`."""
    cutoff = time.time() - older_than.total_seconds()
    found = list(Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"))
    found += Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()).glob(UPLOAD_SPOOL)
    removed = []
    for path in found:
        try:
            if path.lstat().st_mtime > cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:  # gone meanwhile, or not ours to remove
            logger.warning("cannot remove leftover %s: %s", path, exc)
            continue
        removed.append(path)
    if removed:
        logger.warning("removed %d leftover temporary files and folders", len(removed))
    return removed
