"""Several files at once on an item's page: each becomes a document, all or none. A
refused file (a twin, an empty one, a type not allowed) stores nothing of the others,
neither records nor bytes; a new version stays one file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lentera.documents.models import Document, DocumentVersion
from lentera.documents.services import MAX_FILES_AT_ONCE
from lentera.testing import item_fields, new_item, pdf_upload


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def item(world):
    return new_item(world, form_softcopy=False)


def upload(client, item, files, **data):
    return client.post(
        reverse("office:item-upload", args=[item.pk]), {"file": files, **data}, follow=True
    )


def stored(files_dir) -> list:
    return sorted(files_dir.rglob("*.pdf"))


def test_three_files_become_three_documents(client, world, item, files_dir):
    client.force_login(world.officer)
    files = [pdf_upload(f"lampiran-{n}.pdf", f"Lampiran {n}") for n in (1, 2, 3)]
    response = upload(client, item, files, title="ignored for several")
    html = response.content.decode()
    assert "“lampiran-1.pdf”, “lampiran-2.pdf”, “lampiran-3.pdf” were stored." in html
    titles = sorted(Document.objects.filter(item=item).values_list("title", flat=True))
    assert titles == ["lampiran-1.pdf", "lampiran-2.pdf", "lampiran-3.pdf"]
    assert len(stored(files_dir)) == 3


@pytest.mark.parametrize(
    "bad, reason",
    [
        (
            pdf_upload("kembar.pdf", "Lampiran 1"),
            "“kembar.pdf” is the same file as “lampiran-1.pdf”.",
        ),
        (SimpleUploadedFile("kosong.pdf", b""), "is empty"),
        (SimpleUploadedFile("skrip.exe", b"MZ\x90\x00" * 64), "not a file type Lentera accepts"),
    ],
    ids=["twin", "empty", "type"],
)
def test_one_refused_file_stores_nothing_of_the_others(client, world, item, files_dir, bad, reason):
    client.force_login(world.officer)
    version = item.lock_version
    files = [pdf_upload("lampiran-1.pdf", "Lampiran 1"), pdf_upload("lampiran-2.pdf", "Lampiran 2"),
             bad]  # fmt: skip
    html = upload(client, item, files).content.decode()
    assert "Nothing was stored:" in html and reason in html, html[-3000:]
    assert not DocumentVersion.objects.filter(document__item=item).exists()
    assert stored(files_dir) == []
    item.refresh_from_db()
    assert item.lock_version == version


def test_too_many_files_at_once_are_refused(client, world, item, files_dir):
    client.force_login(world.officer)
    files = [pdf_upload(f"f{n}.pdf", f"Berkas {n}") for n in range(MAX_FILES_AT_ONCE + 1)]
    html = upload(client, item, files).content.decode()
    assert f"Upload at most {MAX_FILES_AT_ONCE} files at once." in html
    assert stored(files_dir) == [] and not Document.objects.filter(item=item).exists()


def test_a_new_version_is_one_file(client, world, item, files_dir):
    client.force_login(world.officer)
    upload(client, item, [pdf_upload("laporan.pdf", "Versi 1")])
    document = Document.objects.get(item=item)
    two = [pdf_upload("v2.pdf", "Versi 2"), pdf_upload("v3.pdf", "Versi 3")]
    html = upload(client, item, two, document=document.pk).content.decode()
    assert "A new version is one file." in html
    assert document.versions.count() == 1 and len(stored(files_dir)) == 1


def test_someone_who_may_not_edit_stores_nothing(client, world, item, files_dir):
    client.force_login(world.other_officer)
    response = upload(client, item, [pdf_upload("a.pdf", "A"), pdf_upload("b.pdf", "B")])
    assert response.status_code in (403, 404)
    assert stored(files_dir) == [] and not Document.objects.filter(item=item).exists()


@pytest.mark.django_db(transaction=True)
def test_bytes_are_stored_outside_any_transaction(client, world, files_dir, monkeypatch):
    """A large file must not hold the database's write lock while it is copied: every
    file is stored first, then one short transaction writes the records."""
    from django.db import connection

    from lentera.documents import services

    item = new_item(world, form_softcopy=False)
    client.force_login(world.officer)
    seen = []
    original = services.store

    def watching(name, content):
        seen.append(connection.in_atomic_block)
        return original(name, content)

    monkeypatch.setattr(services, "store", watching)
    upload(client, item, [pdf_upload("a.pdf", "A"), pdf_upload("b.pdf", "B")])
    assert seen == [False, False]
    assert Document.objects.filter(item=item).count() == 2
    # A new entry's first file too.
    fields = item_fields(world.unit, made_on="2025-02-14", holding_unit=world.unit.pk)
    response = client.post(
        reverse("office:item-create"), {**fields, "title": "Baru", "file": pdf_upload("c.pdf", "C")}
    )
    assert response.status_code == 302
    assert seen == [False, False, False]
    assert Document.objects.filter(item__title="Baru").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_entry_refused_after_its_file_was_stored_leaves_no_file(
    client, world, files_dir, monkeypatch
):
    from lentera.register import services as register

    client.force_login(world.officer)

    def refuse(*args, **kwargs):
        raise RuntimeError("the SOP engine failed")

    monkeypatch.setattr(register.engine, "start", refuse)
    fields = item_fields(world.unit, made_on="2025-02-14", holding_unit=world.unit.pk)
    with pytest.raises(RuntimeError):
        client.post(reverse("office:item-create"), {**fields, "file": pdf_upload("d.pdf", "D")})
    assert stored(files_dir) == [] and not Document.objects.exists()
