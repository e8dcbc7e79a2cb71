"""POST /api/v1/items/{id}/submit: seed 004's Petugas Layanan submits to the PPID."""

from lentera.documents.services import add_document
from lentera.register.services import create_item
from lentera.sop.constants import Verb
from lentera.testing import (
    BANGKA,
    REVIEW_NOTE,
    build_preset_world,
    item_fields,
    pdf_upload,
    walk_item,
)

from .helpers import ITEMS, client_for, post_json


def at_step_4(db):
    w = build_preset_world(BANGKA)
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    return w, walk_item(w, item, until=4)


def test_the_ppid_waits_until_the_petugas_layanan_submits(db):
    w, item = at_step_4(db)
    ppid = client_for(w.main_reviewer)
    body = ppid.get(f"{ITEMS}/{item.pk}").json()
    assert body["current_step"]["intake_position"] == "Petugas Layanan"
    assert "the Petugas Layanan has submitted it" in body["current_step"]["missing"]
    refused = post_json(ppid, f"{ITEMS}/{item.pk}/complete", {"note": REVIEW_NOTE})
    assert refused.status_code == 400
    for user in (w.officer, w.main_reviewer, w.main_approver):
        assert post_json(client_for(user), f"{ITEMS}/{item.pk}/submit").status_code == 403
    layanan = client_for(w.positions["Petugas Layanan"])
    response = post_json(layanan, f"{ITEMS}/{item.pk}/submit", {"note": "Direkap."})
    assert response.status_code == 200, response.content
    assert post_json(layanan, f"{ITEMS}/{item.pk}/submit").status_code == 400  # done already
    done = post_json(ppid, f"{ITEMS}/{item.pk}/complete", {"note": REVIEW_NOTE})
    assert done.status_code == 200 and done.json()["current_step"]["number"] == 5
    assert item.events.get(verb=Verb.SUBMIT).actor == w.positions["Petugas Layanan"]


def test_a_return_from_the_ppid_goes_back_to_the_petugas_layanan(db):
    w, item = at_step_4(db)
    layanan = client_for(w.positions["Petugas Layanan"])
    post_json(layanan, f"{ITEMS}/{item.pk}/submit")
    ppid = client_for(w.main_reviewer)
    back = post_json(ppid, f"{ITEMS}/{item.pk}/return", {"to_step": 4, "note": "Lengkapi."})
    assert back.status_code == 200, back.content
    assert "the Petugas Layanan has submitted it" in back.json()["current_step"]["missing"]
    assert post_json(layanan, f"{ITEMS}/{item.pk}/submit").status_code == 200


def test_the_petugas_layanan_hears_of_the_arrival_and_the_ppid_of_the_submission(db):
    from lentera.deadlines.models import Notification

    w, item = at_step_4(db)
    layanan, ppid = w.positions["Petugas Layanan"], w.main_reviewer
    at_4 = Notification.objects.filter(item=item, timing__step__number=4)
    assert set(at_4.values_list("user", flat=True)) == {layanan.pk}
    post_json(client_for(layanan), f"{ITEMS}/{item.pk}/submit")
    assert set(at_4.values_list("user", flat=True)) == {layanan.pk, ppid.pk}
