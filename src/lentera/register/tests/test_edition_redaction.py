"""An edition listing an item made exempt since: the public reads a redacted copy."""

import datetime
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from pypdf import PdfReader

from lentera.documents.services import add_document
from lentera.errors import Unavailable
from lentera.organizations.constants import Role
from lentera.register.constants import Category
from lentera.register.editions import (
    REDACTION_LEASE,
    RedactionInProgress,
    exempt_entries,
    issue_edition,
    public_diff,
    public_entries,
    public_pdf,
)
from lentera.register.models import DipEdition
from lentera.register.services import update_item
from lentera.register.workflow import complete_step, reopen
from lentera.sop import policy
from lentera.testing import classify, make_user, new_item, pdf_upload, publish_item

SIGNER = "Drs. H. Ahmad Syarif, M.Si."
RENSTRA = "Sasaran strategis biro untuk lima tahun ke depan."
BANSOS = "Nama, NIK dan alamat penerima bantuan sosial tahun 2024."
PANGAN = "Daftar rumah tangga penerima bantuan pangan beserta nomor telepon."
MAY_20 = datetime.date(2025, 5, 20)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def head(world):
    """The Kepala PPID: approver of the body's PPID Utama."""
    return make_user("kepala.ppid", world.main, Role.APPROVER)


def published(world, title: str, summary: str):
    item = new_item(world, title=title, summary=summary)
    add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", title))
    return publish_item(world, item)


def make_exempt(world, item, by, decided_on=MAY_20):
    """Reopen a published item, classify it exempt and walk the update through seed 003."""
    item = reopen(item, world.officer, "Ternyata memuat data pribadi.")
    item = update_item(item, world.officer, category=Category.EXEMPT)
    classify(item, by, decided_on=decided_on, exempt_until=decided_on.replace(year=2030))
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        item = complete_step(item, actor)
    item.refresh_from_db()
    assert (item.category, item.status) == (Category.EXEMPT, "documented")
    return item


def make_public_again(world, item):
    item = reopen(item, world.officer, "Masa pengecualian berakhir.")
    item = update_item(item, world.officer, category=Category.ON_DEMAND)
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        item = complete_step(item, actor)
    item.refresh_from_db()
    assert item.category == Category.ON_DEMAND
    return item


@pytest.fixture
def items(world):
    return {
        "renstra": published(world, "Rencana Strategis Biro Kesra", RENSTRA),
        "bansos": published(world, "Data Penerima Bantuan Sosial", BANSOS),
        "pangan": published(world, "Data Penerima Bantuan Pangan", PANGAN),
    }


@pytest.fixture
def edition(world, head, items):
    day = timezone.localdate() - datetime.timedelta(days=7)
    return issue_edition(world.body, head, "SK PPID 12/2025", day, SIGNER)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def redacted_files() -> list[str]:
    folders, files = default_storage.listdir("editions/kalbar")
    return sorted(name for name in files if "disamarkan" in name)


def test_entries_of_items_made_exempt_since_show_when_instead_of_their_summary(
    world, head, items, edition
):
    make_exempt(world, items["bansos"], head)
    entries = {entry["id"]: entry for entry in public_entries(edition)}
    hidden = entries[items["bansos"].pk]
    assert hidden["summary"] == "" and BANSOS not in str(hidden)
    assert hidden["exempt"].date == MAY_20
    assert str(hidden["exempt"]) == "exempt since 20 May 2025"
    assert hidden["exempt"].official == "dikecualikan sejak 20 Mei 2025"
    assert entries[items["renstra"].pk]["summary"] == RENSTRA
    assert "exempt" not in entries[items["renstra"].pk]
    # The edition itself stays as it was issued.
    edition.refresh_from_db()
    assert BANSOS in str(edition.entries)


def test_exempt_entries_are_found_in_one_query_dated_by_the_newest_decision(
    world, head, items, edition, django_assert_num_queries
):
    make_exempt(world, items["bansos"], head)
    item = reopen(items["bansos"], world.officer, "Penetapan klasifikasi baru.")
    classify(item, head, decided_on=datetime.date(2025, 8, 1))
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        item = complete_step(item, actor)
    edition.refresh_from_db()
    with django_assert_num_queries(1):
        exempt = exempt_entries(edition)
    assert {pk: since.date for pk, since in exempt.items()} == {
        items["bansos"].pk: datetime.date(2025, 8, 1)
    }


def test_public_pdf_is_the_original_while_nothing_it_lists_is_exempt(items, edition):
    pdf = public_pdf(edition)
    assert not pdf.redacted
    assert (pdf.name, pdf.sha256, pdf.size) == (
        edition.pdf.name,
        edition.pdf_sha256,
        edition.pdf_size,
    )
    assert not DipEdition.objects.get(pk=edition.pk).redacted_pdf


def test_public_pdf_is_a_redacted_copy_that_names_the_original_sha256(world, head, items, edition):
    original, original_sha = read(edition.pdf.name), edition.pdf_sha256
    make_exempt(world, items["bansos"], head)

    pdf = public_pdf(DipEdition.objects.get(pk=edition.pk))
    assert pdf.redacted
    content = read(pdf.name)
    assert content != original
    assert hashlib.sha256(content).hexdigest() == pdf.sha256 and len(content) == pdf.size
    text = pdf_text(content)
    assert BANSOS not in text
    assert "dikecualikan sejak 20 Mei 2025" in text
    assert RENSTRA in text and PANGAN in text
    assert "Data Penerima Bantuan Sosial" in text  # the title stays, as in the DIK
    assert f"Salinan yang disamarkan dari PDF SHA-256 {original_sha}" in text
    assert "SK PPID 12/2025" in text and SIGNER in text

    stored = DipEdition.objects.get(pk=edition.pk)
    assert (stored.redacted_sha256, stored.redacted_size) == (pdf.sha256, pdf.size)
    assert stored.redacted_for == {str(items["bansos"].pk): "2025-05-20"}
    assert stored.redacting_since is None
    # The original is never touched.
    assert (stored.pdf.name, stored.pdf_sha256) == (edition.pdf.name, original_sha)
    assert read(stored.pdf.name) == original


def test_the_redacted_copy_is_rendered_once_per_set_of_exempt_entries(world, head, items, edition):
    make_exempt(world, items["bansos"], head)
    first = public_pdf(DipEdition.objects.get(pk=edition.pk))
    at = DipEdition.objects.get(pk=edition.pk).redacted_at
    again = public_pdf(DipEdition.objects.get(pk=edition.pk))
    assert (again.name, again.sha256) == (first.name, first.sha256)
    assert DipEdition.objects.get(pk=edition.pk).redacted_at == at
    assert redacted_files() == [first.name.rsplit("/", 1)[-1]]


def test_another_item_made_exempt_later_replaces_the_redacted_copy(world, head, items, edition):
    make_exempt(world, items["bansos"], head)
    first = public_pdf(DipEdition.objects.get(pk=edition.pk))
    make_exempt(world, items["pangan"], head, decided_on=datetime.date(2025, 6, 2))

    second = public_pdf(DipEdition.objects.get(pk=edition.pk))
    assert second.redacted and second.sha256 != first.sha256
    text = pdf_text(read(second.name))
    assert BANSOS not in text and PANGAN not in text and RENSTRA in text
    assert "dikecualikan sejak 2 Juni 2025" in text
    assert f"SHA-256 {edition.pdf_sha256}" in text  # still names the original
    assert redacted_files() == [second.name.rsplit("/", 1)[-1]]  # the old copy is gone
    assert DipEdition.objects.get(pk=edition.pk).redacted_for == {
        str(items["bansos"].pk): "2025-05-20",
        str(items["pangan"].pk): "2025-06-02",
    }


def test_an_item_public_again_gives_the_public_the_original_back(world, head, items, edition):
    make_exempt(world, items["bansos"], head)
    public_pdf(DipEdition.objects.get(pk=edition.pk))
    make_public_again(world, items["bansos"])

    pdf = public_pdf(DipEdition.objects.get(pk=edition.pk))
    assert not pdf.redacted and pdf.sha256 == edition.pdf_sha256
    assert not DipEdition.objects.get(pk=edition.pk).redacted_pdf
    assert redacted_files() == []
    entries = {entry["id"]: entry for entry in public_entries(edition)}
    assert entries[items["bansos"].pk]["summary"] == BANSOS


def test_while_one_process_renders_the_copy_no_other_starts(world, head, items, edition):
    make_exempt(world, items["bansos"], head)
    started = timezone.now() - datetime.timedelta(minutes=1)
    DipEdition.objects.filter(pk=edition.pk).update(redacting_since=started)
    with pytest.raises(RedactionInProgress):
        public_pdf(DipEdition.objects.get(pk=edition.pk))
    assert redacted_files() == []
    assert DipEdition.objects.get(pk=edition.pk).redacting_since == started

    # A process that died holding the lease does not block the copy for ever.
    stale = timezone.now() - REDACTION_LEASE - datetime.timedelta(minutes=1)
    DipEdition.objects.filter(pk=edition.pk).update(redacting_since=stale)
    assert public_pdf(DipEdition.objects.get(pk=edition.pk)).redacted
    assert DipEdition.objects.get(pk=edition.pk).redacting_since is None


def test_a_storage_failure_stores_no_copy_and_releases_the_lease(
    world, head, items, edition, monkeypatch
):
    make_exempt(world, items["bansos"], head)

    def full_disk(name, content, max_length=None):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    with pytest.raises(Unavailable, match="could not be stored"):
        public_pdf(DipEdition.objects.get(pk=edition.pk))
    monkeypatch.undo()
    stored = DipEdition.objects.get(pk=edition.pk)
    assert (stored.redacted_pdf.name, stored.redacted_for, stored.redacting_since) == ("", {}, None)
    assert redacted_files() == []
    assert public_pdf(stored).redacted  # the next request builds it


def test_diff_shows_when_instead_of_the_summary_of_an_item_made_exempt(world, head, items):
    day = timezone.localdate() - datetime.timedelta(days=7)
    old = issue_edition(world.body, head, "SK PPID 1/2025", day, SIGNER)
    bansos = reopen(items["bansos"], world.officer, "Ringkasan diperbaiki.")
    update_item(bansos, world.officer, summary="Rekap penerima bantuan sosial per kecamatan.")
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        bansos = complete_step(bansos, actor)
    new = issue_edition(world.body, head, "SK PPID 2/2025", timezone.localdate(), SIGNER)
    make_exempt(world, bansos, head)

    diff = public_diff(old, new)
    (change,) = diff.changed
    assert change.entry["id"] == bansos.pk
    assert str(change.entry["exempt"]) == "exempt since 20 May 2025"
    assert [(name, str(before), str(after)) for name, before, after in change.columns] == [
        ("Ringkasan isi informasi", "exempt since 20 May 2025", "exempt since 20 May 2025")
    ]
    assert BANSOS not in str(diff) and "per kecamatan" not in str(diff)


def test_only_the_ppid_utama_and_superusers_may_read_the_original(world, head, edition):
    admin = make_user("admin")
    admin.is_superuser = True
    for person in (head, world.main_officer, admin):
        assert policy.can_read_original(person, edition)
    for person in (world.officer, world.approver, world.other_officer, world.outsider):
        assert not policy.can_read_original(person, edition)
