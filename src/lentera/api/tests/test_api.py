"""The JSON API: who may call it, recording items, and its OpenAPI document."""

import datetime

import pytest
from django.test import Client

from lentera.accounts.models import ApiToken
from lentera.accounts.services import issue_token
from lentera.documents.models import Document
from lentera.register.constants import Status
from lentera.register.models import InformationItem
from lentera.sop.constants import Verb
from lentera.testing import new_item, pdf_upload

from .helpers import ITEMS, client_for, finished_item, payload, post_json

# --- Authentication ---------------------------------------------------------


def test_officer_creates_an_item_with_a_token(world):
    response = post_json(client_for(world.officer), ITEMS, payload(world.unit))
    assert response.status_code == 201, response.content
    body = response.json()
    item = InformationItem.objects.get(pk=body["id"])
    assert item.created_by == world.officer
    assert item.holding_unit == world.unit
    assert body["holding_unit"]["slug"] == world.unit.slug
    assert body["status"] == Status.IN_PROGRESS
    assert body["current_step"]["number"] == 1
    assert body["current_step"]["performer_label"] == "Petugas PPID"
    assert body["made_on"] == "2025-02-14"
    assert body["documents"] == []
    assert list(item.events.values_list("verb", flat=True)) == [Verb.CREATE]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer lnt_not-a-real-token", "Bearer ", "Basic cGV0dWdhczprYXRh", "lnt_no_scheme"],
)
def test_writes_without_a_valid_token_get_401(world, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    item = new_item(world)
    responses = [
        post_json(client, ITEMS, payload(world.unit)),
        post_json(client, f"{ITEMS}/{item.pk}/complete"),
        post_json(client, f"{ITEMS}/{item.pk}/return", {"to_step": 1, "note": "x"}),
        client.post(f"{ITEMS}/{item.pk}/documents", {"file": pdf_upload()}),
        post_json(client, f"{ITEMS}/{item.pk}/withdraw", {"note": "x"}),
        post_json(client, f"{ITEMS}/{item.pk}/reopen"),
        post_json(client, f"{ITEMS}/{item.pk}/hardcopies", {"building": "A", "custodian": "B"}),
        post_json(client, f"{ITEMS}/{item.pk}/classifications", {"statute": "x"}),
    ]
    for response in responses:
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["detail"]
    assert InformationItem.objects.count() == 1
    assert not Document.objects.exists()
    item.refresh_from_db()
    assert item.current_step.number == 1
    assert list(item.events.values_list("verb", flat=True)) == [Verb.CREATE]


def test_a_bad_token_is_refused_even_on_reads(world):
    # A typo in a token must not silently downgrade the caller to the public view.
    finished_item(world)
    assert Client().get(ITEMS).json()["count"] == 1
    assert Client(HTTP_AUTHORIZATION="Bearer lnt_wrong").get(ITEMS).status_code == 401


def test_a_caller_without_session_hears_401_not_a_csrf_failure(world):
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, ITEMS, payload(world.unit))
    assert response.status_code == 401
    assert not InformationItem.objects.exists()


def test_token_of_an_inactive_user_is_refused(world):
    client = client_for(world.officer)
    world.officer.is_active = False
    world.officer.save()
    assert post_json(client, ITEMS, payload(world.unit)).status_code == 401
    assert not InformationItem.objects.exists()


def test_last_used_at_is_written_at_most_once_a_minute(world):
    record, token = issue_token(world.officer, name="tes")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(ITEMS).status_code == 200
    record.refresh_from_db()
    first = record.last_used_at
    assert first is not None
    assert client.get(ITEMS).status_code == 200
    record.refresh_from_db()
    assert record.last_used_at == first
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    assert client.get(ITEMS).status_code == 200
    record.refresh_from_db()
    assert record.last_used_at >= first


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.officer)
    assert client.get(ITEMS).status_code == 200
    response = post_json(client, ITEMS, payload(world.unit))
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The CSRF token is missing or wrong")
    assert not InformationItem.objects.exists()

    csrf = "k" * 32
    client.cookies["csrftoken"] = csrf
    response = client.post(
        ITEMS, payload(world.unit), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201
    assert InformationItem.objects.get().created_by == world.officer


# --- Creating items -----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"category": "rahasia"}, "category"),
        ({"holding_unit": "no-such-unit"}, "holding_unit"),
        ({"year": "last year"}, "year"),
        ({"status": "published"}, "status"),
    ],
)
def test_bad_payload_gets_422_and_creates_nothing(world, change, field):
    data = payload(world.unit)
    for name, value in change.items():
        if value is None:
            del data[name]
        else:
            data[name] = value
    response = post_json(client_for(world.officer), ITEMS, data)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Some of the data sent is not valid."
    assert body["errors"][field] and all(body["errors"][field])
    assert not InformationItem.objects.exists()


def test_malformed_json_gets_400_and_creates_nothing(world):
    client = client_for(world.officer)
    response = client.post(ITEMS, '{"title": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."
    assert not InformationItem.objects.exists()


def test_validation_messages_follow_the_language(world):
    data = payload(world.unit)
    del data["title"]
    client = client_for(world.officer)
    response = client.post(ITEMS, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 422
    assert response.json()["errors"]["title"] == ["Bidang ini tidak boleh kosong."]


def test_only_an_officer_of_the_holding_unit_can_create(world):
    for user in (world.other_officer, world.approver, world.outsider):
        response = post_json(client_for(user), ITEMS, payload(world.unit))
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Only an officer of the holding unit can record its information."
        )
    assert not InformationItem.objects.exists()


# --- OpenAPI and docs -------------------------------------------------------


def test_openapi_document_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Lentera API"
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    assert set(paths["/api/v1/items"]) == {"get", "post"}
    assert set(paths["/api/v1/items/{item_id}"]) == {"get", "patch"}
    for action in ("documents", "complete", "return", "withdraw", "reopen", "hardcopies"):
        assert set(paths[f"/api/v1/items/{{item_id}}/{action}"]) == {"post"}
    assert set(paths["/api/v1/items/{item_id}/classifications"]) == {"get", "post"}
    assert set(paths["/api/v1/items/{item_id}/history"]) == {"get"}
    components = schema["components"]["schemas"]
    assert "ticked" in components["CompleteIn"]["properties"]
    assert "pending_changes" in components["OfficeOut"]["properties"]
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_loads_its_assets_locally(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert '<meta name="viewport" content="width=device-width' in html  # phones
    for cdn in ("cdn", "unpkg", "jsdelivr"):
        assert cdn not in html.lower()
    asset = client.get("/static/ninja/swagger-ui-bundle.js")
    assert asset.status_code == 200
