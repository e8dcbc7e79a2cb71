import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lentera.documents.extraction import extract_version
from lentera.documents.services import add_document
from lentera.testing import new_item, publish_item


def text_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the code under it as if each transaction committed (the index updates then)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def listed(world, committed):
    """Publish an item of build_world() with an optional text file; the index follows."""

    def make(file_text: str = "Lampiran.", file_name: str = "lampiran.txt", **fields):
        item = new_item(world, **fields)
        version = add_document(item, world.officer, text_file(file_name, file_text))
        extract_version(version.pk)  # what the worker does (it closes connections on PG)
        with committed():
            publish_item(world, item)
        return item

    return make
