"""What the approver approved is what the public gets (issue 13): each scenario found
by officers trying to get unapproved content out, under the preset it was found in."""

import pytest
from django.urls import reverse

from lentera.audit.selectors import verify_chain
from lentera.documents.models import DocumentVersion
from lentera.documents.services import add_document, delete_document, record_hardcopy
from lentera.errors import ActionRefused, Conflict, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register import fingerprint
from lentera.register.constants import Category, Status
from lentera.register.models import InformationItem, RetentionRule
from lentera.register.retention import refresh_retention_texts, set_retention
from lentera.register.selectors import public_versions
from lentera.register.services import create_item, update_item
from lentera.register.workflow import complete_step, reopen, return_to_step, submit, withdraw
from lentera.sop.constants import Verb
from lentera.testing import (
    BANGKA,
    DISKOMINFO,
    PONTIANAK,
    REVIEW_NOTE,
    build_preset_world,
    classify,
    item_fields,
    pdf_upload,
    walk_item,
)

pytestmark = pytest.mark.django_db

SUMMARY = "Capaian kinerja Biro Kesejahteraan Rakyat terhadap sasaran strategis tahun 2024."


def fresh_user(user):
    """The same person read again, without the memberships cached on the object."""
    return type(user).objects.get(pk=user.pk)


def fresh(item):
    return InformationItem.objects.get(pk=item.pk)


def online(item) -> set[str]:
    """SHA-256 of every file of `item` the public can download."""
    return set(public_versions(item).values_list("sha256", flat=True))


def last_approval(item):
    return (
        item.events.filter(verb=Verb.COMPLETE, changes__has_key="fingerprint")
        .order_by("-id")
        .first()
    )


def assert_public_is_approved(item):
    """Every column value and file the public reads is what the last approval covered."""
    item = fresh(item)
    approval = last_approval(item)
    assert approval is not None
    covered = {f["sha256"] for f in approval.changes["files"]}
    current = {v.sha256 for v in fingerprint.current_versions(item)}
    assert current == covered and online(item) >= covered
    assert fingerprint.of(item) == approval.changes["fingerprint"]
    assert verify_chain()[1] is None


@pytest.fixture
def diskominfo(db):
    return build_preset_world(DISKOMINFO)


def test_seed_003_content_approved_at_step_3_is_frozen_and_published_exactly(diskominfo, client):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    approved = add_document(item, w.officer, pdf_upload("lkjip.pdf", "LKjIP disetujui"))
    item = walk_item(w, item, until=4)  # the unit's Kepala PPID approved at step 3
    assert fresh(item).approved_fingerprint == last_approval(item).changes["fingerprint"]

    # The unit officer tries a new version, another document and a new summary.
    with pytest.raises(Conflict):
        add_document(item, w.officer, pdf_upload("v2.pdf", "versi 2"), document=approved.document)
    with pytest.raises(Conflict):
        add_document(item, w.officer, pdf_upload("lampiran.pdf", "lampiran"))
    with pytest.raises(Conflict) as refused:
        update_item(item, w.officer, summary="Ringkasan yang tidak pernah disetujui.")
    assert "kembalikan untuk perbaikan" in refused.value.message
    with pytest.raises(Conflict):
        delete_document(approved.document, w.officer, reason="ganti")

    item = walk_item(w, item)  # step 4 publishes, step 5 is the application's
    assert item.status == Status.PUBLISHED
    assert online(item) == {approved.sha256}
    assert fresh(item).summary == SUMMARY
    page = client.get(reverse("portal:item", args=[item.pk])).content.decode()
    assert "tidak pernah disetujui" not in page and approved.sha256 in page
    assert_public_is_approved(item)


def test_seed_003_a_return_for_correction_reopens_the_content_for_the_next_approval(
    diskominfo,
):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=4)
    return_to_step(item, w.main_officer, 2, "Ringkasan belum sesuai dokumen.")
    update_item(item, w.officer, summary="Ringkasan yang diperbaiki.")
    item = walk_item(w, item)
    assert fresh(item).summary == "Ringkasan yang diperbaiki."
    approvals = item.events.filter(verb=Verb.COMPLETE, step__number=3)
    assert approvals.count() == 2  # the corrected content passed the approval again
    assert_public_is_approved(item)


def test_seed_000_a_file_added_after_the_step_4_review_is_refused(db):
    w = build_preset_world(PONTIANAK)
    item = create_item(w.main_officer, **item_fields(w.unit))
    item = walk_item(w, item, until=5)
    reviewed = {v.sha256 for v in fingerprint.current_versions(item)}
    with pytest.raises(Conflict):
        add_document(item, w.officer, pdf_upload("tambahan.pdf", "tidak ditelaah"))
    item = walk_item(w, item)
    assert item.status == Status.PUBLISHED and online(item) == reviewed
    assert_public_is_approved(item)


def test_seed_004_a_file_added_after_the_correction_review_cannot_bypass_it(db):
    w = build_preset_world(BANGKA)
    item = walk_item(w, create_item(w.officer, **item_fields(w.unit)), until=4)
    return_to_step(item, w.main_reviewer, 3, "Lampirkan versi yang ditandatangani.")
    signed = add_document(item, w.officer, pdf_upload("ditandatangani.pdf", "bertanda tangan"))
    item = walk_item(w, item, until=5)  # the PPID's correction review passed
    with pytest.raises(Conflict):
        add_document(item, w.officer, pdf_upload("tanpa-telaah.pdf", "tanpa telaah"))
    item = walk_item(w, item)  # the Atasan PPID ratifies and publishes
    assert signed.sha256 in online(item)
    assert_public_is_approved(item)


def test_category_changed_to_exempt_after_review_is_refused_at_the_publish_step(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=4)
    with pytest.raises(Conflict):
        update_item(item, w.officer, category=Category.EXEMPT)
    with pytest.raises(Conflict):
        classify(item, w.main_reviewer)
    assert fresh(item).category != Category.EXEMPT


def test_an_exempt_item_reviewed_as_exempt_cannot_be_made_public_at_the_publish_step(db):
    w = build_preset_world(BANGKA)
    fields = item_fields(w.unit, title="Data Pribadi Penerima Bantuan", category=Category.EXEMPT)
    item = walk_item(w, create_item(w.officer, **fields), until=5)  # classified, reviewed
    with pytest.raises(Conflict):
        update_item(item, w.officer, category=Category.PERIODIC)
    item = walk_item(w, item)
    assert item.status == Status.DOCUMENTED and not online(item)


def test_content_changed_behind_the_engine_after_approval_is_not_published(diskominfo):
    """A direct database write after the approval: the publish step refuses."""
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=4)
    InformationItem.objects.filter(pk=item.pk).update(summary="Ditulis langsung ke basis data.")
    with pytest.raises(ActionRefused) as refused:
        complete_step(item, w.main_officer)
    assert len(refused.value.missing) == 1
    assert fresh(item).current_step.number == 4 and fresh(item).status == Status.IN_PROGRESS
    assert not online(item)


def test_the_application_step_runs_its_checks_so_no_exempt_item_ends_undecided(diskominfo):
    """Seed 003's step 5 is the application's: an exempt item approved without a
    Penetapan Klasifikasi (as before this rule) cannot end documented."""
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=4)
    InformationItem.objects.filter(pk=item.pk).update(category=Category.EXEMPT)
    item = fresh(item)
    InformationItem.objects.filter(pk=item.pk).update(approved_fingerprint=fingerprint.of(item))
    with pytest.raises(ActionRefused) as refused:
        complete_step(item, w.main_officer)  # step 4 passes; step 5 refuses, so both roll back
    assert "5" in refused.value.message
    item = fresh(item)
    assert item.current_step.number == 4 and item.status == Status.IN_PROGRESS
    assert not item.events.filter(verb=Verb.DOCUMENT).exists()


def test_a_changed_jra_line_after_approval_stops_the_publication(diskominfo):
    w = diskominfo
    rule = RetentionRule.objects.create(
        body=w.body,
        code="000.5",
        record_type="LKjIP",
        active_years=2,
        inactive_years=3,
        disposition="permanent",
    )
    item = create_item(w.officer, **item_fields(w.unit))
    set_retention(item, w.officer, rule)
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=4)
    rule.active_years = 5
    rule.save()
    assert refresh_retention_texts(rule, w.main_approver) == 1
    with pytest.raises(ActionRefused):
        complete_step(item, w.main_officer)
    return_to_step(item, w.main_officer, 2, "Kolom retensi berubah setelah persetujuan.")
    item = walk_item(w, item)
    assert_public_is_approved(item)


def test_an_item_approved_before_fingerprints_existed_needs_a_new_approval(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=4)
    InformationItem.objects.filter(pk=item.pk).update(approved_fingerprint="")
    with pytest.raises(ActionRefused):
        complete_step(item, w.main_officer)
    return_to_step(item, w.main_officer, 3, "Setujui ulang.")
    item = walk_item(w, item)
    assert_public_is_approved(item)


# Four eyes -----------------------------------------------------------------------------


def test_an_approver_who_edited_the_item_in_this_pass_cannot_approve_it(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=3)
    Membership.objects.create(user=w.approver, unit=w.unit, role=Role.OFFICER)
    approver = fresh_user(w.approver)  # also an officer of the unit: may edit, as such
    update_item(item, approver, summary="Ringkasan yang ditulis ulang oleh Kepala PPID.")
    with pytest.raises(NotAllowed) as refused:
        complete_step(item, approver)
    assert "four eyes" in refused.value.message or "empat mata" in refused.value.message


def test_an_approver_who_uploaded_a_file_cannot_ratify_in_bangka(db):
    w = build_preset_world(BANGKA)
    Membership.objects.create(user=w.main_approver, unit=w.unit, role=Role.OFFICER)
    item = create_item(w.officer, **item_fields(w.unit))
    complete_step(item, w.officer)
    add_document(item, w.main_approver, pdf_upload())  # the Atasan PPID, as a unit officer
    item = walk_item(w, item, until=5)
    with pytest.raises(NotAllowed):
        complete_step(item, w.main_approver)


def test_an_approver_who_performed_step_1_cannot_ratify_in_bangka(db):
    w = build_preset_world(BANGKA)
    Membership.objects.create(user=w.main_approver, unit=w.unit, role=Role.OFFICER)
    item = create_item(w.officer, **item_fields(w.unit))
    complete_step(item, w.main_approver)  # step 1 by the Atasan PPID
    item = walk_item(w, item, until=5)
    with pytest.raises(NotAllowed) as refused:
        complete_step(item, w.main_approver)
    assert "1" in refused.value.message


def test_reviewing_twice_in_one_pass_is_allowed(db):
    """Seed 000: the PPID Utama reviews at step 2 and again at step 4."""
    w = build_preset_world(PONTIANAK)
    item = walk_item(w, create_item(w.main_officer, **item_fields(w.unit)))
    reviewers = item.events.filter(verb=Verb.COMPLETE, step__number__in=(2, 4))
    assert set(reviewers.values_list("actor", flat=True)) == {w.main_reviewer.pk}


def test_a_classification_recorded_by_the_reviewer_does_not_bar_the_review(db):
    w = build_preset_world(BANGKA)
    fields = item_fields(w.unit, title="Data Pribadi Penerima Bantuan", category=Category.EXEMPT)
    item = walk_item(w, create_item(w.officer, **fields), until=4)
    submit(item, w.positions["Petugas Layanan"])
    classify(item, w.main_reviewer)
    complete_step(item, w.main_reviewer, note=REVIEW_NOTE)
    assert fresh(item).current_step.number == 5


# Publication puts online exactly what was approved ---------------------------------------


def test_a_withdrawn_file_stays_offline_when_the_item_is_published_again(diskominfo, client):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    old = add_document(item, w.officer, pdf_upload("lama.pdf", "berkas lama"))
    item = walk_item(w, item)
    assert online(item) == {old.sha256}
    withdraw(item, w.main_approver, "Berkas memuat data pribadi.")
    assert not online(item)
    item = reopen(item, w.officer, "Ganti berkas")
    delete_document(old.document, w.officer, reason="Memuat data pribadi")
    new = add_document(item, w.officer, pdf_upload("baru.pdf", "berkas baru"))
    item = walk_item(w, item)
    assert online(item) == {new.sha256}
    url = reverse("portal:download", args=[item.pk, old.pk])
    assert client.get(url).status_code == 404
    assert_public_is_approved(item)


def test_earlier_versions_stay_public_as_history_until_a_withdrawal(diskominfo):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    v1 = add_document(item, w.officer, pdf_upload("v1.pdf", "versi 1"))
    item = walk_item(w, item)
    item = reopen(item, w.officer, "Versi baru")
    v2 = add_document(item, w.officer, pdf_upload("v2.pdf", "versi 2"), document=v1.document)
    item = walk_item(w, item)
    assert online(item) == {v1.sha256, v2.sha256}  # v1 as history, never withdrawn
    withdraw(item, w.main_approver, "Ditarik.")
    item = reopen(item, w.officer, "Terbitkan lagi")
    item = walk_item(w, item)
    assert online(item) == {v2.sha256}  # only what the new approval covered
    assert DocumentVersion.objects.get(pk=v1.pk).withdrawn_at is not None


def test_a_refused_withdrawal_cannot_be_replaced_by_reopening_and_deleting(diskominfo, client):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    version = add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item)
    with pytest.raises(NotAllowed):
        withdraw(item, w.officer, "Tarik sekarang")
    item = reopen(item, w.officer, "Perbarui")
    delete_document(version.document, w.officer, reason="Hapus")
    url = reverse("portal:download", args=[item.pk, version.pk])
    assert client.get(url).status_code == 200  # offline only through a withdrawal
    assert online(item) == {version.sha256}


def test_a_hard_copy_record_is_part_of_the_approved_content(db):
    from lentera.testing import BIRO_KESRA

    w = build_preset_world(BIRO_KESRA)
    item = create_item(w.officer, **item_fields(w.unit, form_hardcopy=True))
    item = walk_item(w, item)  # seed 002 stores at step 3 (its check) and ends
    approval = last_approval(item)
    assert approval.step.number == 3 and approval.changes["fingerprint"]
    assert fingerprint.content(item)["hardcopies"] == list(
        item.hardcopies.values_list("pk", flat=True)
    )
    with pytest.raises(ActionRefused):  # out of its SOP: no change at all
        record_hardcopy(item, w.officer, building="Gedung B", custodian="Arsiparis")


# Found by a hostile review ---------------------------------------------------------------


def test_no_classification_decision_is_recorded_outside_a_pass(diskominfo, client):
    """The DIK shows the decision in force: it changes only inside a pass."""
    w = diskominfo
    fields = item_fields(w.unit, title="Data Pribadi", category=Category.EXEMPT)
    item = create_item(w.officer, **fields)
    classify(item, w.main_reviewer)
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item)
    assert item.status == Status.DOCUMENTED and item.current_step_id is None
    with pytest.raises(ActionRefused):
        classify(item, w.main_reviewer, decree_number="SK TANPA PERSETUJUAN 99/2026")
    assert "SK TANPA PERSETUJUAN" not in client.get(reverse("portal:dik")).content.decode()


def test_a_changed_jra_line_sends_a_listed_item_through_its_sop_instead_of_rewriting_it(
    diskominfo,
):
    w = diskominfo
    rule = RetentionRule.objects.create(
        body=w.body, code="000.5", record_type="LKjIP", active_years=2, inactive_years=3,
        disposition="permanent",
    )  # fmt: skip
    item = create_item(w.officer, **item_fields(w.unit))
    set_retention(item, w.officer, rule)
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item)
    approved = fresh(item).retention_period
    rule.active_years = 9
    rule.save()
    assert refresh_retention_texts(rule, w.main_approver) == 1
    item = fresh(item)
    assert item.retention_period == approved  # the public column waits for the approval
    assert item.in_update and "Aktif 9 tahun" in item.pending_changes["retention_period"]
    item = walk_item(w, item)
    assert "Aktif 9 tahun" in fresh(item).retention_period
    assert_public_is_approved(item)


def test_a_file_held_back_by_an_exemption_does_not_return_as_history(diskominfo, client):
    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    v1 = add_document(item, w.officer, pdf_upload("data.pdf", "berisi NIK penerima"))
    item = walk_item(w, item)
    item = reopen(item, w.officer, "Memuat data pribadi")
    update_item(item, w.officer, category=Category.EXEMPT)
    classify(item, w.approver)
    item = walk_item(w, item)
    assert not online(item)
    item = reopen(item, w.officer, "Terbitkan versi tersamar")
    update_item(item, w.officer, category=Category.PERIODIC)
    v2 = add_document(
        item, w.officer, pdf_upload("tersamar.pdf", "NIK disamarkan"), document=v1.document
    )
    item = walk_item(w, item)
    assert online(item) == {v2.sha256}
    assert client.get(reverse("portal:download", args=[item.pk, v1.pk])).status_code == 404
    assert_public_is_approved(item)


def test_an_approve_step_not_marked_separate_still_applies_four_eyes(diskominfo):
    from lentera.sop import versions
    from lentera.testing import make_user

    w = diskominfo
    new = versions.revise(w.sop, w.main_approver)
    new.steps.filter(number=3).update(separate_from_submitter=False)
    versions.put_in_use(new, w.main_approver)
    both = make_user("petugas.kepala", w.unit, Role.OFFICER, Role.APPROVER)
    w.unit.refresh_from_db()
    w.unit.body.refresh_from_db()
    item = create_item(w.officer, **item_fields(w.unit))
    assert item.sop_id == new.pk
    complete_step(item, both)
    add_document(item, both, pdf_upload())
    complete_step(item, both)
    with pytest.raises(NotAllowed):
        complete_step(item, both)


def test_the_kepala_ppid_returns_for_correction_instead_of_editing(diskominfo):
    """Editing would bar them from their own step: the office and the API do not offer it."""
    from lentera.sop.policy import can_edit

    w = diskominfo
    item = create_item(w.officer, **item_fields(w.unit))
    add_document(item, w.officer, pdf_upload())
    item = walk_item(w, item, until=3)
    assert not can_edit(w.approver, fresh(item))
    with pytest.raises(NotAllowed):
        update_item(item, w.approver, summary="Salah ketik diperbaiki sendiri.")
    return_to_step(item, w.approver, 2, "Perbaiki salah ketik pada ringkasan.")
    update_item(item, w.officer, summary="Ringkasan tanpa salah ketik.")
    item = walk_item(w, item)
    assert_public_is_approved(item)


def test_moving_a_hard_copy_does_not_bar_the_store_step(db):
    from lentera.documents.hardcopies import update_hardcopy_location
    from lentera.testing import BIRO_KESRA

    w = build_preset_world(BIRO_KESRA)
    item = create_item(w.officer, **item_fields(w.unit, form_hardcopy=True))
    item = walk_item(w, item, until=3)
    update_hardcopy_location(item.hardcopies.get(), w.main_officer, room="Ruang Arsip Baru")
    complete_step(item, w.main_officer)
    assert fresh(item).status == Status.DOCUMENTED
