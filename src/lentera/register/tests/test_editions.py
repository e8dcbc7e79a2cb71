"""DIP editions (Penetapan DIP): issued by the PPID Utama's approver, frozen, all or nothing."""

import datetime
import hashlib
import io

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone, translation
from pypdf import PdfReader

from lentera import pdf
from lentera.audit.models import ActivityEvent
from lentera.documents.services import add_document
from lentera.errors import ActionRefused, NotAllowed, Unavailable
from lentera.organizations.constants import Role
from lentera.register.constants import Category
from lentera.register.editions import (
    ISSUE_VERB,
    diff_editions,
    issue_edition,
    issuing_bodies,
)
from lentera.register.models import DipEdition, InformationItem
from lentera.register.workflow import complete_step, withdraw
from lentera.sop import policy
from lentera.testing import build_world, make_user, new_item, pdf_upload, publish_item

SIGNER = "Drs. H. Ahmad Syarif, M.Si."
DECREE = "SK PPID 12/2025"


def published(world, **fields):
    item = new_item(world, **fields)
    add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", item.title))
    return publish_item(world, item)


@pytest.fixture(autouse=True)
def _english():
    """The refusals are checked by their English text."""
    with translation.override("en"):
        yield


@pytest.fixture
def head(world):
    """The Kepala PPID: approver of the body's PPID Utama."""
    return make_user("kepala.ppid", world.main, Role.APPROVER)


@pytest.fixture
def items(world):
    renstra = published(world, title="Rencana Strategis Biro Kesra 2025-2029")
    banjir = published(world, title="Bantuan Sosial Korban Banjir", category=Category.IMMEDIATE)
    draft = new_item(world, title="Draf Rencana Kerja Anggaran 2026")
    complete_step(draft, world.officer)
    exempt = published(world, title="Data Pribadi Penerima Bantuan", category=Category.EXEMPT)
    return {"renstra": renstra, "banjir": banjir, "draft": draft, "exempt": exempt}


def last_week() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=7)


def stored_files() -> list[str]:
    found = []

    def walk(folder):
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        found.extend(f"{folder}/{name}" for name in files)
        for name in folders:
            walk(f"{folder}/{name}")

    walk("editions")
    return found


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_approver_of_the_ppid_utama_issues_the_current_public_dip(world, head, items):
    edition = issue_edition(world.body, head, f"  {DECREE} ", last_week(), SIGNER)
    edition.refresh_from_db()
    assert (edition.decree_number, edition.signer, edition.issued_by) == (DECREE, SIGNER, head)
    assert [entry["id"] for entry in edition.entries] == [items["renstra"].pk, items["banjir"].pk]
    assert edition.item_count == 2
    first = edition.entries[0]
    assert first["title"] == "Rencana Strategis Biro Kesra 2025-2029"
    assert first["forms"] == "Softcopy (unduh daring); Hardcopy"
    assert first["made"] == "14 Februari 2025, Pontianak"
    assert edition.pdf.name == f"editions/kalbar/sk-ppid-12-2025-{edition.pk}.pdf"
    with edition.pdf.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == edition.pdf_sha256
    assert len(content) == edition.pdf_size
    text = pdf_text(content)
    for expected in ("DAFTAR INFORMASI PUBLIK", world.body.name, DECREE, SIGNER):
        assert expected in text
    assert "Rencana Strategis Biro Kesra 2025-2029" in text
    assert "Draf Rencana Kerja" not in text and "Data Pribadi" not in text


def test_issuing_is_recorded_in_the_activity_log(world, head, items):
    edition = issue_edition(world.body, head, DECREE, last_week(), SIGNER)
    event = ActivityEvent.objects.get(verb=ISSUE_VERB)
    assert (event.actor, event.unit, event.item) == (head, world.main, None)
    assert event.changes["edition"] == edition.pk
    assert event.changes["pdf_sha256"] == edition.pdf_sha256
    assert event.changes["items"] == 2


def test_edition_stays_frozen_when_the_register_changes(world, head, items):
    edition = issue_edition(world.body, head, DECREE, last_week(), SIGNER)
    entries, sha = list(edition.entries), edition.pdf_sha256
    withdraw(items["renstra"], world.approver, "Diganti rencana strategis baru.")
    InformationItem.objects.filter(pk=items["banjir"].pk).update(title="Judul yang diubah")
    published(world, title="Informasi Baru Setelah Penetapan")

    edition.refresh_from_db()
    assert edition.entries == entries
    assert edition.pdf_sha256 == sha
    with edition.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == sha


def test_only_an_approver_of_the_ppid_utama_may_issue(world, head):
    unit_approver = make_user("kepala.dinkes", world.other_unit, Role.APPROVER)
    assert policy.can_issue_edition(head, world.body)
    assert list(issuing_bodies(head)) == [world.body]
    for person in (world.approver, world.main_officer, unit_approver, world.outsider):
        assert not policy.can_issue_edition(person, world.body)
        with pytest.raises(NotAllowed):
            issue_edition(world.body, person, DECREE, last_week(), SIGNER)
    other = build_world(prefix="b-")
    assert not policy.can_issue_edition(head, other.body)
    assert DipEdition.objects.count() == 0 and stored_files() == []


@pytest.mark.parametrize(
    "decree, days_ago, signer, message",
    [
        ("", 1, SIGNER, "Enter the number of the decree."),
        ("   ", 1, SIGNER, "Enter the number of the decree."),
        (DECREE, 1, " ", "Enter who signed the decree."),
        (DECREE, -1, SIGNER, "The date of the decree cannot be in the future."),
    ],
)
def test_incomplete_or_future_decree_is_refused_and_changes_nothing(
    world, head, items, decree, days_ago, signer, message
):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    with pytest.raises(ActionRefused) as refused:
        issue_edition(world.body, head, decree, day, signer)
    assert refused.value.message == message
    assert DipEdition.objects.count() == 0
    assert stored_files() == []
    assert not ActivityEvent.objects.filter(verb=ISSUE_VERB).exists()


def test_the_same_decree_number_twice_is_refused(world, head, items):
    first = issue_edition(world.body, head, DECREE, last_week(), SIGNER)
    with pytest.raises(ActionRefused) as refused:
        issue_edition(world.body, head, DECREE.lower(), timezone.localdate(), SIGNER)
    assert "already exists" in refused.value.message
    assert list(DipEdition.objects.all()) == [first]
    assert stored_files() == [first.pdf.name]
    # Another body may use the same number.
    other = build_world(prefix="b-")
    other_head = make_user("b-kepala.ppid", other.main, Role.APPROVER)
    assert issue_edition(other.body, other_head, DECREE, last_week(), SIGNER).pk


class BrokenStorage(FileSystemStorage):
    """A storage that fails to store anything (a full disk, a lost bucket)."""

    def _save(self, name, content):
        raise OSError("No space left on device")


class HalfBrokenStorage(FileSystemStorage):
    """A storage that writes the bytes but then reports a failure (a lost answer)."""

    def _save(self, name, content):
        super()._save(name, content)
        raise OSError("Connection reset while confirming the upload")


@pytest.mark.parametrize("backend", [BrokenStorage, HalfBrokenStorage])
def test_a_storage_failure_leaves_no_record_and_no_file(
    world, head, items, settings, tmp_path, backend
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.{backend.__name__}",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    with pytest.raises(Unavailable):  # a clear, translated refusal
        issue_edition(world.body, head, DECREE, last_week(), SIGNER)
    assert DipEdition.objects.count() == 0
    assert not ActivityEvent.objects.filter(verb=ISSUE_VERB).exists()
    assert stored_files() == []


def edition(body, entries, number):
    return DipEdition(body=body, decree_number=number, decided_on=last_week(), entries=entries)


def entry(pk, **columns):
    base = dict(
        id=pk,
        title=f"Informasi {pk}",
        summary="Ringkasan",
        unit="Biro Kesejahteraan Rakyat",
        body="Pemerintah Provinsi Kalimantan Barat",
        responsible="Kepala Biro",
        made="14 Februari 2025, Pontianak",
        forms="Hardcopy",
        retention="5 tahun",
        category=Category.PERIODIC,
        year=2024,
    )
    return base | columns


def test_diff_lists_added_removed_and_changed_entries_by_item_id(world):
    old = edition(world.body, [entry(1), entry(2), entry(3)], "SK 1/2025")
    new = edition(
        world.body,
        [
            entry(1),
            entry(3, title="Informasi 3 (revisi)", retention="10 tahun", category="serta_merta"),
            entry(4),
        ],
        "SK 2/2025",
    )
    diff = diff_editions(old, new)
    assert [e["id"] for e in diff.added] == [4]
    assert [e["id"] for e in diff.removed] == [2]
    assert len(diff.changed) == 1
    change = diff.changed[0]
    assert change.entry["id"] == 3
    assert change.columns == [
        ("Judul", "Informasi 3", "Informasi 3 (revisi)"),
        ("Jangka waktu penyimpanan atau retensi arsip", "5 tahun", "10 tahun"),
        ("Kategori", "Berkala", "Serta merta"),
    ]
    assert diff_editions(old, old).empty


def test_a_pdf_that_cannot_be_made_refuses_the_edition_and_records_nothing(
    world, head, items, monkeypatch
):
    # The real child process, given no time: the decree is not half-issued.
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 0.01)
    with pytest.raises(Unavailable):
        issue_edition(world.body, head, DECREE, last_week(), SIGNER)
    assert DipEdition.objects.count() == 0
    assert not ActivityEvent.objects.filter(verb=ISSUE_VERB).exists()
    assert stored_files() == []
