"""SOP versions: frozen while items follow them; a revision is a new version."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.organizations.models import Unit
from lentera.register.workflow import complete_step
from lentera.sop import versions
from lentera.sop.constants import Verb
from lentera.sop.models import Sop, SopInUse, SopStep
from lentera.sop.presets import PRESET_DIR, load_preset
from lentera.testing import new_item

pytestmark = pytest.mark.django_db


def test_a_version_followed_by_items_is_frozen(world):
    new_item(world)
    step = world.body.sop.steps.get(number=2)
    step.activity = "Diubah setelah dipakai"
    with pytest.raises(SopInUse):
        step.save()
    with pytest.raises(SopInUse):
        step.delete()
    step.refresh_from_db()
    assert step.activity != "Diubah setelah dipakai"


def test_revise_copies_header_and_steps_into_the_next_version(world):
    old = world.body.sop
    new = versions.revise(old, actor=world.main_officer)
    assert (new.preset_key, new.version, new.revised_from) == (old.preset_key, 2, old)
    assert new.number == old.number and new.legal_basis == old.legal_basis
    fields = ["number", "activity", "kind", "performer_role", "checks", "time_unit"]
    assert list(new.steps.values_list(*fields)) == list(old.steps.values_list(*fields))
    event = ActivityEvent.objects.get(verb=Verb.REVISE_SOP)
    assert event.actor == world.main_officer and event.changes["version"] == 2
    assert verify_chain()[1] is None


def test_items_in_flight_finish_under_the_version_they_started_with(world):
    old = world.body.sop
    in_flight = new_item(world)
    complete_step(in_flight, world.officer)
    new = versions.revise(old)
    # The new version drops the one-minute input step.
    new.steps.get(number=2).delete()
    assert versions.put_in_use(new) == 1
    world.body.refresh_from_db()
    assert world.body.sop == new

    fresh = new_item(world)
    assert fresh.sop == new
    in_flight.refresh_from_db()
    assert in_flight.sop == old and in_flight.current_step.sop == old
    complete_step(in_flight, world.officer)  # step 2 of the old version
    in_flight.refresh_from_db()
    assert in_flight.current_step.number == 3 and in_flight.current_step.sop == old
    # The new version is frozen as soon as an item follows it.
    with pytest.raises(SopInUse):
        SopStep.objects.get(sop=new, number=1).save()


def test_a_unit_may_use_its_own_sop_and_its_children_inherit_it(world):
    kesra, _ = load_preset(PRESET_DIR / "kalbar-biro-kesra-2021.toml")
    world.unit.sop = kesra
    world.unit.save()
    section = Unit.objects.create(
        body=world.body, parent=world.unit, name="Bagian Tata Usaha", slug="kesra-tu"
    )
    assert world.unit.sop_in_use() == kesra
    assert section.sop_in_use() == kesra
    assert world.other_unit.sop_in_use() == world.body.sop
    assert new_item(world).sop == kesra


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.go.id", "x")
    client.force_login(admin)
    return client


def test_admin_keeps_a_version_in_use_read_only_and_revises_it(admin_client, world):
    sop = world.body.sop
    new_item(world)
    url = reverse("admin:sop_sop_change", args=[sop.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    admin_client.post(url, {"name": "Diubah lewat admin"})
    sop.refresh_from_db()
    assert sop.name != "Diubah lewat admin"

    changelist = reverse("admin:sop_sop_changelist")
    admin_client.post(changelist, {"action": "make_new_version", "_selected_action": [sop.pk]})
    new = sop.revisions.get()
    assert new.version == 2 and new.steps.count() == sop.steps.count()
    admin_client.post(changelist, {"action": "put_in_use", "_selected_action": [new.pk]})
    world.body.refresh_from_db()
    assert world.body.sop == new


def test_an_administrator_enters_an_sop_without_code(admin_client, world):
    step = {
        "steps-0-number": "1",
        "steps-0-activity": "Petugas menginput informasi",
        "steps-0-kind": "input",
        "steps-0-performer_label": "Petugas",
        "steps-0-performer_role": "officer",
        "steps-0-performer_scope": "item_unit",
        "steps-0-separate_from_submitter": "unknown",
        "steps-0-checks": ["softcopy", "dip_complete"],
        "steps-0-checklist": "Data sudah diverifikasi",
        "steps-0-time_amount": "2",
        "steps-0-time_unit": "working_days",
        "steps-1-number": "2",
        "steps-1-activity": "Kepala menyetujui",
        "steps-1-kind": "approve",
        "steps-1-performer_label": "Kepala PPID",
        "steps-1-performer_role": "approver",
        "steps-1-performer_scope": "item_unit",
        "steps-1-separate_from_submitter": "unknown",
        "steps-1-time_unit": "tentative",
    }
    response = admin_client.post(
        reverse("admin:sop_sop_add"),
        {
            "name": "SOP Pendokumentasian Dinas Kesehatan",
            "number": "12/DINKES/2026",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            **step,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sop = Sop.objects.get(number="12/DINKES/2026")
    assert sop.preset_key.startswith("sop-pendokumentasian-dinas-kesehatan-")
    first, second = sop.steps.all()
    assert first.checks == ["softcopy", "dip_complete"]
    assert first.checklist_items == ["Data sudah diverifikasi"]
    assert (first.time_amount, first.time_unit) == (2, "working_days")
    assert second.separation_required and not first.separation_required
