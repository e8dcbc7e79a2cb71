"""`/healthz` answers 503 with the failing check named when the server cannot take
documents: storage not writable, too little free space, no worker taking jobs."""

import datetime
import shutil

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lentera.documents.tasks import extract_text

pytestmark = pytest.mark.django_db


def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_a_healthy_server_says_so_for_every_check(client):
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "space": "ok",
        "worker": "ok",
    }


def test_a_files_folder_that_cannot_be_written_is_unhealthy(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the files folder should be")
    storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**storage, "OPTIONS": {"location": str(blocker / "files")}},
    }
    status, body = health(client)
    assert status == 503 and body["status"] == "error"
    assert body["storage"].startswith("error") and body["database"] == "ok"
    assert not blocker.is_dir()


def test_too_little_room_for_an_upload_is_unhealthy(client, settings):
    settings.LENTERA_MAX_UPLOAD_BYTES = 2**62  # more than any disk here has free
    status, body = health(client)
    assert status == 503
    assert body["space"].startswith("error:") and "MiB free" in body["space"]


def test_an_upload_needs_twice_its_size_in_the_temp_folder(client, settings, tmp_path):
    # Waitress spools the request body there, and Django writes the file beside it.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.LENTERA_MAX_UPLOAD_BYTES = shutil.disk_usage(tmp_path).free * 2 // 3
    status, body = health(client)
    assert status == 503 and str(tmp_path) in body["space"]


def test_jobs_nobody_takes_mean_no_worker(client):
    extract_text.enqueue(1)
    assert health(client)[1]["worker"] == "ok"  # just queued: a worker has time
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=20))
    status, body = health(client)
    assert status == 503 and body["worker"].startswith("error: jobs waiting since")
