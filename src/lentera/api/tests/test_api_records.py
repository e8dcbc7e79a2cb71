"""Office records through the API: classification decisions and the item's history."""

import pytest
from django.test import Client

from lentera.documents.services import add_document
from lentera.register.constants import Category
from lentera.register.models import ClassificationDecision
from lentera.register.services import create_item
from lentera.register.workflow import complete_step, return_to_step
from lentera.sop.constants import Verb
from lentera.testing import classify, item_fields, new_item, pdf_upload

from .helpers import ITEMS, anonymous, client_for, finished_item, post_json, walk_to_approval

DECISION = {
    "ground": "h",
    "statute": "UU 14/2008 Pasal 17 huruf h; UU 27/2022 tentang Pelindungan Data Pribadi",
    "consequence_test": "Membuka data ini mengungkap rahasia pribadi penerima bantuan.",
    "public_interest_test": "Perlindungan data pribadi lebih besar manfaatnya bagi publik.",
    "participants": "PPID Utama, PPID Pelaksana, Bagian Hukum",
    "decided_by": "Kepala Dinas Komunikasi dan Informatika selaku PPID",
    "approved_by": "Gubernur Kalimantan Barat",
    "decree_number": "SK PPID 12/2025",
    "decided_on": "2025-03-01",
    "exempt_until": "2030-03-01",
}


def exempt_item_at_approval(world):
    """An exempt item without a decision, waiting at the approver's step of seed 003."""
    item = create_item(world.officer, **item_fields(world.unit, category=Category.EXEMPT))
    add_document(item, world.officer, pdf_upload())
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    item.refresh_from_db()
    assert item.current_step.number == 3
    return item


# --- Classification decisions -------------------------------------------------


def test_approver_records_a_decision_and_the_exempt_item_passes_approval(world):
    item = exempt_item_at_approval(world)
    approver = client_for(world.approver)
    response = post_json(approver, f"{ITEMS}/{item.pk}/complete")
    assert response.status_code == 400
    assert response.json()["missing"] == ["an exempt item has a classification decision"]

    response = post_json(approver, f"{ITEMS}/{item.pk}/classifications", DECISION)
    assert response.status_code == 201, response.content
    decision = ClassificationDecision.objects.get()
    body = response.json()
    assert body == {
        **DECISION,
        "id": decision.pk,
        "ground_label": "h. would reveal personal secrets",
        "recorded_by": world.approver.username,
        "recorded_at": body["recorded_at"],
    }
    event = item.events.get(verb=Verb.CLASSIFY)
    assert (event.actor, event.changes["decision"]) == (world.approver, decision.pk)

    listed = client_for(world.officer).get(f"{ITEMS}/{item.pk}/classifications")
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()] == [decision.pk]

    response = post_json(approver, f"{ITEMS}/{item.pk}/complete")
    assert response.status_code == 200, response.content
    assert response.json()["current_step"]["number"] == 4


def test_decisions_are_listed_newest_first(world):
    item = exempt_item_at_approval(world)
    older = classify(item, world.approver)
    newer = classify(
        item, world.approver, decided_on=older.decided_on.replace(year=2026), decree_number="SK 2"
    )
    body = client_for(world.main_officer).get(f"{ITEMS}/{item.pk}/classifications").json()
    assert [d["id"] for d in body] == [newer.pk, older.pk]


def test_only_a_reviewer_or_approver_records_a_decision(world):
    item = exempt_item_at_approval(world)
    for user in (world.officer, world.main_officer):
        response = post_json(client_for(user), f"{ITEMS}/{item.pk}/classifications", DECISION)
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Only a reviewer or approver of the unit or of the PPID Utama can classify."
        )
    assert not ClassificationDecision.objects.exists()
    assert not item.events.filter(verb=Verb.CLASSIFY).exists()


def test_no_decision_is_recorded_for_an_item_out_of_its_sop(world):
    item = finished_item(world)
    response = post_json(client_for(world.approver), f"{ITEMS}/{item.pk}/classifications", DECISION)
    assert response.status_code == 400
    assert "reopen" in response.json()["detail"]
    assert not ClassificationDecision.objects.exists()


def test_decisions_are_office_records_even_for_a_public_item(world):
    item = new_item(world)
    classify(item, world.approver)  # recorded in its pass, then published
    add_document(item, world.officer, pdf_upload())
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        complete_step(item, actor)
    url = f"{ITEMS}/{item.pk}/classifications"
    assert anonymous().get(f"{ITEMS}/{item.pk}").status_code == 200
    for client in (anonymous(), client_for(world.other_officer), client_for(world.outsider)):
        assert client.get(url).status_code == 404
        assert client.get(f"{ITEMS}/{item.pk + 1000}/classifications").status_code == 404
    for user in (world.other_officer, world.outsider):
        assert post_json(client_for(user), url, DECISION).status_code == 404
    assert post_json(anonymous(), url, DECISION).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer lnt_wrong").get(url).status_code == 401
    assert ClassificationDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"statute": None}, "statute"),
        ({"statute": ""}, "statute"),
        ({"ground": "k"}, "ground"),
        ({"decided_on": "kemarin"}, "decided_on"),
        ({"exempt_until": "2025-02-01"}, "__all__"),
        ({"decision": "final"}, "decision"),
    ],
)
def test_bad_decision_gets_422_and_records_nothing(world, change, field):
    item = exempt_item_at_approval(world)
    data = {**DECISION, **change}
    data = {k: v for k, v in data.items() if v is not None}
    response = post_json(client_for(world.approver), f"{ITEMS}/{item.pk}/classifications", data)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert not ClassificationDecision.objects.exists()
    assert not item.events.filter(verb=Verb.CLASSIFY).exists()


# --- History ------------------------------------------------------------------


def test_office_members_read_the_items_history(world):
    item = walk_to_approval(world)
    return_to_step(item, world.approver, 2, "Ringkasan isi belum lengkap.")
    for user in (world.officer, world.approver, world.main_officer):
        response = client_for(user).get(f"{ITEMS}/{item.pk}/history")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] == 5
        events = body["items"]
        assert [e["verb"] for e in events] == [
            Verb.CREATE,
            Verb.UPLOAD,
            Verb.COMPLETE,
            Verb.COMPLETE,
            Verb.RETURN,
        ]
        create, upload, first, second, returned = events
        assert create["actor"] == world.officer.username
        assert create["unit"]["slug"] == world.unit.slug
        assert create["changes"]["title"] == item.title
        assert create["step"] is None
        assert upload["changes"]["file"] == "lkjip-2024.pdf"
        assert (first["step"], first["to_step"]) == (1, 2)
        assert (second["step"], second["to_step"]) == (2, 3)
        assert returned["actor"] == world.approver.username
        assert returned["verb_label"] == "returned to an earlier step"
        assert (returned["step"], returned["to_step"]) == (3, 2)
        assert returned["note"] == "Ringkasan isi belum lengkap."
        assert returned["time"]


def test_history_names_the_application_as_no_one(world):
    item = finished_item(world)
    events = client_for(world.officer).get(f"{ITEMS}/{item.pk}/history?limit=500").json()["items"]
    tail = [(e["verb"], e["step"], e["actor"]) for e in events[-3:]]
    assert tail == [
        (Verb.COMPLETE, 4, world.main_officer.username),
        (Verb.PUBLISH, None, world.main_officer.username),
        (Verb.COMPLETE, 5, None),  # seed 003's last step is the application's own
    ]


def test_history_is_paginated(world):
    item = walk_to_approval(world)
    page = client_for(world.officer).get(f"{ITEMS}/{item.pk}/history?limit=2&offset=3").json()
    assert page["count"] == 4
    assert [e["verb"] for e in page["items"]] == [Verb.COMPLETE]


def test_history_is_not_public_even_for_a_public_item(world):
    item = finished_item(world)
    url = f"{ITEMS}/{item.pk}/history"
    for client in (anonymous(), client_for(world.other_officer), client_for(world.outsider)):
        assert client.get(f"{ITEMS}/{item.pk}").status_code == 200
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert client_for(world.officer).get(f"{ITEMS}/{item.pk + 1000}/history").status_code == 404
    assert Client(HTTP_AUTHORIZATION="Bearer lnt_wrong").get(url).status_code == 401
