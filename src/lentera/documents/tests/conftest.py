import uuid
from types import SimpleNamespace

import pytest
from django.utils import translation

from lentera.documents import checks
from lentera.documents.services import add_document
from lentera.register.workflow import complete_step
from lentera.testing import new_item, pdf_upload

NON_LATIN_NAME = "laporan_报告_تقرير.pdf"


@pytest.fixture
def item(world):
    return new_item(world)


@pytest.fixture
def tesseract():
    """Real Tesseract with its Indonesian data (scripts/test installs it)."""
    languages = checks.tesseract_languages()
    if languages is None or "ind" not in languages:
        pytest.skip("tesseract-ocr and tesseract-ocr-ind are not installed")


@pytest.fixture
def english():
    """Messages in English, the source language the assertions are written in."""
    with translation.override("en"):
        yield


@pytest.fixture
def publish(world):
    """Walk an item of build_world() through seed 003 until its files are online."""

    def walk(item):
        for actor in (world.officer, world.officer, world.approver, world.main_officer):
            complete_step(item, actor)
        item.refresh_from_db()
        return item

    return walk


@pytest.fixture
def published(world, publish):
    """A published item with one file whose name is not in Latin script: (item, version)."""
    item = new_item(world, title="Laporan Penyelenggaraan Pelayanan Informasi Publik 2024")
    text = "Laporan layanan informasi publik 2024. " * 40
    version = add_document(item, world.officer, pdf_upload(NON_LATIN_NAME, text))
    item = publish(item)
    version.refresh_from_db()
    assert version.published_at is not None
    return item, version


@pytest.fixture
def s3(settings, moto_s3):
    """A fresh bucket, and the default storage switched to it (as LENTERA_STORAGE=s3 does)."""
    import boto3

    credentials = {"access_key": "lentera-test", "secret_key": "lentera-test-secret"}
    bucket = f"lentera-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name="us-east-1",
        aws_access_key_id=credentials["access_key"],
        aws_secret_access_key=credentials["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": moto_s3,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
                **credentials,
            },
        },
    }
    return SimpleNamespace(client=client, bucket=bucket)
