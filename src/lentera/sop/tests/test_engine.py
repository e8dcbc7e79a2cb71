"""The SOP engine on seed 003: forward, return with a note, separation of duties, guards."""

import pytest

from lentera.audit.models import ActivityEvent
from lentera.documents.services import add_document
from lentera.errors import ActionRefused, Conflict, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register.constants import Status
from lentera.register.workflow import complete_step, return_to_step
from lentera.sop.constants import Verb
from lentera.testing import new_item, pdf_upload


def walk_to_approval(world):
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    complete_step(item, world.officer)  # 1 collect
    complete_step(item, world.officer)  # 2 input
    item.refresh_from_db()
    return item


def test_new_item_waits_at_the_first_step(world):
    item = new_item(world)
    assert item.status == Status.IN_PROGRESS
    assert item.current_step.number == 1
    assert list(item.events.values_list("verb", flat=True)) == [Verb.CREATE]


def test_item_walks_every_step_to_published(world):
    item = walk_to_approval(world)
    assert item.current_step.number == 3
    complete_step(item, world.approver)
    item.refresh_from_db()
    assert item.current_step.number == 4 and item.status == Status.IN_PROGRESS
    complete_step(item, world.main_officer)
    item.refresh_from_db()
    # Step 5 is performed by the application itself, so the SOP is finished.
    assert item.current_step is None
    assert item.status == Status.PUBLISHED
    assert item.published_at is not None
    version = item.documents.get().versions.get()
    assert version.published_at is not None
    completed = item.events.filter(verb=Verb.COMPLETE).values_list("step__number", "actor")
    assert list(completed) == [
        (1, world.officer.pk),
        (2, world.officer.pk),
        (3, world.approver.pk),
        (4, world.main_officer.pk),
        (5, None),
    ]


def test_submitter_cannot_approve_own_item(world):
    Membership.objects.create(user=world.officer, unit=world.unit, role=Role.APPROVER)
    item = walk_to_approval(world)
    with pytest.raises(NotAllowed):
        complete_step(item, world.officer)
    item.refresh_from_db()
    assert item.current_step.number == 3


def test_officer_of_another_unit_cannot_complete_a_step(world):
    item = new_item(world)
    with pytest.raises(NotAllowed):
        complete_step(item, world.other_officer)
    with pytest.raises(NotAllowed):
        complete_step(item, world.outsider)


def test_officer_cannot_perform_the_approvers_step(world):
    item = walk_to_approval(world)
    with pytest.raises(NotAllowed):
        complete_step(item, world.main_officer)


def test_publish_step_belongs_to_the_ppid_utama(world):
    item = walk_to_approval(world)
    complete_step(item, world.approver)
    with pytest.raises(NotAllowed):
        complete_step(item, world.officer)
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS


def test_return_needs_a_note_and_changes_nothing_without_one(world):
    item = walk_to_approval(world)
    events_before = ActivityEvent.objects.count()
    with pytest.raises(ActionRefused):
        return_to_step(item, world.approver, 2, "   ")
    item.refresh_from_db()
    assert item.current_step.number == 3
    assert ActivityEvent.objects.count() == events_before


def test_return_with_note_goes_back_and_is_logged(world):
    item = walk_to_approval(world)
    return_to_step(item, world.approver, 2, "Lampirkan lampiran capaian kinerja.")
    item.refresh_from_db()
    assert item.current_step.number == 2
    event = item.events.get(verb=Verb.RETURN)
    assert event.note == "Lampirkan lampiran capaian kinerja."
    assert (event.step.number, event.to_step.number, event.actor) == (3, 2, world.approver)
    complete_step(item, world.officer)
    item.refresh_from_db()
    assert item.current_step.number == 3


def test_return_only_to_an_earlier_step(world):
    item = walk_to_approval(world)
    for target in (3, 4, 9):
        with pytest.raises(ActionRefused):
            return_to_step(item, world.approver, target, "catatan")


def test_only_the_current_performer_can_return(world):
    item = walk_to_approval(world)
    with pytest.raises(NotAllowed):
        return_to_step(item, world.other_officer, 1, "catatan")


def test_approval_before_publication_refused_without_soft_copy(world):
    item = new_item(world)
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    with pytest.raises(ActionRefused) as refused:
        complete_step(item, world.approver)
    assert refused.value.missing
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.current_step.number == 3


def test_stale_version_is_refused(world):
    item = new_item(world)
    stale = item.lock_version
    complete_step(item, world.officer, expected_version=stale)
    with pytest.raises(Conflict):
        complete_step(item, world.officer, expected_version=stale)


def test_activity_log_is_append_only_and_chained(world):
    item = walk_to_approval(world)
    events = list(ActivityEvent.objects.order_by("id"))
    assert events[0].prev_hash == ""
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    with pytest.raises(ValueError):
        events[0].save()
    with pytest.raises(ValueError):
        events[0].delete()
    assert item.events.count() == len(events)
