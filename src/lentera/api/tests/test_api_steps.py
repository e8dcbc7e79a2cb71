"""What a step needs, through the API: checks, the checklist to tick, hard copy locations."""

import datetime

import pytest

from lentera.documents.models import HardCopy
from lentera.documents.services import add_document
from lentera.register.models import InformationItem
from lentera.register.workflow import complete_step
from lentera.sop.constants import Verb
from lentera.testing import new_item, pdf_upload

from .helpers import (
    ITEMS,
    KESRA_CHECKLIST,
    anonymous,
    client_for,
    finished_item,
    post_json,
    use_biro_kesra_sop,
    walk_to_approval,
)

HARDCOPY = {"building": "Kantor Gubernur Kalbar", "room": "Ruang Arsip", "custodian": "Siti Aminah"}

# --- The current step in the office detail ----------------------------------


def test_office_detail_shows_the_steps_checks_checklist_and_what_is_missing(world):
    use_biro_kesra_sop(world)
    item = new_item(world)
    body = client_for(world.officer).get(f"{ITEMS}/{item.pk}").json()
    step = body["current_step"]
    assert step["number"] == 1
    assert step["checks"] == ["hardcopy_location"]
    assert step["checklist"] == [KESRA_CHECKLIST]
    assert step["missing"] == [
        "the hard copy's location is recorded",
        f"ticked: {KESRA_CHECKLIST}",
    ]
    assert body["office"] == {
        "in_update": False,
        "pending_changes": {},
        "hardcopies": [],
        "content_frozen": False,
        "approved_fingerprint": None,
    }


def test_office_detail_of_seed_003_lists_a_missing_soft_copy_at_the_approval(world):
    item = new_item(world)
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    body = client_for(world.approver).get(f"{ITEMS}/{item.pk}").json()
    assert body["current_step"]["number"] == 3
    assert body["current_step"]["checks"] == ["classification"]
    assert body["current_step"]["checklist"] == []
    assert body["current_step"]["missing"] == ["a soft copy is attached"]


def test_public_detail_has_no_step_and_no_office_block(world):
    item = finished_item(world)
    for client in (anonymous(), client_for(world.other_officer)):
        body = client.get(f"{ITEMS}/{item.pk}").json()
        assert body["current_step"] is None
        assert body["office"] is None


# --- Completing a step with its checklist -------------------------------------


def test_complete_is_refused_until_the_checklist_is_ticked(world):
    use_biro_kesra_sop(world)
    item = new_item(world)
    officer = client_for(world.officer)
    assert post_json(officer, f"{ITEMS}/{item.pk}/hardcopies", HARDCOPY).status_code == 201

    for data in (None, {}, {"ticked": []}, {"ticked": ["Data sudah diperiksa"]}):
        response = post_json(officer, f"{ITEMS}/{item.pk}/complete", data)
        assert response.status_code == 400
        assert response.json()["missing"] == [f"ticked: {KESRA_CHECKLIST}"]
    assert InformationItem.objects.get(pk=item.pk).current_step.number == 1

    response = post_json(officer, f"{ITEMS}/{item.pk}/complete", {"ticked": [KESRA_CHECKLIST]})
    assert response.status_code == 200, response.content
    assert response.json()["current_step"]["number"] == 2
    event = item.events.get(verb=Verb.COMPLETE)
    assert event.step.number == 1
    assert event.changes == {"ticked": [KESRA_CHECKLIST]}


def test_ticking_does_not_replace_a_check_the_application_makes(world):
    use_biro_kesra_sop(world)
    item = new_item(world)
    response = post_json(
        client_for(world.officer), f"{ITEMS}/{item.pk}/complete", {"ticked": [KESRA_CHECKLIST]}
    )
    assert response.status_code == 400
    assert response.json()["missing"] == ["the hard copy's location is recorded"]
    assert not item.events.filter(verb=Verb.COMPLETE).exists()


def test_ticked_must_be_a_list_of_strings(world):
    use_biro_kesra_sop(world)
    item = new_item(world)
    response = post_json(
        client_for(world.officer), f"{ITEMS}/{item.pk}/complete", {"ticked": KESRA_CHECKLIST}
    )
    assert response.status_code == 422
    assert "ticked" in response.json()["errors"]
    assert not item.events.filter(verb=Verb.COMPLETE).exists()


# --- Hard copy locations ------------------------------------------------------


def test_officer_records_a_hard_copy_location(world):
    use_biro_kesra_sop(world)
    item = new_item(world)
    officer = client_for(world.officer)
    data = {**HARDCOPY, "cabinet": "Lemari 3", "box": "Map 12", "lock_version": item.lock_version}
    response = post_json(officer, f"{ITEMS}/{item.pk}/hardcopies", data)
    assert response.status_code == 201, response.content
    hardcopy = HardCopy.objects.get()
    body = response.json()
    assert body["id"] == hardcopy.pk
    assert (body["building"], body["cabinet"], body["box"]) == (
        "Kantor Gubernur Kalbar",
        "Lemari 3",
        "Map 12",
    )
    assert body["recorded_by"] == world.officer.username
    assert item.events.filter(verb=Verb.HARDCOPY).count() == 1

    detail = officer.get(f"{ITEMS}/{item.pk}").json()
    assert [h["id"] for h in detail["office"]["hardcopies"]] == [hardcopy.pk]
    assert detail["office"]["hardcopies"][0]["custodian"] == "Siti Aminah"
    assert detail["current_step"]["missing"] == [f"ticked: {KESRA_CHECKLIST}"]
    assert detail["lock_version"] == item.lock_version + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"building": None}, "building"),
        ({"custodian": None}, "custodian"),
        ({"custodian": ""}, "custodian"),
        ({"building": "x" * 121}, "building"),
        ({"shelf": "Rak 2"}, "shelf"),
    ],
)
def test_bad_hard_copy_gets_422_and_records_nothing(world, change, field):
    item = new_item(world)
    data = {**HARDCOPY, **change}
    data = {k: v for k, v in data.items() if v is not None}
    response = post_json(client_for(world.officer), f"{ITEMS}/{item.pk}/hardcopies", data)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert not HardCopy.objects.exists()
    assert not item.events.filter(verb=Verb.HARDCOPY).exists()
    assert InformationItem.objects.get(pk=item.pk).lock_version == item.lock_version


def test_hard_copy_only_by_who_may_edit_the_item(world):
    item = walk_to_approval(world)
    url = f"{ITEMS}/{item.pk}/hardcopies"
    # The main unit's officer sees the item but does not perform step 3.
    assert post_json(client_for(world.main_officer), url, HARDCOPY).status_code == 403
    for user in (world.other_officer, world.outsider):
        assert post_json(client_for(user), url, HARDCOPY).status_code == 404
    assert post_json(anonymous(), url, HARDCOPY).status_code == 401
    assert not HardCopy.objects.exists()


def test_hard_copy_of_a_finished_item_is_refused(world):
    item = finished_item(world)
    response = post_json(client_for(world.officer), f"{ITEMS}/{item.pk}/hardcopies", HARDCOPY)
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "A hard copy can only be recorded while the item is in its SOP."
    )
    assert not HardCopy.objects.exists()


def test_hard_copy_with_a_stale_lock_version_gets_409(world):
    item = new_item(world)
    data = {**HARDCOPY, "lock_version": item.lock_version - 1}
    response = post_json(client_for(world.officer), f"{ITEMS}/{item.pk}/hardcopies", data)
    assert response.status_code == 409
    assert not HardCopy.objects.exists()


def same_moment(written: str, moment: datetime.datetime) -> bool:
    """The API writes times to the millisecond."""
    return abs(datetime.datetime.fromisoformat(written) - moment) < datetime.timedelta(
        milliseconds=1
    )


def test_the_current_step_carries_its_time_standard_and_due_time(world):
    """The item JSON says when the current step started, its SOP time standard and
    when it is due, as the office's work list computes it (a step timed in minutes or
    hours counts from its opening, so it has no due time before)."""
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    client = client_for(world.officer)
    seen_due = False
    for _ in range(3):  # steps 1 to 3 of seed 003
        item.refresh_from_db()
        step = client.get(f"{ITEMS}/{item.pk}").json()["current_step"]
        sop_step = item.current_step
        assert step["number"] == sop_step.number
        assert (step["time_amount"], step["time_unit"]) == (
            sop_step.time_amount,
            sop_step.time_unit,
        )
        assert step["time_standard"] == sop_step.time_standard
        assert same_moment(step["entered_at"], item.step_entered_at)
        if item.step_due_at is None:
            assert step["due_at"] is None
        else:
            assert same_moment(step["due_at"], item.step_due_at)
            assert item.step_due_at > item.step_entered_at
            seen_due = True
        if sop_step.number < 3:
            complete_step(item, world.officer)
    assert seen_due
