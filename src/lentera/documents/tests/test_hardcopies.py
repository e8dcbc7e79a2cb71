"""Hard copies lent out and brought back, moved to another place, and listed while out."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lentera.documents.hardcopies import (
    bring_back,
    hardcopies_out,
    overdue_hardcopies,
    take_out,
    update_hardcopy_location,
)
from lentera.documents.models import HardCopy, HardCopyMovement
from lentera.documents.services import record_hardcopy
from lentera.errors import ActionRefused, NotAllowed
from lentera.register.constants import Status
from lentera.sop.constants import Verb
from lentera.testing import DISKOMINFO, build_preset_world, new_item, sample_hardcopy, walk_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Refusals are matched in English, the source language."""


BORROWER = "Rina Marlina (Inspektorat)"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def item(world):
    return new_item(world)


@pytest.fixture
def hardcopy(world, item) -> HardCopy:
    return sample_hardcopy(world, item)


def test_member_of_the_holding_unit_takes_a_copy_out_and_brings_it_back(world, item, hardcopy):
    due = timezone.localdate() + days(7)
    movement = take_out(
        hardcopy, world.approver, taken_by=BORROWER, purpose="Audit kinerja", due_back_on=due
    )
    assert movement.returned_at is None
    assert movement.recorded_by == world.approver
    assert (movement.taken_by, movement.purpose, movement.due_back_on) == (
        BORROWER,
        "Audit kinerja",
        due,
    )

    back = bring_back(hardcopy, world.officer)
    assert back.pk == movement.pk
    back.refresh_from_db()
    assert back.returned_at is not None
    assert back.returned_at >= back.taken_at
    assert back.return_recorded_by == world.officer
    assert not HardCopyMovement.objects.filter(returned_at__isnull=True).exists()


def test_movements_are_recorded_with_actor_and_unit(world, item, hardcopy):
    movement = take_out(hardcopy, world.officer, taken_by=BORROWER, purpose="Audit kinerja")
    bring_back(movement, world.main_officer)

    out_event = item.events.get(verb=Verb.HARDCOPY_OUT)
    assert out_event.actor == world.officer
    assert out_event.unit == world.unit
    assert out_event.note == "Audit kinerja"
    assert out_event.changes["hardcopy"] == hardcopy.pk
    assert out_event.changes["taken_by"] == BORROWER

    back_event = item.events.get(verb=Verb.HARDCOPY_BACK)
    assert back_event.actor == world.main_officer
    assert back_event.unit == world.unit
    assert back_event.changes["taken_by"] == BORROWER
    assert back_event.id > out_event.id


def test_a_member_of_the_ppid_utama_may_lend_any_units_copy(world, hardcopy):
    movement = take_out(hardcopy, world.main_officer, taken_by=BORROWER)
    assert movement.recorded_by == world.main_officer


def test_a_copy_that_is_out_cannot_be_taken_out_again(world, item, hardcopy):
    take_out(hardcopy, world.officer, taken_by=BORROWER)
    with pytest.raises(ActionRefused, match="already out"):
        take_out(hardcopy, world.approver, taken_by="Budi Santoso")
    assert hardcopy.movements.count() == 1
    assert item.events.filter(verb=Verb.HARDCOPY_OUT).count() == 1


def test_a_copy_that_is_in_its_place_cannot_be_brought_back(world, item, hardcopy):
    with pytest.raises(ActionRefused, match="not out"):
        bring_back(hardcopy, world.officer)
    movement = take_out(hardcopy, world.officer, taken_by=BORROWER)
    bring_back(movement, world.officer)
    with pytest.raises(ActionRefused, match="not out"):
        bring_back(movement, world.officer)
    assert item.events.filter(verb=Verb.HARDCOPY_BACK).count() == 1


def test_an_old_movement_cannot_close_the_current_one(world, hardcopy):
    first = take_out(hardcopy, world.officer, taken_by=BORROWER)
    bring_back(first, world.officer)
    second = take_out(hardcopy, world.officer, taken_by="Budi Santoso")
    with pytest.raises(ActionRefused):
        bring_back(first, world.officer)
    second.refresh_from_db()
    assert second.returned_at is None


@pytest.mark.parametrize("who", ["other_officer", "outsider"])
def test_people_outside_the_unit_and_the_ppid_utama_are_refused(world, item, hardcopy, who):
    person = getattr(world, who)
    with pytest.raises(NotAllowed):
        take_out(hardcopy, person, taken_by=BORROWER)
    take_out(hardcopy, world.officer, taken_by=BORROWER)
    with pytest.raises(NotAllowed):
        bring_back(hardcopy, person)
    with pytest.raises(NotAllowed):
        update_hardcopy_location(hardcopy, person, room="Gudang")
    assert hardcopy.movements.get().returned_at is None
    hardcopy.refresh_from_db()
    assert hardcopy.room == "Ruang Arsip"
    assert item.events.filter(actor=person).count() == 0


def test_times_in_the_future_or_out_of_order_are_refused(world, item, hardcopy):
    now = timezone.now()
    with pytest.raises(ActionRefused, match="future"):
        take_out(hardcopy, world.officer, taken_by=BORROWER, taken_at=now + days(1))
    with pytest.raises(ActionRefused, match="due back before"):
        take_out(
            hardcopy,
            world.officer,
            taken_by=BORROWER,
            taken_at=now - days(3),
            due_back_on=timezone.localdate() - days(5),
        )
    with pytest.raises(ActionRefused, match="Say who"):
        take_out(hardcopy, world.officer, taken_by="   ")
    assert not hardcopy.movements.exists()

    movement = take_out(hardcopy, world.officer, taken_by=BORROWER, taken_at=now - days(3))
    with pytest.raises(ActionRefused, match="future"):
        bring_back(movement, world.officer, returned_at=now + days(1))
    with pytest.raises(ActionRefused, match="before it was taken out"):
        bring_back(movement, world.officer, returned_at=now - days(4))
    movement.refresh_from_db()
    assert movement.returned_at is None

    bring_back(movement, world.officer, returned_at=now - days(1))
    with pytest.raises(ActionRefused, match="cannot be taken out before"):
        take_out(hardcopy, world.officer, taken_by="Budi Santoso", taken_at=now - days(2))
    assert hardcopy.movements.count() == 1
    assert item.events.filter(verb__in=[Verb.HARDCOPY_OUT, Verb.HARDCOPY_BACK]).count() == 2


def test_a_name_longer_than_the_column_is_refused(world, hardcopy):
    with pytest.raises(ValidationError):
        take_out(hardcopy, world.officer, taken_by="x" * 201)
    assert not hardcopy.movements.exists()


def test_a_published_items_archive_copy_is_lent_out_too(db):
    world = build_preset_world(DISKOMINFO)
    item = new_item(world)
    hardcopy = record_hardcopy(item, world.officer, building="Kantor Dinkes", custodian="Andi")
    item = walk_item(world, item)
    assert item.status == Status.PUBLISHED
    assert item.current_step is None
    movement = take_out(hardcopy, world.reviewer, taken_by=BORROWER, purpose="Sengketa informasi")
    bring_back(movement, world.main_approver)
    movement.refresh_from_db()
    assert movement.returned_at is not None
    assert item.events.filter(verb=Verb.HARDCOPY_BACK, actor=world.main_approver).exists()


def test_moving_a_copy_records_before_and_after(world, item, hardcopy):
    update_hardcopy_location(
        hardcopy, world.approver, room="Ruang Arsip Inaktif", box="Boks 7", cabinet="Lemari 2"
    )
    hardcopy.refresh_from_db()
    assert (hardcopy.room, hardcopy.box, hardcopy.cabinet) == (
        "Ruang Arsip Inaktif",
        "Boks 7",
        "Lemari 2",
    )
    event = item.events.filter(verb=Verb.HARDCOPY_MOVE).latest("id")
    assert event.actor == world.approver
    assert event.unit == world.unit
    assert event.changes == {
        "hardcopy": hardcopy.pk,
        "room": ["Ruang Arsip", "Ruang Arsip Inaktif"],
        "box": ["Boks 2024", "Boks 7"],
    }


def test_moving_a_copy_to_the_same_place_records_nothing(world, item, hardcopy):
    before = item.events.count()
    update_hardcopy_location(hardcopy, world.officer, room="Ruang Arsip", box="Boks 2024")
    assert item.events.count() == before


def test_a_copy_cannot_lose_its_building(world, item, hardcopy):
    before = item.events.count()
    with pytest.raises(ValidationError):
        update_hardcopy_location(hardcopy, world.officer, building="  ", room="Gudang")
    hardcopy.refresh_from_db()
    assert (hardcopy.building, hardcopy.room) == ("Kantor Gubernur Kalimantan Barat", "Ruang Arsip")
    assert item.events.count() == before


def test_copies_out_are_listed_for_the_units_and_the_ppid_utama(world, item, hardcopy):
    second = record_hardcopy(item, world.officer, building="Gedung B", custodian="Andi")
    third = record_hardcopy(item, world.officer, building="Gedung C", custodian="Andi")
    today = timezone.localdate()
    late = take_out(
        hardcopy,
        world.officer,
        taken_by=BORROWER,
        taken_at=timezone.now() - days(10),
        due_back_on=today - days(3),
    )
    on_time = take_out(second, world.officer, taken_by="Budi", due_back_on=today + days(3))
    bring_back(take_out(third, world.officer, taken_by="Ani"), world.officer)

    listed = list(hardcopies_out(world.officer))
    assert [m.pk for m in listed] == [late.pk, on_time.pk]
    assert [m.overdue for m in listed] == [True, False]
    assert [m.pk for m in overdue_hardcopies(world.main_officer)] == [late.pk]
    assert not hardcopies_out(world.other_officer).exists()
    assert not hardcopies_out(world.outsider).exists()
