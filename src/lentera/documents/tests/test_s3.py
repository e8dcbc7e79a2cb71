"""Soft copies in S3-compatible storage: a real S3 endpoint (moto's server) on 127.0.0.1."""

import hashlib
import io

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from storages.backends.s3 import S3Storage

from lentera.documents.constants import FixityStatus
from lentera.documents.services import add_document, delete_document, dispose_document
from lentera.testing import new_item, pdf_upload

pytestmark = pytest.mark.usefixtures("english")


def stored_object(s3, name: str) -> bytes:
    return s3.client.get_object(Bucket=s3.bucket, Key=name)["Body"].read()


def test_default_storage_follows_the_settings(s3):
    assert isinstance(default_storage, S3Storage)
    assert default_storage.bucket_name == s3.bucket


def test_upload_is_stored_in_the_bucket_and_nowhere_else(s3, world, files_dir):
    item = new_item(world)
    version = add_document(item, world.officer, pdf_upload("lkjip-2024.pdf", "LKjIP 2024"))
    data = stored_object(s3, version.file.name)
    assert version.file.name.startswith("documents/")
    assert hashlib.sha256(data).hexdigest() == version.sha256 and len(data) == version.size
    assert not files_dir.exists() or not any(files_dir.rglob("*.pdf"))


def test_public_download_reads_only_the_requested_range_from_s3(s3, client, published):
    item, version = published
    data = stored_object(s3, version.file.name)
    url = reverse("portal:download", args=[item.pk, version.pk])

    fetched = []  # what S3 actually sent for each GetObject
    events = default_storage.connection.meta.client.meta.events
    events.register(
        "after-call.s3.GetObject",
        lambda parsed, **kwargs: fetched.append(
            (parsed.get("ContentLength"), parsed.get("ContentRange"))
        ),
    )
    response = client.get(url, HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(response.streaming_content) == data[10:20]
    assert fetched == [(10, f"bytes 10-19/{len(data)}")]

    tail = client.get(url, HTTP_RANGE="bytes=-7")
    assert b"".join(tail.streaming_content) == data[-7:]
    whole = client.get(url)
    assert whole.status_code == 200 and whole["ETag"] == f'"{version.sha256}"'
    assert b"".join(whole.streaming_content) == data


def test_fixity_on_s3_catches_a_corrupt_object_a_missing_one_and_an_orphan(s3, world):
    item = new_item(world)
    intact, corrupt, missing = (
        add_document(item, world.officer, pdf_upload(f"berkas-{n}.pdf", f"Berkas {n}"))
        for n in range(3)
    )
    data = bytearray(stored_object(s3, corrupt.file.name))
    data[len(data) // 2] ^= 0x01
    s3.client.put_object(Bucket=s3.bucket, Key=corrupt.file.name, Body=bytes(data))
    s3.client.delete_object(Bucket=s3.bucket, Key=missing.file.name)
    s3.client.put_object(Bucket=s3.bucket, Key="documents/2024/12/tertinggal.pdf", Body=b"%PDF")

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 missing, 1 corrupt, 1 orphan"):
        call_command("fixity", "--no-progress", stdout=out, stderr=io.StringIO())
    output = out.getvalue()
    assert f"CORRUPT version {corrupt.pk} of item {item.pk}" in output
    assert f"found {hashlib.sha256(data).hexdigest()}" in output
    assert f"MISSING version {missing.pk} of item {item.pk}" in output
    assert "ORPHAN documents/2024/12/tertinggal.pdf" in output
    for version, status in ((intact, "ok"), (corrupt, "corrupt"), (missing, "missing")):
        version.refresh_from_db()
        assert version.fixity_status == FixityStatus(status)


def test_disposal_removes_the_object(s3, world, django_capture_on_commit_callbacks):
    item = new_item(world)
    version = add_document(item, world.officer, pdf_upload("salah-unggah.pdf", "Salah"))
    kept = add_document(item, world.officer, pdf_upload("renja.pdf", "Renja"))
    delete_document(version.document, world.officer, reason="Salah unggah berkas")
    assert stored_object(s3, version.file.name)  # a deleted file keeps its bytes
    with django_capture_on_commit_callbacks(execute=True):
        dispose_document(version.document, world.approver, reason="Masa retensi habis")
    with pytest.raises(ClientError) as gone:
        s3.client.head_object(Bucket=s3.bucket, Key=version.file.name)
    assert gone.value.response["Error"]["Code"] == "404"
    assert stored_object(s3, kept.file.name)
    # Nothing missing (the disposed file is not expected) and nothing orphaned.
    out = io.StringIO()
    call_command("fixity", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "Checked 1 of 1 files." in out.getvalue()


def test_healthz_asks_the_bucket(s3, client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["storage"] == "ok"

    storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**storage, "OPTIONS": {**storage["OPTIONS"], "bucket_name": "no-such-bucket"}},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error")
