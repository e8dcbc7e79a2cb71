"""Berkala items carry their update interval through the API."""

import pytest

from .helpers import ITEMS, client_for, payload, post_json


@pytest.mark.django_db
def test_update_interval_is_recorded_and_read_back(world):
    officer = client_for(world.officer)
    created = post_json(officer, ITEMS, payload(world.unit, update_interval_months=3))
    assert created.status_code == 201, created.content
    assert created.json()["update_interval_months"] == 3
    assert officer.get(f"{ITEMS}/{created.json()['id']}").json()["update_interval_months"] == 3
    refused = post_json(officer, ITEMS, payload(world.unit, update_interval_months=500))
    assert refused.status_code == 422
