"""Importing a DIP in the office: the PPID Utama's officer uploads, sees every row and
problem, saves; the head of the PPID confirms; everyone else is turned away."""

import io
import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lentera.organizations.constants import Role
from lentera.register import selectors
from lentera.register.models import ImportBatch, InformationItem
from lentera.register.tests.test_dip_import import ROWS, _pdf, flat_csv, merged_xlsx
from lentera.testing import build_world, make_user


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def head(world):
    return make_user("kepala.ppid", world.main, Role.APPROVER)


def _upload(client, world, content: bytes, name: str = "dip.xlsx", **extra):
    sheet = SimpleUploadedFile(name, content)
    return client.post("/kantor/impor/", {"body": world.body.pk, "file": sheet, **extra})


def test_upload_preview_save_then_the_head_confirms(world, head, client):
    client.force_login(world.main_officer)
    assert 'href="/kantor/impor/"' in client.get("/kantor/").content.decode()  # in the menu
    preview = _upload(client, world, merged_xlsx())
    text = preview.content.decode()
    assert preview.status_code == 200 and 'id="import-save"' in text
    assert "Laporan Keuangan Tahun 2024" in text and 'id="import-errors"' not in text
    assert not InformationItem.objects.exists()  # a preview saves nothing

    token = preview.context["token"]
    saved = client.post("/kantor/impor/", {"token": token})
    batch = ImportBatch.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/kantor/impor/{batch.pk}/"
    assert batch.items.count() == len(ROWS) and not selectors.public_items().exists()
    # The importer sees the batch but cannot decide it.
    page = client.get(f"/kantor/impor/{batch.pk}/").content.decode()
    assert 'id="batch-refusal"' in page and 'name="confirm"' not in page
    client.post(f"/kantor/impor/{batch.pk}/", {"confirm": "1", "fingerprint": batch.fingerprint})
    assert ImportBatch.objects.get().state == ImportBatch.State.WAITING
    # Saving the same upload twice does not import it twice.
    client.post("/kantor/impor/", {"token": token})
    assert ImportBatch.objects.count() == 1

    client.force_login(head)
    page = client.get(f"/kantor/impor/{batch.pk}/").content.decode()
    assert 'name="confirm"' in page and "Rencana Strategis 2025-2029" in page
    confirm = {"confirm": "1", "note": "Sesuai SK DIP 2025", "fingerprint": batch.fingerprint}
    client.post(f"/kantor/impor/{batch.pk}/", confirm)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CONFIRMED and batch.note == "Sesuai SK DIP 2025"
    # Listed: the hard-copy-only entry; the others wait in their SOP (no date made, or
    # a soft copy marked and no file).
    assert selectors.public_items().count() == 1


def test_a_sheet_with_problems_lists_them_and_offers_no_save(world, client):
    client.force_login(world.main_officer)
    rows = [list(r) for r in ROWS]
    rows[1][2] = "Biro Kesra Rakyat"
    response = _upload(client, world, merged_xlsx(rows))
    text = response.content.decode()
    assert 'id="import-errors"' in text and 'id="import-save"' not in text
    assert "DIP 2025, baris 9" in text  # sheet and row, in Indonesian
    assert not InformationItem.objects.exists()


def test_rejecting_needs_a_note(world, head, client):
    client.force_login(world.main_officer)
    client.post("/kantor/impor/", {"token": _upload(client, world, merged_xlsx()).context["token"]})
    batch = ImportBatch.objects.get()
    client.force_login(head)
    client.post(f"/kantor/impor/{batch.pk}/", {"reject": "1", "note": ""})
    assert ImportBatch.objects.get().state == ImportBatch.State.WAITING
    client.post(f"/kantor/impor/{batch.pk}/", {"reject": "1", "note": "Salah berkas"})
    assert ImportBatch.objects.get().state == ImportBatch.State.REJECTED
    assert not selectors.public_items().exists()


def test_only_the_ppid_utama_and_the_head_reach_imports(world, head, client):
    client.force_login(world.main_officer)
    client.post("/kantor/impor/", {"token": _upload(client, world, merged_xlsx()).context["token"]})
    batch = ImportBatch.objects.get()
    for user in (world.officer, world.approver, world.outsider):
        client.force_login(user)
        assert client.get("/kantor/impor/").status_code == 403
        assert client.get(f"/kantor/impor/{batch.pk}/").status_code == 404
        confirm = {"confirm": "1", "fingerprint": batch.fingerprint}
        client.post(f"/kantor/impor/{batch.pk}/", confirm)
        assert 'href="/kantor/impor/"' not in client.get("/kantor/").content.decode()
    other = build_world(prefix="lain-")
    client.force_login(make_user("kepala.lain", other.main, Role.APPROVER))
    assert client.get(f"/kantor/impor/{batch.pk}/").status_code == 404
    # The head of the PPID may see imports but not make one.
    client.force_login(head)
    page = client.get("/kantor/impor/")
    assert page.status_code == 200 and 'id="import-form"' not in page.content.decode()
    assert _upload(client, world, merged_xlsx()).context["plan"] is None
    assert ImportBatch.objects.get().state == ImportBatch.State.WAITING


def test_a_token_of_someone_else_or_expired_saves_nothing(world, client):
    client.force_login(world.main_officer)
    token = _upload(client, world, flat_csv(), "dip.csv").context["token"]
    other = make_user("petugas.utama2", world.main, Role.OFFICER)
    client.force_login(other)
    response = client.post("/kantor/impor/", {"token": token}, follow=True)
    assert "unggah lagi" in response.content.decode().lower()
    assert not InformationItem.objects.exists()


def test_a_unit_of_another_body_and_a_huge_file_are_refused(world, client, monkeypatch):
    from lentera.register import sheets

    client.force_login(world.main_officer)
    other = build_world(prefix="lain-")
    response = _upload(client, world, merged_xlsx(), unit=other.unit.pk)
    assert response.context["form"].errors["unit"]
    monkeypatch.setattr(sheets, "MAX_BYTES", 1000)
    response = _upload(client, world, merged_xlsx())
    assert response.context["form"].errors["file"]
    assert not InformationItem.objects.exists()


def _confirmed_in_the_background(client, monkeypatch):
    """A batch over the office's limit, which its head confirms: queued for the worker."""
    from lentera.office import views_import

    world = build_world()
    head = make_user("kepala.ppid", world.main, Role.APPROVER)
    monkeypatch.setattr(views_import, "CONFIRM_NOW_ENTRIES", 2)
    client.force_login(world.main_officer)
    client.post("/kantor/impor/", {"token": _upload(client, world, merged_xlsx()).context["token"]})
    batch = ImportBatch.objects.get()
    client.force_login(head)
    client.post(f"/kantor/impor/{batch.pk}/", {"confirm": "1", "fingerprint": batch.fingerprint})
    return head, batch


@pytest.mark.django_db(transaction=True)
def test_a_large_import_is_confirmed_by_the_worker(client, run_worker, monkeypatch):
    head, batch = _confirmed_in_the_background(client, monkeypatch)
    url = f"/kantor/impor/{batch.pk}/"
    assert ImportBatch.objects.get().state == ImportBatch.State.WAITING
    page = client.get(url).content.decode()
    assert 'id="batch-confirming"' in page and 'name="confirm"' not in page
    client.post(url, {"reject": "1", "note": "Batal"})  # not while it is being confirmed
    assert ImportBatch.objects.get().state == ImportBatch.State.WAITING
    run_worker()
    batch.refresh_from_db()
    assert (batch.state, batch.decided_by, batch.confirming_since) == (
        ImportBatch.State.CONFIRMED, head, None)  # fmt: skip
    assert selectors.public_items().count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_confirmation_refused_leaves_the_batch_waiting_and_says_why(
    client, run_worker, monkeypatch
):
    _, batch = _confirmed_in_the_background(client, monkeypatch)
    InformationItem.objects.filter(import_batch=batch).update(summary="Diubah diam-diam")
    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.WAITING and batch.confirming_since is None
    page = client.get(f"/kantor/impor/{batch.pk}/").content.decode()
    assert 'id="batch-failure"' in page and 'name="confirm"' in page
    assert not selectors.public_items().exists()


def _archive(members: dict) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("berkas.zip", out.getvalue())


def test_files_uploaded_as_a_zip_come_with_their_rows(world, head, client, settings):
    client.force_login(world.main_officer)
    files = _archive({"8-laporan-keuangan.pdf": _pdf("Laporan Keuangan"), "9.pdf": _pdf("Rencana")})
    preview = _upload(client, world, merged_xlsx(), files=files)
    text = preview.content.decode()
    assert 'id="import-save"' in text and "8-laporan-keuangan.pdf" in text
    kept = list(settings.IMPORT_PENDING_DIR.iterdir())
    assert len(kept) == 1 and not InformationItem.objects.exists()

    client.post("/kantor/impor/", {"token": preview.context["token"]})
    first = InformationItem.objects.get(title="Laporan Keuangan Tahun 2024")
    second = InformationItem.objects.get(title="Rencana Strategis 2025-2029")
    assert [v.original_name for v in first.documents.get().versions.all()] == [
        "8-laporan-keuangan.pdf"
    ]
    assert second.documents.count() == 1
    assert not list(settings.IMPORT_PENDING_DIR.iterdir())  # no archive left behind
    # Nothing of it is public before the head confirms.
    assert not selectors.public_versions().exists()
    # An archive never saved is removed once its hour is over.
    left = settings.IMPORT_PENDING_DIR / "9-abandoned.zip"
    left.write_bytes(b"PK")
    os.utime(left, (time.time() - 3601, time.time() - 3601))
    client.get("/kantor/impor/")
    assert not left.exists()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"../../etc/passwd.pdf": b"x"}, "di luar dirinya"),
        ({"8.pdf": b"<html><script>alert(1)</script></html>"}, ""),  # refused on saving
        (None, "berkas.zip bukan folder maupun arsip ZIP"),
    ],
)
def test_a_hostile_or_bad_archive_saves_nothing(world, client, settings, files_dir, files,
                                                expected):  # fmt: skip
    client.force_login(world.main_officer)
    upload = _archive(files) if files else SimpleUploadedFile("berkas.zip", b"PK\x03\x04 rusak")
    preview = _upload(client, world, merged_xlsx(), files=upload)
    text = preview.content.decode()
    if expected:
        assert (
            'id="import-errors"' in text and expected in preview.context["plan"].errors[0].message
        )
        assert str(settings.IMPORT_PENDING_DIR) not in text  # its own name, not the path
        assert not preview.context["token"] and not list(settings.IMPORT_PENDING_DIR.iterdir())
    else:
        saved = client.post("/kantor/impor/", {"token": preview.context["token"]})
        assert "8.pdf" in str(saved.context["plan"].errors[0])
        assert not list(settings.IMPORT_PENDING_DIR.iterdir())
    assert not InformationItem.objects.exists()
    assert not [p for p in files_dir.rglob("*") if p.is_file()]  # no orphan file


def test_a_preview_waits_under_its_own_unit_and_archive(world, client, settings):
    """Two tabs, one sheet, two default units: each saves what it showed."""
    rows = [(key, title, "", *rest) for key, title, _unit, *rest in ROWS]
    content = merged_xlsx(rows)
    client.force_login(world.main_officer)
    first = _upload(client, world, content, unit=world.unit.pk).context["token"]
    second = _upload(client, world, content, unit=world.other_unit.pk).context["token"]
    assert first and second and first != second
    client.post("/kantor/impor/", {"token": first})
    units = set(InformationItem.objects.values_list("holding_unit", flat=True))
    assert units == {world.unit.pk}


def test_an_archive_the_reader_chokes_on_is_a_message(world, client, settings):
    from lentera.register.tests.test_dip_import import _bad_utf8_name

    client.force_login(world.main_officer)
    upload = SimpleUploadedFile("berkas.zip", _bad_utf8_name())
    preview = _upload(client, world, merged_xlsx(), files=upload)
    assert preview.status_code == 200 and "berkas.zip" in str(preview.context["plan"].errors[0])
    assert not list(settings.IMPORT_PENDING_DIR.iterdir())
