"""Files and the SOP of seed 003 through the API: officer, approver, PPID Utama."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lentera.documents.models import Document, DocumentVersion
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register.constants import Status
from lentera.register.models import InformationItem
from lentera.register.workflow import complete_step
from lentera.sop.constants import Verb
from lentera.testing import new_item, pdf_upload

from .helpers import ITEMS, client_for, payload, post_json, stored_files, walk_to_approval

# --- Files ------------------------------------------------------------------


def test_officer_uploads_a_pdf(world, files_dir):
    item = new_item(world)
    upload = pdf_upload()
    response = client_for(world.officer).post(
        f"{ITEMS}/{item.pk}/documents", {"file": upload, "title": "LKjIP 2024"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    version = DocumentVersion.objects.get()
    assert body["id"] == version.pk
    assert body["number"] == 1
    assert body["title"] == "LKjIP 2024"
    assert body["content_type"] == "application/pdf"
    assert body["original_name"] == "lkjip-2024.pdf"
    assert body["size"] == version.size > 0
    assert body["sha256"] == version.sha256
    assert stored_files(files_dir) == [files_dir / version.file.name]
    assert (files_dir / version.file.name).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("laporan.pdf", b"this is not a PDF at all\x00\x01", "application/pdf"),
        SimpleUploadedFile("kosong.pdf", b"", "application/pdf"),
        SimpleUploadedFile("program.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf"),
    ],
    ids=["fake-pdf", "empty", "executable"],
)
def test_rejected_upload_leaves_no_record_and_no_file(world, files_dir, upload):
    item = new_item(world)
    response = client_for(world.officer).post(f"{ITEMS}/{item.pk}/documents", {"file": upload})
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert not DocumentVersion.objects.exists()
    assert not Document.objects.exists()
    assert stored_files(files_dir) == []


def test_upload_without_a_file_gets_422(world):
    item = new_item(world)
    response = client_for(world.officer).post(f"{ITEMS}/{item.pk}/documents", {"title": "x"})
    assert response.status_code == 422
    assert "file" in response.json()["errors"]


def test_upload_by_someone_who_cannot_edit_is_refused(world, files_dir):
    item = new_item(world)
    # The approver sees the item but may not add files at step 1.
    response = client_for(world.approver).post(
        f"{ITEMS}/{item.pk}/documents", {"file": pdf_upload()}
    )
    assert response.status_code == 403
    # Another unit's officer does not even learn that the item exists.
    response = client_for(world.other_officer).post(
        f"{ITEMS}/{item.pk}/documents", {"file": pdf_upload()}
    )
    assert response.status_code == 404
    assert not DocumentVersion.objects.exists()
    assert stored_files(files_dir) == []


# --- The SOP through the API ------------------------------------------------


def test_item_walks_from_creation_to_published_through_the_api(world):
    officer, approver, main_officer = (
        client_for(world.officer),
        client_for(world.approver),
        client_for(world.main_officer),
    )
    item_id = post_json(officer, ITEMS, payload(world.unit)).json()["id"]
    assert officer.post(f"{ITEMS}/{item_id}/documents", {"file": pdf_upload()}).status_code == 201

    body = post_json(officer, f"{ITEMS}/{item_id}/complete").json()
    assert body["current_step"]["number"] == 2
    body = post_json(officer, f"{ITEMS}/{item_id}/complete", {"note": "Diinput"}).json()
    assert body["current_step"]["number"] == 3
    assert body["current_step"]["performer_label"] == "Kepala PPID"

    response = post_json(
        approver, f"{ITEMS}/{item_id}/complete", {"lock_version": body["lock_version"]}
    )
    assert response.status_code == 200
    assert response.json()["current_step"]["number"] == 4

    response = post_json(main_officer, f"{ITEMS}/{item_id}/complete", {})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.PUBLISHED
    assert body["current_step"] is None
    assert body["published_at"]

    item = InformationItem.objects.get(pk=item_id)
    completed = item.events.filter(verb=Verb.COMPLETE).values_list("step__number", "actor")
    assert list(completed) == [
        (1, world.officer.pk),
        (2, world.officer.pk),
        (3, world.approver.pk),
        (4, world.main_officer.pk),
        (5, None),
    ]
    assert item.events.get(verb=Verb.COMPLETE, step__number=2).note == "Diinput"


def test_return_without_a_note_gets_400_and_changes_nothing(world):
    item = walk_to_approval(world)
    approver = client_for(world.approver)
    for data in ({"to_step": 1}, {"to_step": 1, "note": "   "}):
        response = post_json(approver, f"{ITEMS}/{item.pk}/return", data)
        assert response.status_code == 400
        assert response.json()["detail"] == "Write a note saying what must be corrected."
    fresh = InformationItem.objects.get(pk=item.pk)
    assert fresh.current_step.number == 3
    assert fresh.lock_version == item.lock_version
    assert not item.events.filter(verb=Verb.RETURN).exists()


def test_approver_returns_an_item_with_a_note(world):
    item = walk_to_approval(world)
    response = post_json(
        client_for(world.approver),
        f"{ITEMS}/{item.pk}/return",
        {"to_step": 2, "note": "Ringkasan isi belum lengkap.", "lock_version": item.lock_version},
    )
    assert response.status_code == 200, response.content
    assert response.json()["current_step"]["number"] == 2
    event = item.events.get(verb=Verb.RETURN)
    assert (event.step.number, event.to_step.number, event.actor) == (3, 2, world.approver)
    assert event.note == "Ringkasan isi belum lengkap."


def test_return_to_a_later_step_is_refused(world):
    item = walk_to_approval(world)
    response = post_json(
        client_for(world.approver), f"{ITEMS}/{item.pk}/return", {"to_step": 4, "note": "x"}
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.current_step.number == 3


def test_submitter_cannot_approve_own_item(world):
    Membership.objects.create(user=world.officer, unit=world.unit, role=Role.APPROVER)
    item = walk_to_approval(world)
    response = post_json(client_for(world.officer), f"{ITEMS}/{item.pk}/complete")
    assert response.status_code == 403
    assert "someone else must perform step 3" in response.json()["detail"]
    item.refresh_from_db()
    assert item.current_step.number == 3


def test_officer_cannot_perform_the_approvers_step(world):
    item = walk_to_approval(world)
    response = post_json(client_for(world.main_officer), f"{ITEMS}/{item.pk}/complete")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.current_step.number == 3


def test_stale_lock_version_gets_409(world):
    item = walk_to_approval(world)
    response = post_json(
        client_for(world.approver),
        f"{ITEMS}/{item.pk}/complete",
        {"lock_version": item.lock_version - 1},
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.current_step.number == 3


def test_approving_for_publication_without_a_soft_copy_lists_what_is_missing(world):
    item = new_item(world)
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    response = post_json(client_for(world.approver), f"{ITEMS}/{item.pk}/complete")
    assert response.status_code == 400
    assert response.json()["missing"] == ["a soft copy is attached"]
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
