"""Nobody is told of work they just passed to themselves: the person whose action moved
the item to a step gets no arrival notice or mail for it; the step's other performers do."""

import pytest
import time_machine

from lentera.deadlines import notify
from lentera.deadlines.constants import Kind
from lentera.deadlines.models import Notification, StepTiming
from lentera.organizations.constants import Role
from lentera.register.workflow import complete_step, return_to_step
from lentera.testing import DISKOMINFO, build_preset_world, make_user, new_item, walk_item

from .conftest import at, give_emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def kalbar():
    """Seed 003 at Dinas Kesehatan: its Petugas PPID perform steps 1 and 2."""
    world = build_preset_world(DISKOMINFO)
    give_emails(world)
    return world


@pytest.fixture
def colleague(kalbar):
    """A second Petugas PPID of Dinas Kesehatan."""
    user = make_user("petugas.dua.dinkes.kalbar", kalbar.unit, Role.OFFICER)
    user.email = "petugas.dua.dinkes.kalbar@pontianak.go.id"
    user.save(update_fields=["email"])
    return user


def told_of(item, number: int) -> set:
    """Who was told that the item arrived at step `number` (its latest arrival there)."""
    timing = StepTiming.objects.filter(item=item, step__number=number).latest("pk")
    return {n.user for n in Notification.objects.filter(kind=Kind.ARRIVED, timing=timing)}


@pytest.fixture
def at_step_2(kalbar, colleague):
    """An item the officer recorded (step 1) and completed step 1 of, on 2 March 2026."""
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        item = walk_item(kalbar, new_item(kalbar), until=2)
    assert item.current_step.number == 2
    return item


def test_the_officer_completing_step_1_is_not_told_step_2_arrived(kalbar, colleague, at_step_2):
    assert told_of(at_step_2, 2) == {colleague}


def test_the_officer_recording_an_item_is_not_told_it_arrived_at_their_step(
    kalbar, colleague, at_step_2
):
    assert told_of(at_step_2, 1) == {colleague}


def test_returning_to_a_step_one_performs_tells_only_the_other_performers(
    kalbar, colleague, at_step_2
):
    return_to_step(at_step_2, kalbar.officer, 1, "Lengkapi ringkasan isi.")
    assert told_of(at_step_2, 1) == {colleague}


def test_performers_who_did_not_move_the_item_are_told(kalbar, colleague, at_step_2):
    complete_step(at_step_2, colleague)  # the colleague completes step 2
    assert told_of(at_step_2, 3) == {kalbar.approver}
    return_to_step(at_step_2, kalbar.approver, 2, "Lengkapi ringkasan isi.")
    assert told_of(at_step_2, 2) == {kalbar.officer, colleague}


def test_no_arrival_mail_goes_to_the_person_who_passed_the_work(smtp, kalbar, colleague, at_step_2):
    notify.send_pending_notifications()
    arrivals = set(Notification.objects.filter(kind=Kind.ARRIVED).values_list("subject", flat=True))
    assert len(arrivals) == 2  # steps 1 and 2
    assert sorted(smtp.received()) == sorted((colleague.email, subject) for subject in arrivals)
