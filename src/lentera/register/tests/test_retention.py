"""Retention from the JRA: the DIP column follows the code; disposal needs an approver."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from lentera.documents.models import Document
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import Role
from lentera.register.constants import DisposalChoice, Disposition, Status
from lentera.register.models import DisposalDecision, InformationItem, RetentionRule
from lentera.register.retention import (
    decide_disposal,
    items_due_for_disposal,
    propose_disposal,
    retention_due_on,
    retention_text,
    set_retention,
)
from lentera.register.selectors import public_items
from lentera.register.workflow import reopen
from lentera.sop.constants import Verb
from lentera.testing import (
    DISKOMINFO,
    PONTIANAK,
    build_preset_world,
    make_user,
    new_item,
    walk_item,
)

OLD = dict(made_on=datetime.date(2010, 3, 1), year=2010)  # retention 2 + 5 ended 2017


@pytest.fixture(autouse=True)
def _english():
    """The messages below are matched in their English source form."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return build_preset_world(DISKOMINFO)


def rule(body, code="000.1.2", disposition=Disposition.DESTROY, **fields):
    values = dict(record_type="Laporan kinerja tahunan", active_years=2, inactive_years=5)
    values.update(fields)
    return RetentionRule.objects.create(body=body, code=code, disposition=disposition, **values)


def item_with_rule(world, jra=None, **fields):
    item = new_item(world, **{**OLD, **fields})
    jra = jra or RetentionRule.objects.filter(body=world.body, code="000.1.2").first()
    return set_retention(item, world.officer, jra or rule(world.body))


def verbs(item) -> list[str]:
    return list(item.events.order_by("id").values_list("verb", flat=True))


def stored_files(files_dir):
    return [p for p in files_dir.rglob("*") if p.is_file()] if files_dir.exists() else []


# The DIP column


def test_retention_text_reads_as_the_dip_column_in_indonesian(db):
    from lentera.organizations.models import PublicBody

    body = PublicBody.objects.create(name="Pemerintah Kota Singkawang", slug="singkawang")
    assert retention_text(rule(body)) == "Aktif 2 tahun, inaktif 5 tahun; musnah (JRA 000.1.2)"
    keep = rule(body, code="000.5.1", disposition=Disposition.PERMANENT, active_years=5)
    assert retention_text(keep) == "Aktif 5 tahun, inaktif 5 tahun; permanen (JRA 000.5.1)"
    review = rule(body, code="800.1", disposition=Disposition.REVIEW, inactive_years=0)
    assert retention_text(review).endswith("inaktif 0 tahun; dinilai kembali (JRA 800.1)")


def test_setting_the_code_sets_the_dip_column_and_is_recorded(world):
    item = new_item(world)
    jra = rule(world.body)
    set_retention(item, world.officer, jra, expected_version=item.lock_version)
    item.refresh_from_db()
    assert item.retention_rule == jra
    assert item.retention_period == "Aktif 2 tahun, inaktif 5 tahun; musnah (JRA 000.1.2)"
    assert verbs(item)[-2:] == [Verb.EDIT, Verb.RETENTION]
    edit, event = item.events.order_by("id")[len(verbs(item)) - 2 :]
    assert edit.changes["retention_period"] == ["5 tahun", item.retention_period]
    assert event.actor == world.officer and event.changes == {"retention_rule": [None, "000.1.2"]}


def test_a_code_of_another_body_is_refused(world):
    elsewhere = build_preset_world(PONTIANAK)
    item = new_item(world)
    with pytest.raises(ActionRefused, match="another public body"):
        set_retention(item, world.officer, rule(elsewhere.body))
    item.refresh_from_db()
    assert item.retention_rule is None and item.retention_period == "5 tahun"
    assert Verb.RETENTION not in verbs(item)


def test_only_who_may_edit_the_item_sets_its_code(world):
    item = new_item(world)
    for person in (world.other_officer, world.outsider):
        with pytest.raises(NotAllowed):
            set_retention(item, person, rule(world.body, code=f"x-{person.pk}"))
    item.refresh_from_db()
    assert item.retention_rule is None


def test_during_an_update_the_column_is_a_proposed_change(world):
    item = walk_item(world, new_item(world))
    assert item.status == Status.PUBLISHED
    item = reopen(item, world.officer)
    set_retention(item, world.officer, rule(world.body))
    item.refresh_from_db()
    assert item.retention_period == "5 tahun"  # what the public still sees
    assert item.pending_changes["retention_period"].startswith("Aktif 2 tahun")
    assert public_items().get(pk=item.pk).retention_period == "5 tahun"


# Due dates


def test_retention_ends_after_active_and_inactive_years_from_the_date_made(world):
    item = item_with_rule(world)
    assert retention_due_on(item) == datetime.date(2017, 3, 1)


def test_without_a_date_made_retention_counts_from_the_first_of_january(world):
    item = item_with_rule(world, made_on=None, year=2012)
    assert retention_due_on(item) == datetime.date(2019, 1, 1)


def test_a_leap_day_ends_on_the_28th(world):
    item = item_with_rule(world, made_on=datetime.date(2012, 2, 29))
    assert retention_due_on(item) == datetime.date(2019, 2, 28)


def test_an_item_without_a_code_is_never_due(world):
    item = new_item(world, **OLD)
    assert retention_due_on(item) is None
    assert items_due_for_disposal(world.body) == []


def test_due_list_holds_past_items_only_and_respects_the_office(world):
    past = item_with_rule(world)
    item_with_rule(world, made_on=datetime.date(2024, 5, 2), year=2024)  # due 2031
    today = datetime.date(2025, 6, 1)
    assert [i.pk for i in items_due_for_disposal(world.body, today)] == [past.pk]
    assert [i.pk for i in items_due_for_disposal(world.officer, today)] == [past.pk]
    assert items_due_for_disposal(world.other_officer, today) == []
    assert items_due_for_disposal(world.outsider, today) == []
    # The exact date counts, not only the year.
    assert items_due_for_disposal(world.body, datetime.date(2017, 2, 28)) == []
    assert items_due_for_disposal(world.body, datetime.date(2017, 3, 1))[0].pk == past.pk


def test_an_approved_extension_moves_the_due_date(world):
    item = item_with_rule(world)
    review_on = timezone.localdate() + datetime.timedelta(days=400)
    proposal = propose_disposal(
        item,
        world.officer,
        decision=DisposalChoice.EXTEND,
        reason="Masih dipakai untuk audit BPK.",
        review_on=review_on,
    )
    assert items_due_for_disposal(world.body) == []  # waiting for a decision
    decide_disposal(proposal, world.approver, approve=True)
    assert retention_due_on(item) == review_on
    assert items_due_for_disposal(world.body) == []
    assert [i.pk for i in items_due_for_disposal(world.body, review_on)] == [item.pk]


# Proposals


def test_only_members_of_the_unit_or_the_ppid_utama_propose(world):
    item = item_with_rule(world)
    for person in (world.other_officer, world.outsider):
        with pytest.raises(NotAllowed):
            propose_disposal(item, person, decision=DisposalChoice.DESTROY, reason="Lewat.")
    proposal = propose_disposal(
        item, world.main_officer, decision=DisposalChoice.DESTROY, reason="Retensi habis."
    )
    assert proposal.state == DisposalDecision.State.PROPOSED and proposal.rule.code == "000.1.2"
    event = item.events.get(verb=Verb.PROPOSE_DISPOSAL)
    assert event.actor == world.main_officer and event.note == "Retensi habis."
    assert event.changes["decision"] == DisposalChoice.DESTROY


def test_a_proposal_needs_a_code_and_an_ended_retention(world):
    bare = new_item(world, **OLD)
    with pytest.raises(ActionRefused, match="no retention schedule code"):
        propose_disposal(bare, world.officer, decision=DisposalChoice.DESTROY, reason="Lewat.")
    young = item_with_rule(world, made_on=timezone.localdate(), year=2025)
    with pytest.raises(ActionRefused, match="not reached the end"):
        propose_disposal(young, world.officer, decision=DisposalChoice.DESTROY, reason="Lewat.")
    assert not DisposalDecision.objects.exists()


def test_one_open_proposal_per_item(world):
    item = item_with_rule(world)
    propose_disposal(item, world.officer, decision=DisposalChoice.DESTROY, reason="Lewat.")
    with pytest.raises(ActionRefused, match="already waiting"):
        propose_disposal(item, world.officer, decision=DisposalChoice.PERMANENT, reason="Simpan.")
    assert DisposalDecision.objects.count() == 1


def test_keeping_longer_needs_a_future_review_date(world):
    item = item_with_rule(world)
    for review_on in (None, timezone.localdate()):
        with pytest.raises(ActionRefused, match="review date in the future"):
            propose_disposal(
                item,
                world.officer,
                decision=DisposalChoice.EXTEND,
                reason="Masih dipakai.",
                review_on=review_on,
            )
    assert not DisposalDecision.objects.exists()


def test_records_kept_permanently_by_the_jra_cannot_be_proposed_for_destruction(world):
    item = item_with_rule(world, jra=rule(world.body, disposition=Disposition.PERMANENT))
    with pytest.raises(ActionRefused, match="permanently"):
        propose_disposal(item, world.officer, decision=DisposalChoice.DESTROY, reason="Lewat.")


# Decisions


def test_the_proposer_cannot_decide_even_as_an_approver(world):
    item = item_with_rule(world)
    proposal = propose_disposal(
        item, world.main_approver, decision=DisposalChoice.PERMANENT, reason="Arsip sejarah."
    )
    with pytest.raises(NotAllowed, match="someone else"):
        decide_disposal(proposal, world.main_approver, approve=True)
    proposal.refresh_from_db()
    assert proposal.state == DisposalDecision.State.PROPOSED
    assert Verb.DECIDE_DISPOSAL not in verbs(item)


def test_only_an_approver_of_the_unit_or_the_ppid_utama_decides(world):
    item = item_with_rule(world)
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.PERMANENT, reason="Arsip sejarah."
    )
    other_approver = make_user("kepala.kesra.lain", world.other_unit, Role.APPROVER)
    for person in (world.reviewer, world.main_reviewer, world.main_officer, other_approver):
        with pytest.raises(NotAllowed, match="Only an approver"):
            decide_disposal(proposal, person, approve=True)
    decided = decide_disposal(proposal, world.main_approver, approve=True, note="Setuju.")
    assert decided.state == DisposalDecision.State.APPROVED
    assert decided.decided_by == world.main_approver and decided.decision_note == "Setuju."
    with pytest.raises(ActionRefused, match="already decided"):
        decide_disposal(proposal, world.approver, approve=False, note="Terlambat.")


def test_keeping_permanently_changes_nothing_else_and_ends_the_retention(world):
    item = walk_item(world, item_with_rule(world))
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.PERMANENT, reason="Arsip sejarah."
    )
    decide_disposal(proposal, world.approver, approve=True)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert not item.documents.filter(deleted_at__isnull=False).exists()
    assert retention_due_on(item) is None and items_due_for_disposal(world.body) == []


def test_a_rejection_needs_a_note_and_the_item_comes_back_as_due(world):
    item = item_with_rule(world)
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.DESTROY, reason="Lewat."
    )
    with pytest.raises(ActionRefused, match="rejected"):
        decide_disposal(proposal, world.approver, approve=False)
    decide_disposal(proposal, world.approver, approve=False, note="Masih disengketakan.")
    [due] = items_due_for_disposal(world.body)
    assert due.pk == item.pk and due.last_decision.state == DisposalDecision.State.REJECTED
    event = item.events.get(verb=Verb.DECIDE_DISPOSAL)
    assert event.actor == world.approver and event.note == "Masih disengketakan."
    assert event.changes["state"] == DisposalDecision.State.REJECTED


def test_approved_destruction_withdraws_the_item_and_disposes_of_its_files(
    world, files_dir, django_capture_on_commit_callbacks
):
    item = walk_item(world, item_with_rule(world))
    assert item.status == Status.PUBLISHED and public_items().filter(pk=item.pk).exists()
    assert len(stored_files(files_dir)) >= 1
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.DESTROY, reason="Retensi 7 tahun habis."
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_disposal(proposal, world.approver, approve=True, note="Disetujui.")
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN and item.current_step is None
    assert not public_items().filter(pk=item.pk).exists()
    for document in Document.objects.filter(item=item):
        assert document.deleted_at is not None and document.deleted_by == world.approver
        assert document.disposed_at is not None and document.disposed_by == world.approver
        assert "000.1.2" in document.delete_reason
    assert stored_files(files_dir) == []
    assert verbs(item)[-5:] == [
        Verb.PROPOSE_DISPOSAL,
        Verb.DECIDE_DISPOSAL,
        Verb.WITHDRAW,
        Verb.DELETE_FILE,
        Verb.DISPOSE_FILE,
    ]
    assert item.events.filter(actor=world.approver, verb=Verb.DISPOSE_FILE).exists()
    assert retention_due_on(item) is None and items_due_for_disposal(world.body) == []


# The schedule: `lentera jra import` and the admin

GOOD_CSV = """code,record_type,active_years,inactive_years,disposition,note
000.1.2,Laporan kinerja tahunan,2,5,destroy,
000.5.1,Peraturan daerah dan produk hukum,5,10,permanen,Disimpan di Dinas Perpustakaan
800.1,Berkas kepegawaian,1,4,Dinilai kembali,
"""


def write(tmp_path, text: str):
    path = tmp_path / "jra.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_jra_import_creates_and_updates_lines_by_code(world, tmp_path, capsys):
    rule(world.body, record_type="Laporan lama", active_years=1, inactive_years=1)
    call_command("jra", "import", str(world.body.pk), write(tmp_path, GOOD_CSV))
    assert "2 schedule lines created, 1 updated" in capsys.readouterr().out
    lines = {r.code: r for r in RetentionRule.objects.filter(body=world.body)}
    assert set(lines) == {"000.1.2", "000.5.1", "800.1"}
    assert (lines["000.1.2"].record_type, lines["000.1.2"].total_years) == (
        "Laporan kinerja tahunan",
        7,
    )
    assert lines["000.5.1"].disposition == Disposition.PERMANENT
    assert lines["000.5.1"].note == "Disimpan di Dinas Perpustakaan"
    assert lines["800.1"].disposition == Disposition.REVIEW


@pytest.mark.parametrize(
    "bad_line,message",
    [
        ("900.1,Surat masuk,dua,5,destroy", "Line 4: active_years"),
        ("900.1,Surat masuk,2,5,bakar", "Line 4: disposition"),
        (",Surat masuk,2,5,destroy", "Line 4: code"),
        ("000.1.2,Laporan lagi,2,5,destroy", "Line 4: code 000.1.2 already appears on line 2"),
    ],
)
def test_jra_import_with_a_bad_row_changes_nothing(world, tmp_path, bad_line, message):
    existing = rule(world.body, record_type="Laporan lama", active_years=1, inactive_years=1)
    text = GOOD_CSV.replace("800.1,Berkas kepegawaian,1,4,Dinilai kembali,", bad_line + ",")
    with pytest.raises(CommandError, match=message):
        call_command("jra", "import", str(world.body.pk), write(tmp_path, text))
    assert list(RetentionRule.objects.filter(body=world.body)) == [existing]
    existing.refresh_from_db()
    assert existing.record_type == "Laporan lama"


def test_jra_import_names_missing_columns_and_unknown_bodies(world, tmp_path):
    with pytest.raises(CommandError, match="lacks the columns: disposition"):
        call_command(
            "jra",
            "import",
            str(world.body.pk),
            write(tmp_path, "code,record_type,active_years,inactive_years\n000.1,Surat,1,1\n"),
        )
    with pytest.raises(CommandError, match="no public body with id 999999"):
        call_command("jra", "import", "999999", write(tmp_path, GOOD_CSV))
    assert not RetentionRule.objects.exists()


def test_admin_keeps_the_schedule_and_shows_decisions_read_only(world, client):
    item = item_with_rule(world)
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.PERMANENT, reason="Arsip sejarah."
    )
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.go.id", "x"))
    listing = client.get(reverse("admin:register_retentionrule_changelist"), {"q": "000.1.2"})
    assert listing.status_code == 200 and "Laporan kinerja tahunan" in listing.text
    response = client.post(
        reverse("admin:register_retentionrule_add"),
        {
            "body": world.body.pk,
            "code": "000.2",
            "record_type": "Notulen rapat",
            "active_years": 1,
            "inactive_years": 2,
            "disposition": Disposition.DESTROY,
            "note": "",
        },
    )
    assert response.status_code == 302
    assert RetentionRule.objects.filter(body=world.body, code="000.2").exists()
    assert client.get(reverse("admin:register_disposaldecision_changelist")).status_code == 200
    change = reverse("admin:register_disposaldecision_change", args=[proposal.pk])
    client.post(change, {"state": "approved"})
    proposal.refresh_from_db()
    assert proposal.state == DisposalDecision.State.PROPOSED
    assert client.get(reverse("admin:register_disposaldecision_add")).status_code == 403
    assert InformationItem.objects.get(pk=item.pk).retention_rule.code == "000.1.2"


# Changes between a proposal and its decision, and to the schedule itself


def test_a_decision_is_refused_when_the_items_code_changed_since_the_proposal(world):
    item = walk_item(world, item_with_rule(world))
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.DESTROY, reason="Retensi habis."
    )
    keep = rule(world.body, code="000.5.1", disposition=Disposition.PERMANENT)
    item = reopen(item, world.officer, note="Ganti kode JRA")
    set_retention(item, world.officer, keep)
    with pytest.raises(ActionRefused, match="code changed"):
        decide_disposal(proposal, world.approver, approve=True, note="Setuju")
    assert not Document.objects.filter(item=item, deleted_at__isnull=False).exists()
    decide_disposal(proposal, world.approver, approve=False, note="Kode JRA berubah")


def test_a_decision_is_refused_when_the_schedule_now_keeps_the_records_longer(world):
    item = walk_item(world, item_with_rule(world))
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.DESTROY, reason="Retensi habis."
    )
    RetentionRule.objects.filter(pk=item.retention_rule_id).update(active_years=50)
    with pytest.raises(ActionRefused, match="not reached the end"):
        decide_disposal(proposal, world.approver, approve=True, note="Setuju")


def test_a_changed_schedule_line_goes_through_the_sop_before_the_dip_shows_it(world, tmp_path):
    item = walk_item(world, item_with_rule(world))
    assert item.retention_period.startswith("Aktif 2 tahun, inaktif 5 tahun")
    call_command(
        "jra",
        "import",
        str(world.body.pk),
        write(
            tmp_path,
            GOOD_CSV.replace(
                "000.1.2,Laporan kinerja tahunan,2,5,destroy",
                "000.1.2,Laporan kinerja tahunan,3,7,musnah",
            ),
        ),
    )
    item.refresh_from_db()
    # The public column waits: the new text is proposed and the item goes through its SOP.
    assert item.retention_period.startswith("Aktif 2 tahun, inaktif 5 tahun")
    assert item.in_update and item.current_step.number == 1
    assert item.pending_changes == {"retention_period": retention_text(item.retention_rule)}
    assert item.events.filter(verb=Verb.RETENTION_CHANGED).exists()
    item = walk_item(world, item)
    assert item.retention_period == retention_text(item.retention_rule)
    assert item.retention_period.startswith("Aktif 3 tahun, inaktif 7 tahun")


def test_a_destroyed_item_cannot_be_reopened(world, django_capture_on_commit_callbacks):
    item = walk_item(world, item_with_rule(world))
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.DESTROY, reason="Retensi habis."
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_disposal(proposal, world.approver, approve=True, note="Disetujui.")
    item.refresh_from_db()
    with pytest.raises(NotAllowed):
        reopen(item, world.officer, note="Hidupkan lagi")
