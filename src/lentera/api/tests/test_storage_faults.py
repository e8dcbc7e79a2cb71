"""A files folder that cannot be written: the API answers its JSON error and the office
its message, both in words, and nothing is half-written."""

import pytest
from django.urls import reverse

from lentera.audit.models import ActivityEvent
from lentera.documents.models import Document
from lentera.testing import new_item, pdf_upload

from .helpers import ITEMS, client_for


@pytest.fixture
def unwritable(settings, tmp_path):
    """The files folder's path runs through a file: every write fails (as root too)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the files folder should be")
    storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**storage, "OPTIONS": {"location": str(blocker / "files")}},
    }


def test_an_api_upload_to_a_storage_that_fails_is_a_json_503_and_changes_nothing(world, unwritable):
    item = new_item(world)
    officer = client_for(world.officer)
    events = ActivityEvent.objects.count()
    answer = officer.post(f"{ITEMS}/{item.pk}/documents", {"file": pdf_upload("renja.pdf")})
    assert answer.status_code == 503
    assert answer["Content-Type"].startswith("application/json")
    assert "could not be stored" in answer.json()["detail"]
    assert not Document.objects.exists() and ActivityEvent.objects.count() == events


def test_an_office_upload_to_a_storage_that_fails_says_so_in_indonesian(world, client, unwritable):
    item = new_item(world)
    client.force_login(world.officer)
    url = reverse("office:item-upload", args=[item.pk])
    page = client.post(url, {"file": pdf_upload("renja.pdf")}, follow=True)
    assert page.status_code == 200
    assert "tidak dapat disimpan" in page.content.decode()
    assert not Document.objects.exists()
