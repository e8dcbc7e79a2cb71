"""Hard copies taken out and brought back through the API."""

import datetime

import pytest
from django.utils import timezone

from lentera.documents.services import record_hardcopy
from lentera.sop.constants import Verb
from lentera.testing import new_item

from .helpers import ITEMS, anonymous, client_for, post_json

pytestmark = pytest.mark.django_db

BORROWER = "Rina Marlina (Inspektorat)"


@pytest.fixture
def hardcopy(world):
    item = new_item(world)
    return record_hardcopy(item, world.officer, building="Kantor Gubernur", custodian="Siti")


def urls(hardcopy) -> tuple[str, str]:
    base = f"{ITEMS}/{hardcopy.item_id}/hardcopies/{hardcopy.pk}"
    return f"{base}/movements", f"{base}/return"


def test_a_member_takes_a_copy_out_and_brings_it_back(world, hardcopy):
    out_url, return_url = urls(hardcopy)
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    client = client_for(world.approver)
    response = post_json(client, out_url, {"taken_by": BORROWER, "due_back_on": due})
    assert response.status_code == 201
    body = response.json()
    assert body["taken_by"] == BORROWER
    assert body["due_back_on"] == due
    assert body["returned_at"] is None
    assert body["recorded_by"] == world.approver.username
    assert body["return_recorded_by"] is None

    response = post_json(client_for(world.main_officer), return_url)
    assert response.status_code == 200
    assert response.json()["returned_at"] is not None
    assert response.json()["return_recorded_by"] == world.main_officer.username
    verbs = list(hardcopy.item.events.values_list("verb", flat=True))
    assert verbs[-2:] == [Verb.HARDCOPY_OUT, Verb.HARDCOPY_BACK]


def test_refusals_say_why_and_change_nothing(world, hardcopy):
    out_url, return_url = urls(hardcopy)
    client = client_for(world.officer)
    response = post_json(client, return_url)
    assert response.status_code == 400
    assert "not out" in response.json()["detail"]
    assert post_json(client, out_url, {"taken_by": BORROWER}).status_code == 201
    response = post_json(client, out_url, {"taken_by": "Budi Santoso"})
    assert response.status_code == 400
    assert "already out" in response.json()["detail"]
    assert hardcopy.movements.count() == 1


def test_others_never_see_the_copy(world, hardcopy):
    out_url, _ = urls(hardcopy)
    assert (
        post_json(client_for(world.other_officer), out_url, {"taken_by": BORROWER}).status_code
        == 404
    )
    assert post_json(client_for(world.outsider), out_url, {"taken_by": BORROWER}).status_code == 404
    assert post_json(anonymous(), out_url, {"taken_by": BORROWER}).status_code == 401
    assert not hardcopy.movements.exists()
