"""Berkala information is updated at least every six months (UU 14/2008 Pasal 9 ayat 3):
the service, the office form and the API refuse a longer interval, or none, on the
interval field, and write nothing."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from lentera.api.tests.helpers import ITEMS, client_for, finished_item, payload, post_json
from lentera.audit.models import ActivityEvent
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.services import create_item, update_item
from lentera.register.workflow import reopen
from lentera.sop.constants import Verb
from lentera.testing import item_fields, new_item

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Periodic (berkala) information must be updated at least every six months "
    "(UU 14/2008 Pasal 9 ayat 3): enter 1 to 6 months."
)


@pytest.fixture(autouse=True)
def english():
    """The services' refusals are read in English here (requests choose their own)."""
    with translation.override("en"):
        yield


def refusal(call) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict["update_interval_months"]


# The service


@pytest.mark.parametrize("months", [7, 12, 0])
def test_a_berkala_item_updated_less_often_than_every_six_months_is_refused(world, months):
    fields = item_fields(world.unit, update_interval_months=months)
    assert refusal(lambda: create_item(world.officer, **fields)) == [MESSAGE]
    assert not InformationItem.objects.exists()
    assert not ActivityEvent.objects.exists()


@pytest.mark.parametrize("months", [1, 6])
def test_a_berkala_item_updated_at_least_every_six_months_is_accepted(world, months):
    create_item(world.officer, **item_fields(world.unit, update_interval_months=months))
    assert InformationItem.objects.get().update_interval_months == months


@pytest.mark.parametrize("category", [Category.ON_DEMAND, Category.IMMEDIATE])
def test_other_categories_keep_any_interval(world, category):
    for months in (0, 12):
        create_item(
            world.officer,
            **item_fields(world.unit, category=category, update_interval_months=months),
        )
    assert InformationItem.objects.count() == 2


def test_editing_a_berkala_item_to_seven_months_is_refused_and_changes_nothing(world):
    item = new_item(world)
    refused = refusal(lambda: update_item(item, world.officer, update_interval_months=7))
    assert refused == [MESSAGE]
    item.refresh_from_db()
    assert item.update_interval_months == 6
    assert not item.events.filter(verb=Verb.EDIT).exists()


def test_making_an_item_berkala_needs_an_interval_of_six_months_or_less(world):
    item = new_item(world, category=Category.ON_DEMAND, update_interval_months=12)
    refused = refusal(lambda: update_item(item, world.officer, category=Category.PERIODIC))
    assert refused == [MESSAGE]
    update_item(item, world.officer, category=Category.PERIODIC, update_interval_months=3)
    item.refresh_from_db()
    assert (item.category, item.update_interval_months) == (Category.PERIODIC, 3)


def test_an_update_of_a_listed_berkala_item_is_held_to_six_months_too(world):
    item = reopen(finished_item(world), world.officer, "Pembaruan semester")
    refused = refusal(lambda: update_item(item, world.officer, update_interval_months=7))
    assert refused == [MESSAGE]
    item.refresh_from_db()
    assert item.pending_changes == {} and item.update_interval_months == 6


# The office form


def form_data(world, **overrides) -> dict:
    data = dict(item_fields(world.unit), holding_unit=world.unit.pk)
    data["made_on"] = data["made_on"].isoformat()
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


@pytest.fixture
def officer_client(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.officer)
    return client


def test_the_office_form_refuses_seven_months_on_the_interval_field(officer_client, world):
    response = officer_client.post(
        reverse("office:item-create"), form_data(world, update_interval_months=7)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"update_interval_months": [MESSAGE]}
    assert MESSAGE in response.content.decode()
    assert not InformationItem.objects.exists()


def test_the_office_edit_form_refuses_seven_months_and_changes_nothing(officer_client, world):
    item = new_item(world)
    response = officer_client.post(
        reverse("office:item-edit", args=[item.pk]),
        form_data(world, update_interval_months=7, lock_version=item.lock_version),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"update_interval_months": [MESSAGE]}
    item.refresh_from_db()
    assert item.update_interval_months == 6
    assert not item.events.filter(verb=Verb.EDIT).exists()


def test_the_office_form_accepts_six_months(officer_client, world):
    response = officer_client.post(
        reverse("office:item-create"), form_data(world, update_interval_months=6)
    )
    assert response.status_code == 302
    assert InformationItem.objects.get().update_interval_months == 6


# The API


def test_the_api_answers_422_with_the_message_on_the_interval_field(world):
    response = post_json(
        client_for(world.officer), ITEMS, payload(world.unit, update_interval_months=7)
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"update_interval_months": [MESSAGE]}
    assert not InformationItem.objects.exists()


def test_an_api_patch_to_seven_months_is_422_and_changes_nothing(world):
    item = new_item(world)
    response = client_for(world.officer).patch(
        f"{ITEMS}/{item.pk}",
        json.dumps({"update_interval_months": 7, "lock_version": item.lock_version}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"update_interval_months": [MESSAGE]}
    item.refresh_from_db()
    assert item.update_interval_months == 6
    assert not item.events.filter(verb=Verb.EDIT).exists()


def test_the_api_accepts_six_months(world):
    response = post_json(
        client_for(world.officer), ITEMS, payload(world.unit, update_interval_months=6)
    )
    assert response.status_code == 201, response.content
    assert response.json()["update_interval_months"] == 6
