"""The office pages for the SOP engine's actions: checklists, withdraw, reopen and
update, classification decisions, hard copy locations and the item's history."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lentera.documents.models import HardCopy
from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register.constants import Category, Status
from lentera.register.models import ClassificationDecision
from lentera.register.services import create_item
from lentera.register.workflow import complete_step
from lentera.sop.constants import Verb
from lentera.sop.presets import PRESET_DIR, load_preset
from lentera.testing import item_fields, new_item, pdf_upload, take_first_position

from .bangka import build_bangka

CHECKLIST_ITEM = "Data ter update dan telah terverifikasi"  # seed 002, step 1
NEW_TITLE = "Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2024 — Revisi"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def kesra_sop(world):
    """Seed 002 for the world's unit: step 1 has a checklist and needs the hard copy's place."""
    sop, _ = load_preset(PRESET_DIR / "kalbar-biro-kesra-2021.toml")
    world.unit.sop = sop
    world.unit.save()
    take_first_position(world, sop)  # the PPID Pelaksana
    return sop


def url(name, item):
    return reverse(name, args=[item.pk])


def post(client, name, item, data=None):
    """Post one of the item page's forms with the item's current lock version."""
    item.refresh_from_db()
    return client.post(url(name, item), {"lock_version": item.lock_version, **(data or {})})


def shown_messages(client, item) -> list[str]:
    response = client.get(url("office:item", item))
    return [str(m) for m in response.context["messages"]]


def edit_data(world, item, **overrides) -> dict:
    data = {k: v for k, v in item_fields(world.unit).items() if v is not None}
    data.update(holding_unit=world.unit.pk, made_on=data["made_on"].isoformat())
    data.update(overrides, lock_version=item.lock_version)
    return {k: v for k, v in data.items() if v is not False}


def published_item(world):
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        complete_step(item, actor)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    return item


# The complete form: checklist, checks and what is missing


def test_complete_form_shows_checklist_checks_and_what_is_missing(client, world, kesra_sop):
    item = new_item(world)
    assert item.sop == kesra_sop
    client.force_login(world.officer)
    response = client.get(url("office:item", item))
    assert response.context["complete_form"].fields["ticked"].choices == [
        (CHECKLIST_ITEM, CHECKLIST_ITEM)
    ]
    assert f'name="ticked" value="{CHECKLIST_ITEM}"' in response.content.decode()
    assert response.context["check_labels"] == ["the hard copy's location is recorded"]
    # The tick is given on the form itself; the hard copy's place is not.
    assert response.context["missing"] == ["the hard copy's location is recorded"]


def test_step_is_refused_until_ticked_and_hard_copy_recorded(client, world, kesra_sop):
    item = new_item(world)
    client.force_login(world.officer)
    post(client, "office:item-complete", item)
    (refusal,) = shown_messages(client, item)
    assert f"ticked: {CHECKLIST_ITEM}" in refusal
    assert "the hard copy's location is recorded" in refusal
    item.refresh_from_db()
    assert item.current_step.number == 1

    post(
        client,
        "office:item-hardcopy",
        item,
        {
            "building": "Kantor Gubernur Kalimantan Barat, Gedung B",
            "room": "Ruang Arsip",
            "cabinet": "Lemari 3",
            "box": "Boks 12",
            "custodian": "Arsiparis Biro Kesra",
        },
    )
    page = client.get(url("office:item", item))
    assert "Ruang Arsip / Lemari 3 / Boks 12" in page.content.decode()
    assert page.context["missing"] == []

    post(client, "office:item-complete", item, {"ticked": [CHECKLIST_ITEM]})
    item.refresh_from_db()
    assert item.current_step.number == 2
    event = item.events.get(verb=Verb.COMPLETE)
    assert event.changes == {"ticked": [CHECKLIST_ITEM]}


def test_hard_copy_form_with_errors_saves_nothing(client, world, kesra_sop):
    item = new_item(world)
    client.force_login(world.officer)
    response = post(client, "office:item-hardcopy", item, {"building": " ", "room": "Arsip"})
    assert response.status_code == 200
    form = response.context["hardcopy_form"]
    assert set(form.errors) == {"building", "custodian"}
    assert form["room"].value() == "Arsip"  # what was typed comes back
    assert not HardCopy.objects.exists()
    assert not item.events.filter(verb=Verb.HARDCOPY).exists()


def test_only_editors_record_hard_copies(client, world, kesra_sop):
    item = new_item(world)
    data = {"building": "Gedung B", "custodian": "Arsiparis"}
    client.force_login(world.other_officer)
    assert post(client, "office:item-hardcopy", item, data).status_code == 404
    # The PPID Utama's officer sees the item but does not perform step 1.
    client.force_login(world.main_officer)
    assert client.get(url("office:item", item)).context["hardcopy_form"] is None
    post(client, "office:item-hardcopy", item, data)
    assert "You cannot record a hard copy for this item." in shown_messages(client, item)
    assert not HardCopy.objects.exists()


def test_review_step_needs_a_note(client, db):
    bangka = build_bangka()
    item = create_item(bangka.officer, **item_fields(bangka.unit, form_hardcopy=False))
    add_document(item, bangka.officer, pdf_upload())
    for _ in range(3):
        complete_step(item, bangka.officer)
    client.force_login(bangka.ppid)
    page = client.get(url("office:item", item))
    assert page.context["intake_pending"] and 'id="intake-pending"' in page.content.decode()
    # The Petugas Layanan submits it to the PPID from the item page.
    client.force_login(bangka.layanan)
    page = client.get(url("office:item", item))
    assert page.context["submit_form"] is not None
    post(client, "office:item-submit", item, {"note": "Direkap."})
    assert item.events.get(verb=Verb.SUBMIT).actor == bangka.layanan
    client.force_login(bangka.ppid)
    page = client.get(url("office:item", item))
    assert page.context["note_required"] and page.context["missing"] == []
    assert 'id="note-hint"' in page.content.decode()
    assert page.context["complete_form"].fields["note"].widget.attrs["required"]

    post(client, "office:item-complete", item, {"note": "   "})
    (refusal,) = shown_messages(client, item)
    assert "the performer writes a note" in refusal
    item.refresh_from_db()
    assert item.current_step.number == 4

    post(client, "office:item-complete", item, {"note": "Sudah dikoreksi: kolom DIP lengkap."})
    item.refresh_from_db()
    assert item.current_step.number == 5
    assert item.events.get(verb=Verb.COMPLETE, step__number=4).note == (
        "Sudah dikoreksi: kolom DIP lengkap."
    )


# Withdraw and reopen


def test_withdraw_without_a_note_changes_nothing(client, world):
    item = published_item(world)
    client.force_login(world.approver)
    assert client.get(url("office:item", item)).context["withdraw_form"] is not None
    post(client, "office:item-withdraw", item, {"note": "  "})
    assert "Write a note saying why the item is withdrawn." in shown_messages(client, item)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert not item.events.filter(verb=Verb.WITHDRAW).exists()


def test_withdraw_with_a_note_takes_the_item_off_the_dip(client, world):
    item = published_item(world)
    client.force_login(world.approver)
    post(client, "office:item-withdraw", item, {"note": "Data diganti laporan audit BPK."})
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN
    assert item.events.get(verb=Verb.WITHDRAW).note == "Data diganti laporan audit BPK."
    assert Client().get(reverse("portal:item", args=[item.pk])).status_code == 404


def test_withdraw_and_reopen_are_refused_to_people_without_the_right(client, world):
    item = published_item(world)
    # An officer of the holding unit may reopen a published item but not withdraw it.
    client.force_login(world.officer)
    page = client.get(url("office:item", item))
    assert page.context["withdraw_form"] is None and page.context["reopen_form"] is not None
    post(client, "office:item-withdraw", item, {"note": "Salah unggah."})
    assert "You cannot withdraw this item." in shown_messages(client, item)
    # The unit's approver may withdraw it but does not perform step 1, so cannot reopen it.
    client.force_login(world.approver)
    assert client.get(url("office:item", item)).context["reopen_form"] is None
    post(client, "office:item-reopen", item)
    assert "You cannot reopen this item." in shown_messages(client, item)
    for person in (world.other_officer, world.outsider):
        client.force_login(person)
        assert post(client, "office:item-withdraw", item, {"note": "x"}).status_code == 404
        assert post(client, "office:item-reopen", item).status_code == 404
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and not item.in_update
    assert not item.events.filter(verb__in=[Verb.WITHDRAW, Verb.REOPEN]).exists()


def test_stale_withdraw_shows_the_conflict(client, world):
    item = published_item(world)
    client.force_login(world.approver)
    client.post(
        url("office:item-withdraw", item),
        {"lock_version": item.lock_version - 1, "note": "Ditarik."},
    )
    (message,) = shown_messages(client, item)
    assert message.startswith("Someone else changed this item")
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_reopened_item_edits_a_proposal_while_the_public_keeps_the_old_title(client, world):
    item = published_item(world)
    old_title = item.title
    client.force_login(world.officer)
    post(client, "office:item-reopen", item, {"note": "Angka capaian direvisi."})
    item.refresh_from_db()
    assert item.in_update and item.current_step.number == 1

    response = client.post(url("office:item-edit", item), edit_data(world, item, title=NEW_TITLE))
    assert response.status_code == 302
    page = client.get(url("office:item", item))
    (change,) = page.context["proposed_changes"]
    assert (change.label, change.published, change.proposed) == ("title", old_title, NEW_TITLE)
    assert 'id="proposed-changes"' in page.content.decode()
    public = Client().get(reverse("portal:item", args=[item.pk])).content.decode()
    assert old_title in public and NEW_TITLE not in public
    # The edit form starts from the proposal, not from the published values.
    form = client.get(url("office:item-edit", item)).context["form"]
    assert form["title"].value() == NEW_TITLE

    # The update goes through the SOP again; its publish step makes it public.
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        client.force_login(actor)
        post(client, "office:item-complete", item)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and not item.in_update
    assert NEW_TITLE in Client().get(reverse("portal:item", args=[item.pk])).content.decode()


def test_proposed_holding_unit_shows_unit_names(client, world):
    Membership.objects.create(user=world.officer, unit=world.other_unit, role=Role.OFFICER)
    item = published_item(world)
    client.force_login(world.officer)
    post(client, "office:item-reopen", item)
    item.refresh_from_db()
    client.post(
        url("office:item-edit", item),
        edit_data(world, item, holding_unit=world.other_unit.pk, form_hardcopy=False),
    )
    rows = {c.label: c for c in client.get(url("office:item", item)).context["proposed_changes"]}
    assert (rows["holding unit"].published, rows["holding unit"].proposed) == (
        "Biro Kesejahteraan Rakyat",
        "Dinas Kesehatan",
    )
    assert (rows["available as hard copy"].published, rows["available as hard copy"].proposed) == (
        "yes",
        "no",
    )


# Classification decisions


def classification_data(item, **overrides) -> dict:
    item.refresh_from_db()
    data = {
        "lock_version": item.lock_version,
        "ground": "h",
        "statute": "UU 14/2008 Pasal 17 huruf h",
        "consequence_test": "Membuka data mengungkap rahasia pribadi penerima bantuan.",
        "public_interest_test": "Perlindungan data pribadi lebih besar manfaatnya.",
        "participants": "PPID Utama, PPID Pelaksana, Bagian Hukum",
        "decided_by": "Kepala Diskominfo selaku PPID",
        "approved_by": "Gubernur Kalimantan Barat",
        "decree_number": "SK PPID 12/2025",
        "decided_on": "2025-03-01",
        "exempt_until": "2030-03-01",
    }
    data.update(overrides)
    return data


def test_classification_page_is_for_reviewers_and_approvers_only(client, world):
    item = new_item(world)
    for person, status in (
        (world.officer, 403),
        (world.main_officer, 403),
        (world.other_officer, 404),
        (world.outsider, 404),
    ):
        client.force_login(person)
        assert client.get(url("office:item-classify", item)).status_code == status
        response = client.post(url("office:item-classify", item), classification_data(item))
        assert response.status_code == status
    assert not ClassificationDecision.objects.exists()
    client.force_login(world.approver)
    page = client.get(url("office:item-classify", item))
    assert page.status_code == 200
    ground = page.context["form"].fields["ground"]
    assert [value for value, _ in ground.choices if value] == list("abcdefghij")
    assert 'type="date"' in page.content.decode()


def test_classification_form_errors_save_nothing(client, world):
    item = create_item(world.officer, **item_fields(world.unit, category=Category.EXEMPT))
    client.force_login(world.approver)
    response = client.post(
        url("office:item-classify", item), classification_data(item, ground="z", statute="")
    )
    assert response.status_code == 200
    assert {"ground", "statute"} <= set(response.context["form"].errors)
    response = client.post(
        url("office:item-classify", item), classification_data(item, exempt_until="2024-01-01")
    )
    assert response.status_code == 200
    assert "The exemption must end after the date of decision." in str(
        response.context["form"].non_field_errors()
    )
    assert not ClassificationDecision.objects.exists()
    assert not item.events.filter(verb=Verb.CLASSIFY).exists()


def test_exempt_item_shows_its_classification_decision(client, world):
    item = create_item(world.officer, **item_fields(world.unit, category=Category.EXEMPT))
    client.force_login(world.officer)
    page = client.get(url("office:item", item))
    assert page.context["show_classification"] and page.context["classification"] is None
    assert reverse("office:item-classify", args=[item.pk]) not in page.content.decode()

    client.force_login(world.approver)
    page = client.get(url("office:item", item))
    assert reverse("office:item-classify", args=[item.pk]) in page.content.decode()
    response = client.post(url("office:item-classify", item), classification_data(item))
    assert response.status_code == 302
    page = client.get(url("office:item", item))
    text = page.content.decode()
    for shown in (
        "h. would reveal personal secrets",
        "Kepala Diskominfo selaku PPID",
        "Gubernur Kalimantan Barat",
        "1 March 2025",
        "1 March 2030",
    ):
        assert shown in text
    assert item.events.get(verb=Verb.CLASSIFY).actor == world.approver


def test_classification_block_follows_the_proposed_category(client, world):
    item = published_item(world)
    client.force_login(world.officer)
    assert not client.get(url("office:item", item)).context["show_classification"]
    post(client, "office:item-reopen", item)
    item.refresh_from_db()
    client.post(url("office:item-edit", item), edit_data(world, item, category=Category.EXEMPT))
    page = client.get(url("office:item", item))
    assert page.context["show_classification"]
    assert 'id="classification"' in page.content.decode()


# History


def test_history_lists_notes_and_before_after_values(client, world):
    Membership.objects.create(user=world.officer, unit=world.other_unit, role=Role.OFFICER)
    item = new_item(world)
    complete_step(item, world.officer)
    complete_step(item, world.officer)
    client.force_login(world.approver)
    post(
        client,
        "office:item-return",
        item,
        {"to_step": 2, "note": "Lampiran tabel capaian kinerja belum ada."},
    )
    client.force_login(world.officer)
    item.refresh_from_db()
    client.post(
        url("office:item-edit", item),
        edit_data(world, item, holding_unit=world.other_unit.pk, made_on="2025-03-01"),
    )
    response = client.get(url("office:item-history", item))
    text = response.content.decode()
    assert "Lampiran tabel capaian kinerja belum ada." in text
    assert "<del>Biro Kesejahteraan Rakyat</del> → <ins>Dinas Kesehatan</ins>" in text
    assert "<del>14 February 2025</del> → <ins>1 March 2025</ins>" in text
    assert "Holding unit" in text and "Date made" in text
    assert "(step 3 → 2)" in text  # the return
    assert world.approver.get_full_name() in text
    first = item.events.order_by("id").first()
    local = timezone.localtime(first.created_at)
    assert f"{local:%H:%M} WIB" in text
    assert (
        reverse("office:item-history", args=[item.pk])
        in client.get(url("office:item", item)).content.decode()
    )


def test_history_names_the_application_for_its_own_steps(client, world):
    item = published_item(world)
    client.force_login(world.main_officer)
    text = client.get(url("office:item-history", item)).content.decode()
    assert "The application" in text  # step 5 of seed 003 is the application's
    assert "lkjip-2024.pdf" in text  # the upload's file


def test_history_is_only_for_people_who_see_the_item(client, world):
    item = new_item(world)
    history = url("office:item-history", item)
    assert client.get(history).status_code == 302  # to the login page
    for person in (world.other_officer, world.outsider):
        client.force_login(person)
        assert client.get(history).status_code == 404
    client.force_login(world.main_officer)  # the PPID Utama sees its body's items
    assert client.get(history).status_code == 200


# My work


def test_my_work_shows_step_performer_and_marks_updates(client, world):
    item = published_item(world)
    client.force_login(world.officer)
    post(client, "office:item-reopen", item)
    response = client.get(reverse("office:my-work"))
    assert [i.pk for i in response.context["queue"]] == [item.pk]
    queue = response.content.decode().split('id="queue"', 1)[1].split("</table>", 1)[0]
    assert '<span class="badge update">Update</span>' in queue
    assert "Step 1" in queue
    item.refresh_from_db()
    assert item.current_step.performer_label in queue
