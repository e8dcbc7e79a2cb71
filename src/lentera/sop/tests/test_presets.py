"""The four seed SOPs as presets, each walked end to end through the service layer."""

import hashlib
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.documents.models import DocumentVersion, HardCopy
from lentera.documents.services import add_document, record_hardcopy
from lentera.errors import ActionRefused, Conflict, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register.constants import Category, Status
from lentera.register.models import ClassificationDecision, InformationItem
from lentera.register.selectors import public_items
from lentera.register.services import create_item, update_item
from lentera.register.workflow import (
    complete_step,
    reopen,
    required_checks,
    return_to_step,
    submit,
    withdraw,
)
from lentera.sop.constants import Check, StepKind, TimeUnit, Verb
from lentera.sop.models import Sop, SopStep
from lentera.sop.policy import can_perform, is_separated
from lentera.sop.presets import load_presets
from lentera.testing import (
    BANGKA,
    BIRO_KESRA,
    DISKOMINFO,
    PONTIANAK,
    PRESET_FILES,
    REVIEW_NOTE,
    build_preset_world,
    classify,
    item_fields,
    meet_requirements,
    pdf_upload,
    walk_item,
)

KESRA_CHECK = "Data ter update dan telah terverifikasi"  # the checklist of seed 002, step 1


# Helpers ------------------------------------------------------------------------------


def state(item) -> dict:
    """Everything a refused action must leave as it was."""
    item = InformationItem.objects.get(pk=item.pk)
    return {
        "item": {
            f.attname: getattr(item, f.attname) for f in InformationItem._meta.concrete_fields
        },
        "events": ActivityEvent.objects.count(),
        "files": list(DocumentVersion.objects.values_list("pk", "published_at")),
        "hardcopies": HardCopy.objects.count(),
        "classifications": ClassificationDecision.objects.count(),
    }


def refused(error, action, item, *args, **kwargs) -> ActionRefused:
    """`action(item, ...)` raises exactly `error` and changes nothing."""
    before = state(item)
    with pytest.raises(error) as raised:
        action(item, *args, **kwargs)
    assert type(raised.value) is error
    assert state(item) == before
    return raised.value


def at(item) -> int | None:
    step = InformationItem.objects.get(pk=item.pk).current_step
    return step.number if step else None


def fresh(user):
    """The same person with their memberships read again."""
    return get_user_model().objects.get(pk=user.pk)


def completed_by(item) -> list[tuple[int, int | None]]:
    events = item.events.filter(verb=Verb.COMPLETE).order_by("id")
    return list(events.values_list("step__number", "actor"))


def published_files(item):
    return DocumentVersion.objects.filter(document__item=item, published_at__isnull=False)


def place_made() -> str:
    return str(InformationItem._meta.get_field("made_place").verbose_name)


def assert_log_intact() -> None:
    checked, broken = verify_chain()
    assert broken is None
    assert checked == ActivityEvent.objects.count() > 0


def keep_hardcopy(item, actor):
    return record_hardcopy(
        item,
        actor,
        building="Kantor Gubernur Kalimantan Barat",
        room="Ruang Arsip Biro Kesra",
        cabinet="Lemari 3",
        box="Boks 2024",
        custodian="Pengelola Arsip Biro Kesejahteraan Rakyat",
    )


@pytest.fixture
def pontianak(db):
    return build_preset_world(PONTIANAK)


@pytest.fixture
def biro_kesra(db):
    return build_preset_world(BIRO_KESRA)


@pytest.fixture
def diskominfo(db):
    return build_preset_world(DISKOMINFO)


@pytest.fixture
def bangka(db):
    return build_preset_world(BANGKA)


# Loading the presets ------------------------------------------------------------------

PRESET_KEYS = {
    "kota-pontianak-2023",
    "kalbar-biro-kesra-2021",
    "kalbar-diskominfo-2024",
    "bangka-dinkominfotik-2024",
}


def sop_digest() -> str:
    """A digest of every field of every SOP and step."""
    rows = [
        list(Sop.objects.order_by("pk").values()),
        list(SopStep.objects.order_by("pk").values()),
    ]
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


def test_load_presets_loads_the_four_seeds_and_a_second_load_changes_nothing(db):
    first = load_presets()
    assert {sop.preset_key for sop, _ in first} == PRESET_KEYS
    assert all(created for _, created in first)
    counts = (Sop.objects.count(), SopStep.objects.count())
    assert counts == (4, 5 + 3 + 5 + 5)
    digest = sop_digest()

    second = load_presets()
    assert not any(created for _, created in second)
    assert [sop.pk for sop, _ in second] == [sop.pk for sop, _ in first]
    out = StringIO()
    call_command("sop", "load-presets", stdout=out)
    assert out.getvalue().count("already present") == 4
    assert (Sop.objects.count(), SopStep.objects.count()) == counts
    assert sop_digest() == digest


SEED_HEADERS = {
    "kota-pontianak-2023": dict(
        number="/SOP.DINSOS/ 2023",
        made_on="03/07/2023",
        revised_on="",
        effective_on="2023",
        approved_by="",
        steps=5,
    ),
    "kalbar-biro-kesra-2021": dict(
        number="400/255/KESRA-TU",
        made_on="1 MARET 2021",
        revised_on="",
        effective_on="",
        approved_by=(
            "KEPALA BIRO KESEJAHTERAAN RAKYAT, drg. HARY AGUNG TJAHYADI, M.Kes "
            "Pembina Utama Muda NIP. 19690520 199803 1 008"
        ),
        steps=3,
    ),
    "kalbar-diskominfo-2024": dict(
        number="68 / DISKOMINFO / 2024",
        made_on="5 Januari 2024",
        revised_on="",
        effective_on="8 Januari 2024",
        approved_by=(
            "Kepala Dinas Komunikasi dan Informatika Provinsi Kalimantan Barat "
            "SAMUEL, SE, Msi Pemina Utama Madya NIP. 19660408 199303 1 009"
        ),
        steps=5,
    ),
    "bangka-dinkominfotik-2024": dict(
        number="500.12.11/802 / IKP/Dinkominfotik 2024",
        made_on="1 AGUSTUS 2024",
        revised_on="",
        effective_on="AGUSTUS 2024",
        approved_by=(
            "Kadinkominfotik Kabupaten Bangka Drs. TEDDY SUDARSONO, M.Si "
            "PEMBINA UTAMA MUDA NIP. 19660819 199603 1 002"
        ),
        steps=5,
    ),
}


@pytest.mark.parametrize("key", sorted(SEED_HEADERS))
def test_preset_header_reads_as_the_seed(db, key):
    load_presets()
    sop = Sop.objects.get(preset_key=key)
    expected = dict(SEED_HEADERS[key])
    assert sop.steps.count() == expected.pop("steps")
    assert list(sop.steps.values_list("number", flat=True)) == list(range(1, sop.steps.count() + 1))
    # The seeds print the signature block on one line; the presets keep its lines.
    assert " ".join(sop.approved_by.split()) == expected.pop("approved_by")
    assert {name: getattr(sop, name) for name in expected} == expected


def test_time_standards_are_the_seeds(db):
    load_presets()

    def times(key):
        steps = Sop.objects.get(preset_key=key).steps.order_by("number")
        return [(step.time_amount, step.time_unit) for step in steps]

    days, weeks = TimeUnit.WORKING_DAYS, TimeUnit.WEEKS
    pontianak = times("kota-pontianak-2023")
    assert pontianak[2] == (10, days)
    assert pontianak == [(1, days), (1, days), (10, days), (1, days), (1, days)]
    diskominfo = times("kalbar-diskominfo-2024")
    assert diskominfo[1] == (1, TimeUnit.MINUTES)
    assert diskominfo[2] == (1, weeks)
    assert diskominfo[0][1] == TimeUnit.TENTATIVE
    assert times("kalbar-biro-kesra-2021") == [(1, TimeUnit.HOURS)] * 3
    assert {unit for _, unit in times("bangka-dinkominfotik-2024")} == {TimeUnit.TENTATIVE}


# Seed 000: Kota Pontianak -------------------------------------------------------------


def test_pontianak_item_goes_from_the_ppid_utama_to_the_opd_and_is_published(pontianak):
    w = pontianak
    # 1. The Pejabat Bidang PID of the PPID Utama lists the information the OPD holds.
    item = create_item(w.main_officer, **item_fields(w.unit, title="Rekapitulasi Bansos 2025"))
    assert item.sop.preset_key == "kota-pontianak-2023" and at(item) == 1
    complete_step(item, w.main_officer)
    # 2. The PPID Utama reviews and corrects the list.
    complete_step(item, w.main_reviewer)
    # 3. The PPID Pendukung (the OPD) follows up and hands over the data.
    add_document(item, w.officer, pdf_upload())
    complete_step(item, w.officer)
    # 4. The PPID Utama receives it; 5. the Pejabat Bidang uploads it to the website.
    complete_step(item, w.main_reviewer)
    assert at(item) == 5 and not public_items().filter(pk=item.pk).exists()
    complete_step(item, w.main_officer)

    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.current_step is None
    assert item.published_at is not None
    assert published_files(item).count() == 1
    assert public_items().filter(pk=item.pk).exists()
    assert completed_by(item) == [
        (1, w.main_officer.pk),
        (2, w.main_reviewer.pk),
        (3, w.officer.pk),
        (4, w.main_reviewer.pk),
        (5, w.main_officer.pk),
    ]
    assert_log_intact()


def test_pontianak_refuses_the_wrong_people(pontianak):
    w = pontianak
    item = create_item(w.officer, **item_fields(w.unit))  # the OPD may record its own item
    # Step 1 is the Pejabat Bidang's, in the PPID Utama.
    for person in (w.officer, w.approver, w.main_reviewer, w.other_officer, w.outsider):
        refused(NotAllowed, complete_step, item, person)
    complete_step(item, w.main_officer)
    # Step 2 is the PPID Utama's reviewer's, not the OPD's reviewer's.
    for person in (w.reviewer, w.main_officer, w.main_approver, w.officer):
        refused(NotAllowed, complete_step, item, person)
        refused(NotAllowed, return_to_step, item, person, 1, "Perbaiki ringkasan.")
    complete_step(item, w.main_reviewer)
    # Step 3 is the OPD's own officer's.
    add_document(item, w.officer, pdf_upload())
    for person in (w.main_officer, w.other_officer, w.main_reviewer):
        refused(NotAllowed, complete_step, item, person)
    complete_step(item, w.officer)
    # Step 4: the OPD's officer submitted the data, so may not review it even as a
    # reviewer of the PPID Utama.
    Membership.objects.create(user=w.officer, unit=w.main, role=Role.REVIEWER)
    submitter = fresh(w.officer)
    step = InformationItem.objects.get(pk=item.pk).current_step
    assert can_perform(submitter, item, step) and not is_separated(submitter, item, step)
    refused(NotAllowed, complete_step, item, submitter)
    complete_step(item, w.main_reviewer)
    assert at(item) == 5
    assert_log_intact()


def test_pontianak_steps_refuse_what_is_missing_until_it_is_there(pontianak):
    w = pontianak
    item = create_item(w.main_officer, **item_fields(w.unit, made_place=""))
    complete_step(item, w.main_officer)
    # Step 2 checks every DIP column.
    missing = refused(ActionRefused, complete_step, item, w.main_reviewer).missing
    assert len(missing) == 1 and place_made() in missing[0]
    # The PPID Utama sends it back for correction: who corrects may not review (four eyes).
    return_to_step(item, w.main_reviewer, 1, "Lengkapi tempat pembuatan.")
    update_item(item, w.main_officer, made_place="Pontianak")
    complete_step(item, w.main_officer)
    complete_step(item, w.main_reviewer)
    # Step 3 needs the soft copy.
    missing = refused(ActionRefused, complete_step, item, w.officer).missing
    assert missing == [str(Check.SOFTCOPY.label)]
    add_document(item, w.officer, pdf_upload())
    complete_step(item, w.officer)
    assert at(item) == 4


# Seed 002: Biro Kesra, Provinsi Kalimantan Barat ---------------------------------------


def test_biro_kesra_item_is_documented_and_its_files_stay_available_on_request(biro_kesra):
    w = biro_kesra
    assert w.unit.sop.preset_key == "kalbar-biro-kesra-2021"
    assert w.body.sop.preset_key == "kalbar-diskominfo-2024"
    item = create_item(w.officer, **item_fields(w.unit))
    assert item.sop == w.unit.sop and at(item) == 1
    # 1. The PPID Pelaksana makes and keeps the hard copy, and ticks that the data is verified.
    keep_hardcopy(item, w.officer)
    complete_step(item, w.officer, ticked=[KESRA_CHECK])
    # 2. The Petugas Dokumentasi, another officer of the bagian, hands the soft copy over;
    #    the PPID Pelaksana may not, though both are officers there.
    documenter = w.positions["Petugas Dokumentasi"]
    add_document(item, documenter, pdf_upload())
    refused(NotAllowed, complete_step, item, w.officer)
    complete_step(item, documenter)
    # 3. The PPID stores it in its internal storage; the SOP ends there.
    complete_step(item, w.main_officer)

    item.refresh_from_db()
    assert item.status == Status.DOCUMENTED and item.current_step is None
    assert item.published_at is None
    files = DocumentVersion.objects.filter(document__item=item)
    assert list(files.values_list("published_at", flat=True)) == [None]
    assert public_items().filter(pk=item.pk).exists()  # listed, files on request
    verbs = set(item.events.values_list("verb", flat=True))
    assert Verb.DOCUMENT in verbs and Verb.PUBLISH not in verbs
    assert item.events.get(verb=Verb.COMPLETE, step__number=1).changes == {"ticked": [KESRA_CHECK]}
    assert completed_by(item) == [(1, w.officer.pk), (2, documenter.pk), (3, w.main_officer.pk)]
    # The rest of the province keeps seed 003.
    other = create_item(w.other_officer, **item_fields(w.other_unit, title="Profil Kesehatan"))
    assert other.sop.preset_key == "kalbar-diskominfo-2024"
    assert_log_intact()


def test_biro_kesra_refuses_the_wrong_people(biro_kesra):
    w = biro_kesra
    item = create_item(w.officer, **item_fields(w.unit))
    keep_hardcopy(item, w.officer)
    for person in (w.main_officer, w.approver, w.other_officer, w.outsider):
        refused(NotAllowed, complete_step, item, person, ticked=[KESRA_CHECK])
    complete_step(item, w.officer, ticked=[KESRA_CHECK])
    documenter = w.positions["Petugas Dokumentasi"]
    add_document(item, documenter, pdf_upload())
    complete_step(item, documenter)
    # Step 3 belongs to the PPID's officer, and never to the one who handed the file over.
    for person in (w.officer, documenter, w.main_reviewer, w.main_approver, w.other_officer):
        refused(NotAllowed, complete_step, item, person)
    Membership.objects.create(user=documenter, unit=w.main, role=Role.OFFICER)
    submitter = fresh(documenter)
    step = InformationItem.objects.get(pk=item.pk).current_step
    assert can_perform(submitter, item, step) and not is_separated(submitter, item, step)
    refused(NotAllowed, complete_step, item, submitter)
    complete_step(item, w.main_officer)
    assert InformationItem.objects.get(pk=item.pk).status == Status.DOCUMENTED


def test_biro_kesra_step_1_needs_the_hard_copy_location_and_the_tick(biro_kesra):
    w = biro_kesra
    item = create_item(w.officer, **item_fields(w.unit))
    missing = refused(ActionRefused, complete_step, item, w.officer, ticked=["Sudah"]).missing
    assert missing[0] == str(Check.HARDCOPY_LOCATION.label)
    assert len(missing) == 2 and KESRA_CHECK in missing[1]
    keep_hardcopy(item, w.officer)
    missing = refused(ActionRefused, complete_step, item, w.officer).missing
    assert len(missing) == 1 and KESRA_CHECK in missing[0]
    complete_step(item, w.officer, ticked=[KESRA_CHECK])
    # Step 2 needs the soft copy.
    missing = refused(
        ActionRefused, complete_step, item, w.positions["Petugas Dokumentasi"]
    ).missing
    assert missing == [str(Check.SOFTCOPY.label)]
    assert at(item) == 2


# Seed 003: Diskominfo, Provinsi Kalimantan Barat --------------------------------------


def test_diskominfo_item_is_approved_by_the_kepala_ppid_and_published(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    assert item.sop.preset_key == "kalbar-diskominfo-2024"
    # 1, 2. The SKPD's Petugas PPID collects and inputs the information.
    complete_step(item, w.officer)
    add_document(item, w.officer, pdf_upload())
    complete_step(item, w.officer)
    # 3. The Kepala PPID approves it.
    complete_step(item, w.approver)
    assert InformationItem.objects.get(pk=item.pk).status == Status.IN_PROGRESS
    # 4. The PPID Utama's Petugas PPID uploads it; 5. the application serves it.
    complete_step(item, w.main_officer)

    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.current_step is None
    assert published_files(item).count() == 1
    assert public_items().filter(pk=item.pk).exists()
    assert completed_by(item) == [
        (1, w.officer.pk),
        (2, w.officer.pk),
        (3, w.approver.pk),
        (4, w.main_officer.pk),
        (5, None),
    ]
    assert_log_intact()


def test_diskominfo_refuses_the_wrong_people(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    for person in (w.main_officer, w.approver, w.other_officer, w.outsider):
        refused(NotAllowed, complete_step, item, person)
    complete_step(item, w.officer)
    complete_step(item, w.officer)
    add_document(item, w.officer, pdf_upload())  # the approval sees the file it puts online
    # Step 3 is the unit's Kepala PPID's: not an officer, not the PPID Utama's approver.
    for person in (w.officer, w.reviewer, w.main_approver, w.main_officer):
        refused(NotAllowed, complete_step, item, person)
        refused(NotAllowed, return_to_step, item, person, 2, "Lengkapi lampiran.")
    Membership.objects.create(user=w.officer, unit=w.unit, role=Role.APPROVER)
    refused(NotAllowed, complete_step, item, fresh(w.officer))  # the submitter
    complete_step(item, w.approver)
    # Step 4 is the PPID Utama's officer's.
    for person in (w.officer, w.approver, w.main_reviewer, w.other_officer):
        refused(NotAllowed, complete_step, item, person)
    complete_step(item, w.main_officer)
    assert InformationItem.objects.get(pk=item.pk).status == Status.PUBLISHED


def test_diskominfo_steps_refuse_what_is_missing(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit, made_place=""))
    complete_step(item, w.officer)
    missing = refused(ActionRefused, complete_step, item, w.officer).missing
    assert len(missing) == 1 and place_made() in missing[0]
    update_item(item, w.officer, made_place="Pontianak")
    complete_step(item, w.officer)
    # Nothing goes online without its soft copy, and the approval must see it.
    missing = refused(ActionRefused, complete_step, item, w.approver).missing
    assert missing == [str(Check.SOFTCOPY.label)]
    add_document(item, w.officer, pdf_upload())
    complete_step(item, w.approver)
    # After the approval nobody adds a file: the publishing officer would publish it unseen.
    refused(Conflict, add_document, item, w.main_officer, pdf_upload("lain.pdf", "lain"))
    complete_step(item, w.main_officer)
    assert InformationItem.objects.get(pk=item.pk).status == Status.PUBLISHED


# Seed 004: Kabupaten Bangka -----------------------------------------------------------


def test_bangka_item_goes_through_the_correction_loop_and_is_published(bangka):
    w = bangka
    item = create_item(w.officer, **item_fields(w.unit, summary="Laporan keuangan 2024."))
    assert item.sop.preset_key == "bangka-dinkominfotik-2024"
    # 1-3. The PPID Pelaksana collects, gathers and turns the information into a soft file.
    complete_step(item, w.officer)
    complete_step(item, w.officer)
    add_document(item, w.officer, pdf_upload())
    complete_step(item, w.officer)
    # The Petugas Layanan of the PPID receives it, recaps it and submits it to the PPID.
    layanan = w.positions["Petugas Layanan"]
    refused(ActionRefused, complete_step, item, w.main_reviewer, note=REVIEW_NOTE)
    submit(item, layanan, "Direkap dan diajukan kepada PPID untuk dikoreksi.")
    # 4. The PPID finds something to correct and returns it to the Petugas Layanan.
    note = "Ringkasan belum menyebut opini BPK; lengkapi sebelum diajukan kembali."
    return_to_step(item, w.main_reviewer, 4, note)
    assert at(item) == 4
    returned = item.events.get(verb=Verb.RETURN)
    assert (returned.note, returned.actor, returned.step.number, returned.to_step.number) == (
        note,
        w.main_reviewer,
        4,
        4,
    )
    refused(ActionRefused, complete_step, item, w.main_reviewer, note=REVIEW_NOTE)
    # The Petugas Layanan follows it up: the PPID Pelaksana corrects, and it goes again.
    corrected = "Laporan keuangan 2024 dengan opini Wajar Tanpa Pengecualian dari BPK."
    update_item(item, w.officer, summary=corrected)
    submit(item, layanan)
    assert item.events.filter(verb=Verb.SUBMIT, actor=layanan, step__number=4).count() == 2
    # The PPID completes step 4 with a note: its Kelengkapan asks for one.
    missing = refused(ActionRefused, complete_step, item, w.main_reviewer).missing
    assert missing == [str(Check.REVIEW_NOTE.label)]
    complete_step(item, w.main_reviewer, note="Sudah dikoreksi; diajukan kepada Atasan PPID.")
    assert not public_items().filter(pk=item.pk).exists()
    # 5. The Atasan PPID ratifies it and it is published.
    complete_step(item, w.main_approver)

    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.summary == corrected
    assert published_files(item).count() == 1
    assert public_items().filter(pk=item.pk).exists()
    assert completed_by(item) == [
        (1, w.officer.pk),
        (2, w.officer.pk),
        (3, w.officer.pk),
        (4, w.main_reviewer.pk),
        (5, w.main_approver.pk),
    ]
    review = item.events.get(verb=Verb.COMPLETE, step__number=4)
    assert review.note == "Sudah dikoreksi; diajukan kepada Atasan PPID."
    edit = item.events.get(verb=Verb.EDIT)
    assert edit.changes == {"summary": ["Laporan keuangan 2024.", corrected]}
    assert_log_intact()


def test_bangka_refuses_the_wrong_people(bangka):
    w = bangka
    item = create_item(w.officer, **item_fields(w.unit))
    for person in (w.main_officer, w.reviewer, w.other_officer, w.outsider):
        refused(NotAllowed, complete_step, item, person)
    complete_step(item, w.officer)
    complete_step(item, w.officer)
    add_document(item, w.officer, pdf_upload())
    complete_step(item, w.officer)
    # Only the Petugas Layanan of the PPID Utama submits it to the PPID.
    for person in (w.officer, w.main_reviewer, w.main_approver, w.other_officer):
        refused(NotAllowed, submit, item, person)
    submit(item, w.positions["Petugas Layanan"])
    # Step 4 is the PPID's (reviewer of the PPID Utama): the Atasan PPID is only marked.
    for person in (w.officer, w.reviewer, w.main_officer, w.main_approver):
        refused(NotAllowed, complete_step, item, person, note=REVIEW_NOTE)
        refused(NotAllowed, return_to_step, item, person, 3, "Perbaiki.")
    complete_step(item, w.main_reviewer, note=REVIEW_NOTE)
    # Step 5 is the Atasan PPID's, never the submitter's.
    for person in (w.main_reviewer, w.approver, w.main_officer):
        refused(NotAllowed, complete_step, item, person)
    Membership.objects.create(user=w.officer, unit=w.main, role=Role.APPROVER)
    submitter = fresh(w.officer)
    step = InformationItem.objects.get(pk=item.pk).current_step
    assert can_perform(submitter, item, step) and not is_separated(submitter, item, step)
    refused(NotAllowed, complete_step, item, submitter)
    complete_step(item, w.main_approver)
    assert InformationItem.objects.get(pk=item.pk).status == Status.PUBLISHED


def test_bangka_step_3_needs_the_soft_file(bangka):
    w = bangka
    item = create_item(w.officer, **item_fields(w.unit))
    complete_step(item, w.officer)
    complete_step(item, w.officer)
    missing = refused(ActionRefused, complete_step, item, w.officer).missing
    assert missing == [str(Check.SOFTCOPY.label)]


# The engine, across presets -----------------------------------------------------------


def publish_step(item) -> int:
    return item.sop.steps.filter(kind=StepKind.PUBLISH).order_by("number").first().number


@pytest.mark.parametrize("preset", [DISKOMINFO, BANGKA])
def test_an_update_stays_private_until_it_passes_the_publish_step(db, preset):
    w = build_preset_world(preset)
    item = walk_item(w, create_item(w.officer, **item_fields(w.unit)))
    assert item.status == Status.PUBLISHED
    old, new = item.title, "LKjIP Tahun 2024 (Perubahan)"

    reopen(item, w.officer, "Perbaikan capaian triwulan IV.")
    update_item(item, w.officer, title=new)
    item = InformationItem.objects.get(pk=item.pk)
    assert item.in_update and item.pending_changes == {"title": new}
    assert item.title == old and item.status == Status.PUBLISHED
    assert public_items().filter(pk=item.pk, title=old).exists()
    revised = add_document(item, w.officer, pdf_upload("lkjip-2024-revisi.pdf", "Perubahan"))

    walk_item(w, item, until=publish_step(item))
    item = InformationItem.objects.get(pk=item.pk)
    assert item.title == old and item.pending_changes == {"title": new}
    assert list(public_items().filter(pk=item.pk).values_list("title", flat=True)) == [old]
    revised.refresh_from_db()
    assert revised.published_at is None

    walk_item(w, item)
    item = InformationItem.objects.get(pk=item.pk)
    assert item.title == new and not item.in_update and item.pending_changes == {}
    assert item.status == Status.PUBLISHED and item.current_step is None
    assert list(public_items().filter(pk=item.pk).values_list("title", flat=True)) == [new]
    revised.refresh_from_db()
    assert revised.published_at is not None
    assert item.events.filter(verb=Verb.PUBLISH).last().changes == {"title": [old, new]}
    assert_log_intact()


@pytest.mark.parametrize("preset", PRESET_FILES)
def test_withdraw_needs_a_note_and_takes_the_item_out_of_the_dip(db, preset):
    w = build_preset_world(preset)
    item = walk_item(w, create_item(w.officer, **item_fields(w.unit)))
    assert item.status in (Status.PUBLISHED, Status.DOCUMENTED)
    assert public_items().filter(pk=item.pk).exists()
    refused(ActionRefused, withdraw, item, w.main_approver, "   ")
    # An officer may drop an unlisted item of theirs, but not one in the DIP.
    refused(NotAllowed, withdraw, item, w.officer, "Sudah tidak berlaku.")
    withdraw(item, w.main_approver, "Digantikan oleh laporan tahun berikutnya.")
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN
    assert not public_items().filter(pk=item.pk).exists()
    assert item.events.get(verb=Verb.WITHDRAW).note == "Digantikan oleh laporan tahun berikutnya."
    assert_log_intact()


@pytest.mark.parametrize(
    ("preset", "checking_step"), [(PONTIANAK, 2), (DISKOMINFO, 3), (BANGKA, 4)]
)
def test_exempt_item_cannot_pass_review_or_approval_without_a_classification(
    db, preset, checking_step
):
    w = build_preset_world(preset)
    fields = item_fields(w.unit, title="Data Pribadi Penerima Bantuan", category=Category.EXEMPT)
    item = walk_item(w, create_item(w.officer, **fields), until=checking_step)
    step = item.current_step
    assert step.kind in (StepKind.REVIEW, StepKind.APPROVE)
    if Check.SOFTCOPY in required_checks(item, step) and not item.documents.exists():
        add_document(item, w.officer, pdf_upload())  # the approval sees the file
    if step.intake_position:
        submit(item, w.positions[step.intake_position])  # seed 004's Petugas Layanan
    missing = refused(
        ActionRefused, complete_step, item, w.performer(step), note=REVIEW_NOTE
    ).missing
    assert missing == [str(Check.CLASSIFICATION.label)]

    classify(item, w.main_reviewer)
    item = walk_item(w, item)
    assert item.status == Status.DOCUMENTED and item.published_at is None
    assert not published_files(item).exists()
    assert not public_items().filter(pk=item.pk).exists()
    assert item.events.filter(verb=Verb.CLASSIFY).count() == 1
    assert_log_intact()


def test_exempt_item_cannot_end_an_sop_without_review_steps_unclassified(biro_kesra):
    w = biro_kesra
    fields = item_fields(w.unit, title="Data Pribadi Penerima Hibah", category=Category.EXEMPT)
    item = walk_item(w, create_item(w.officer, **fields), until=3)
    missing = refused(ActionRefused, complete_step, item, w.performer(item.current_step)).missing
    assert missing == [str(Check.CLASSIFICATION.label)]

    classify(item, w.main_reviewer)
    item = walk_item(w, item)
    assert item.status == Status.DOCUMENTED and not public_items().filter(pk=item.pk).exists()


@pytest.mark.parametrize("preset", PRESET_FILES)
def test_two_people_completing_the_same_step_at_once_move_the_item_once(db, preset):
    w = build_preset_world(preset)
    item = create_item(w.officer, **item_fields(w.unit))
    step = item.current_step
    meet_requirements(w, item, step)
    seen = InformationItem.objects.get(pk=item.pk).lock_version
    performer = w.performer(step)
    complete_step(item, performer, expected_version=seen, ticked=step.checklist_items)
    refused(
        Conflict, complete_step, item, performer, expected_version=seen, ticked=step.checklist_items
    )
    assert at(item) == 2
    assert item.events.filter(verb=Verb.COMPLETE).count() == 1
    assert_log_intact()


# The activity log ---------------------------------------------------------------------


@pytest.fixture
def events(bangka):
    walk_item(bangka, create_item(bangka.officer, **item_fields(bangka.unit)))
    events = list(ActivityEvent.objects.order_by("id"))
    assert len(events) >= 8
    return events


def raw_sql(sql: str, params) -> None:
    table = connection.ops.quote_name(ActivityEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_an_edited_event_is_named_by_verify_chain(events):
    target = events[4]
    raw_sql("UPDATE {table} SET note = %s WHERE id = %s", ["catatan diganti", target.pk])
    checked, broken = verify_chain()
    assert broken is not None and broken.event_id == target.pk
    assert checked == 4


def test_a_deleted_event_names_the_one_after_it(events):
    raw_sql("DELETE FROM {table} WHERE id = %s", [events[4].pk])
    checked, broken = verify_chain()
    assert broken is not None and broken.event_id == events[5].pk
    assert checked == 4


def test_audit_verify_says_intact_and_names_a_tampered_event(events):
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue() and f"{len(events)} events" in out.getvalue()
    target = events[2]
    raw_sql("UPDATE {table} SET note = %s WHERE id = %s", ["disisipkan", target.pk])
    with pytest.raises(CommandError, match=rf"event {target.pk}:"):
        call_command("audit", "verify", stdout=StringIO())
