"""Soft copies through the API: new versions, soft delete, disposal by an approver."""

import pytest
from django.core.files.storage import default_storage

from lentera.documents.models import Document
from lentera.testing import new_item, pdf_upload

from .helpers import ITEMS, client_for, finished_item, post_json


@pytest.mark.django_db
def test_new_version_delete_and_dispose(world, django_capture_on_commit_callbacks):
    item = new_item(world)
    officer = client_for(world.officer)
    first = officer.post(f"{ITEMS}/{item.pk}/documents", {"file": pdf_upload("renja.pdf")})
    assert first.status_code == 201, first.content
    document_id = first.json()["document_id"]
    assert first.json()["text_status"] == "pending"

    second = officer.post(
        f"{ITEMS}/{item.pk}/documents",
        {"file": pdf_upload("renja-v2.pdf", "Renja revisi"), "document_id": document_id},
    )
    assert second.status_code == 201, second.content
    assert second.json()["document_id"] == document_id and second.json()["number"] == 2
    names = [v.file.name for v in Document.objects.get().versions.all()]

    delete = f"{ITEMS}/{item.pk}/documents/{document_id}/delete"
    assert post_json(officer, delete, {"reason": ""}).json()["detail"] == (
        "Say why the file is deleted."
    )
    outsider = post_json(client_for(world.other_officer), delete, {"reason": "x"})
    assert outsider.status_code == 404  # the item is not theirs to see
    deleted = post_json(officer, delete, {"reason": "Berkas keliru"})
    assert deleted.status_code == 200 and deleted.json()["deleted_at"]
    assert officer.get(f"{ITEMS}/{item.pk}").json()["documents"] == []

    dispose = f"{ITEMS}/{item.pk}/documents/{document_id}/dispose"
    assert post_json(officer, dispose, {"reason": "Musnahkan"}).status_code == 403
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        disposed = post_json(client_for(world.approver), dispose, {"reason": "Musnahkan"})
    assert disposed.status_code == 200 and disposed.json()["disposed_at"]
    assert not any(default_storage.exists(name) for name in names)


@pytest.mark.django_db
def test_version_of_another_items_document_is_not_found(world):
    item, other = new_item(world), new_item(world, title="Lain")
    officer = client_for(world.officer)
    document_id = officer.post(f"{ITEMS}/{other.pk}/documents", {"file": pdf_upload()}).json()[
        "document_id"
    ]
    response = officer.post(
        f"{ITEMS}/{item.pk}/documents",
        {"file": pdf_upload("lain.pdf", "Lain"), "document_id": document_id},
    )
    assert response.status_code == 404
    assert Document.objects.filter(item=item).count() == 0


@pytest.mark.django_db
def test_outsiders_cannot_probe_documents_of_a_public_item(world):
    item = finished_item(world)
    version = item.documents.get().versions.get()
    outsider = client_for(world.outsider)
    for action in ("delete", "dispose"):
        for document_id in (version.document_id, version.document_id + 1000):
            url = f"{ITEMS}/{item.pk}/documents/{document_id}/{action}"
            assert post_json(outsider, url, {"reason": "x"}).status_code == 404
