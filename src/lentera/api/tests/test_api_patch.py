"""PATCH /api/v1/items/{id}: the same rules as the office form, answers as GET shows it."""

import json

from lentera.register.models import InformationItem
from lentera.register.workflow import complete_step, reopen
from lentera.sop.constants import Verb
from lentera.testing import new_item, pdf_upload

from .helpers import ITEMS, anonymous, client_for, finished_item, walk_to_approval

NEW_SUMMARY = "Capaian kinerja dan realisasi anggaran Biro Kesra tahun 2024, setelah audit."


def patch(client, item, data):
    return client.patch(f"{ITEMS}/{item.pk}", json.dumps(data), content_type="application/json")


def test_officer_patches_a_column_and_gets_the_item_as_get_shows_it(world):
    item = new_item(world)
    client = client_for(world.officer)
    response = patch(client, item, {"summary": NEW_SUMMARY, "lock_version": item.lock_version})
    assert response.status_code == 200, response.content
    assert response.json() == client.get(f"{ITEMS}/{item.pk}").json()
    assert response.json()["summary"] == NEW_SUMMARY
    event = item.events.get(verb=Verb.EDIT)
    assert event.actor == world.officer and event.changes["summary"][1] == NEW_SUMMARY


def test_a_stale_lock_version_is_409_and_changes_nothing(world):
    item = new_item(world)
    response = patch(client_for(world.officer), item, {"summary": NEW_SUMMARY, "lock_version": 0})
    assert response.status_code == 409
    assert InformationItem.objects.get(pk=item.pk).summary != NEW_SUMMARY


def test_after_the_approval_a_patch_is_409_with_the_rule(world):
    item = walk_to_approval(world)
    complete_step(item, world.approver)
    item.refresh_from_db()
    for user in (world.officer, world.main_officer):
        response = patch(
            client_for(user), item, {"summary": NEW_SUMMARY, "lock_version": item.lock_version}
        )
        assert response.status_code == 409, response.content
        assert "return" in response.json()["detail"]
    office = client_for(world.officer).get(f"{ITEMS}/{item.pk}").json()["office"]
    assert office["content_frozen"] is True
    assert office["approved_fingerprint"] == item.approved_fingerprint
    upload = client_for(world.officer).post(
        f"{ITEMS}/{item.pk}/documents", {"file": pdf_upload("baru.pdf", "baru")}
    )
    assert upload.status_code == 409
    item.refresh_from_db()
    assert item.summary != NEW_SUMMARY and item.documents.count() == 1


def test_a_category_change_to_exempt_after_approval_is_409(world):
    item = walk_to_approval(world)
    complete_step(item, world.approver)
    item.refresh_from_db()
    response = patch(
        client_for(world.officer),
        item,
        {"category": "dikecualikan", "lock_version": item.lock_version},
    )
    assert response.status_code == 409


def test_during_an_update_the_patch_is_a_proposed_change_the_public_does_not_see(world):
    item = finished_item(world)
    item = reopen(item, world.officer, "Revisi")
    response = patch(
        client_for(world.officer), item, {"summary": NEW_SUMMARY, "lock_version": item.lock_version}
    )
    assert response.status_code == 200, response.content
    assert response.json()["office"]["pending_changes"] == {"summary": NEW_SUMMARY}
    public = anonymous().get(f"{ITEMS}/{item.pk}").json()
    assert public["summary"] != NEW_SUMMARY


def test_outsiders_and_the_public_cannot_patch(world):
    item = new_item(world)
    data = {"summary": NEW_SUMMARY, "lock_version": item.lock_version}
    assert patch(anonymous(), item, data).status_code == 401
    assert patch(client_for(world.outsider), item, data).status_code == 404
    assert patch(client_for(world.other_officer), item, data).status_code in (403, 404)
    assert InformationItem.objects.get(pk=item.pk).summary != NEW_SUMMARY


def test_bad_values_and_unknown_fields_are_422_and_change_nothing(world):
    item = new_item(world)
    version = item.lock_version
    client = client_for(world.officer)
    for data in (
        {"year": "dua ribu", "lock_version": item.lock_version},
        {"status": "published", "lock_version": item.lock_version},
        {"title": None, "lock_version": item.lock_version},
        {"summary": NEW_SUMMARY},
    ):
        response = patch(client, item, data)
        assert response.status_code == 422, (data, response.content)
    item.refresh_from_db()
    assert item.summary != NEW_SUMMARY and item.lock_version == version
