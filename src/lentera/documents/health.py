"""Whether this server can take and keep documents: what `/healthz` reports.

Each check answers "ok" or a short reason; a load balancer or monitor takes the
server out while any fails (docs/configuration.md, "Health").
"""

import datetime
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

# A probe write every request would load the storage: its answer is kept this long.
PROBE_SECONDS = 10
# Jobs waiting longer than this mean no worker is taking them.
WORKER_LATE = datetime.timedelta(minutes=15)


def checks() -> dict[str, str]:
    """Every check by name: "ok" or what is wrong."""
    return {
        "database": _guarded(_database),
        "storage": _guarded(_storage_writable),
        "space": _guarded(_free_space),
        "worker": _guarded(_worker),
    }


def _guarded(check) -> str:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return f"error: {exc.__class__.__name__}"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _storage_writable() -> str:
    """Store and delete a small file (S3: a missing bucket or key fails here too)."""
    where = (
        type(default_storage).__name__,
        getattr(default_storage, "location", None),
        getattr(default_storage, "bucket_name", None),
    )
    key = f"lentera:health:storage:{hash(where)}"
    if cache.get(key) is None:  # only a success is kept
        name = default_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
        cache.set(key, "ok", PROBE_SECONDS)
    return "ok"


def _free_space() -> str:
    """Room for the largest upload where it is spooled (twice: waitress's copy of the
    request body and Django's of the file) and where files are kept on this disk."""
    largest = settings.LENTERA_MAX_UPLOAD_BYTES
    needs = {Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()): 2 * largest}
    location = getattr(default_storage, "location", None)
    if location:  # a storage on this server's disk
        needs[Path(location)] = needs.get(Path(location), 0) + largest
    for place, needed in sorted(needs.items()):
        while not place.exists() and place != place.parent:
            place = place.parent  # the files folder appears with the first upload
        free = shutil.disk_usage(place).free
        if free < needed:
            return f"error: {place} has {free // 2**20} MiB free, uploads need {needed // 2**20}"
    return "ok"


def _worker() -> str:
    cutoff = timezone.now() - WORKER_LATE
    waiting = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=cutoff)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lt=cutoff))
        .order_by("enqueued_at")
        .first()
    )
    if waiting is not None:
        return f"error: jobs waiting since {waiting.enqueued_at:%Y-%m-%d %H:%M} UTC"
    return "ok"
