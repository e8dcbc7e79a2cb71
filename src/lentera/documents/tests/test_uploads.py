"""Uploads: typed by content, hashed while streamed, never half-stored; soft delete and disposal."""

import hashlib
import io
import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.test import override_settings
from django.urls import reverse

from lentera.documents.models import Document, DocumentVersion
from lentera.documents.services import add_document, delete_document, dispose_document
from lentera.errors import ActionRefused, NotAllowed, Unavailable
from lentera.register.workflow import complete_step, reopen
from lentera.sop.constants import Check, Verb
from lentera.testing import new_item, pdf_upload

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return sorted(p.resolve() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def stored_path(version) -> Path:
    return Path(default_storage.path(version.file.name)).resolve()


@pytest.fixture(autouse=True)
def _english(english):
    pass


@pytest.fixture
def upload_tmp(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


# What the tests make: each is refused with a message naming the file.
REFUSED = {
    "pdf named as docx": ("laporan.docx", pdf_upload().read(), "content is PDF"),
    "zip named as pdf": ("arsip.pdf", b"PK\x03\x04" + b"\x00" * 200, "not a file type"),
    "zip archive": ("arsip.zip", b"PK\x03\x04" + b"\x00" * 200, "not a file type"),
    "windows program": ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "not a file type"),
    "html as txt": ("catatan.txt", b"\x00<html><script>alert(1)</script>", "not a file type"),
    "polyglot png with script": (
        "foto.png",
        PNG_HEAD + b"\x00" * 20 + b"<script>fetch('/kantor/')</script>",
        "web page code",
    ),
    "polyglot pdf with html": (
        "surat.pdf",
        b"%PDF-1.4\n<!DOCTYPE html><html><body onload=x()></body></html>",
        "web page code",
    ),
    "empty file": ("kosong.pdf", b"", "is empty"),
    "control characters as txt": ("data.txt", bytes(range(1, 32)) * 20, "not a file type"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_bad_files_are_refused_and_leave_nothing(world, case):
    name, content, message = REFUSED[case]
    item = new_item(world)
    with pytest.raises(ActionRefused) as refused:
        add_document(item, world.officer, SimpleUploadedFile(name, content))
    assert message in refused.value.message
    assert name in refused.value.message
    assert not Document.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_text_saved_by_windows_programs_is_accepted(world):
    content = "Kecamatan;Jumlah\r\nPontianak Selatan;1.234\r\nCafé – “kutipan”\r\n"
    version = add_document(
        new_item(world), world.officer, SimpleUploadedFile("data.csv", content.encode("cp1252"))
    )
    assert version.content_type == "text/csv"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\budi\\Dokumen\\laporan.pdf", "laporan.pdf"),
        ("lap\x00or\x1ban\u202e.pdf", "laporan.pdf"),
        ("laporan_报告_تقرير.pdf", "laporan_报告_تقرير.pdf"),
        ("...", "file"),
    ],
)
def test_file_names_are_cleaned_and_never_choose_the_path(world, given, kept):
    item = new_item(world)
    version = add_document(item, world.officer, SimpleUploadedFile(given, pdf_upload().read()))
    assert version.original_name == kept
    stored = stored_path(version)
    assert stored.is_relative_to(Path(default_storage.location).resolve() / "documents")
    assert stored.suffix == ".pdf"
    assert stored_files() == [stored]


@pytest.mark.django_db
def test_same_file_twice_is_recognised_but_allowed_again_after_a_delete(world):
    item = new_item(world)
    first = add_document(item, world.officer, pdf_upload("a.pdf"))
    with pytest.raises(ActionRefused, match="already attached"):
        add_document(item, world.officer, pdf_upload("b.pdf"))
    delete_document(first.document, world.officer, reason="Salah unggah")
    again = add_document(item, world.officer, pdf_upload("b.pdf"))
    assert again.sha256 == first.sha256
    assert again.document != first.document


@pytest.mark.django_db
def test_new_version_keeps_the_old_and_the_public_sees_only_published_ones(world, client, publish):
    item = new_item(world)
    v1 = add_document(item, world.officer, pdf_upload("renja.pdf", "Renja 2025"))
    item = publish(item)
    item = reopen(item, world.officer, note="Revisi Renja")
    v2 = add_document(
        item,
        world.officer,
        pdf_upload("renja-revisi.pdf", "Renja 2025 revisi"),
        document=v1.document,
    )
    assert v2.number == 2 and v2.document == v1.document
    assert list(v1.document.versions.values_list("number", flat=True)) == [1, 2]

    def public_download(version):
        return client.get(reverse("portal:download", args=[item.pk, version.pk]))

    assert public_download(v1).status_code == 200
    assert public_download(v2).status_code == 404
    publish(item)
    assert public_download(v2).status_code == 200
    assert public_download(v1).status_code == 200  # older published versions stay available


@pytest.mark.django_db
def test_office_upload_is_hashed_while_streamed(world, client):
    item = new_item(world)
    content = pdf_upload().read() + b"\n%" + b"isi " * 1_000_000  # several upload chunks
    client.force_login(world.officer)
    response = client.post(
        reverse("office:item-upload", args=[item.pk]),
        {"file": SimpleUploadedFile("besar.pdf", content), "title": "Lampiran"},
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert stored_path(version).read_bytes() == content


@pytest.mark.django_db
def test_office_upload_over_the_limit_is_refused_without_keeping_bytes(world, client, upload_tmp):
    item = new_item(world)
    content = pdf_upload().read() + b"\n%" + b"x" * 300_000
    client.force_login(world.officer)
    with override_settings(LENTERA_MAX_UPLOAD_BYTES=100_000, FILE_UPLOAD_TEMP_DIR=str(upload_tmp)):
        response = client.post(
            reverse("office:item-upload", args=[item.pk]),
            {"file": SimpleUploadedFile("besar.pdf", content)},
            follow=True,
            headers={"accept-language": "en"},
        )
    assert "larger than the limit" in response.content.decode()
    assert not DocumentVersion.objects.exists()
    assert stored_files() == []
    assert list(upload_tmp.iterdir()) == []  # the temporary file went with the request


class FailingStream(File):
    """A file whose bytes stop arriving part-way through being stored."""

    def __init__(self, content: bytes, fail_after: int):
        super().__init__(io.BytesIO(content), name="putus.pdf")
        self.content, self.fail_after, self.passes = content, fail_after, 0

    def chunks(self, chunk_size=None):
        self.passes += 1
        sent = 0
        for chunk in super().chunks(64 * 1024):
            if self.passes > 1 and sent + len(chunk) > self.fail_after:
                raise ConnectionResetError("connection lost")
            sent += len(chunk)
            yield chunk


@pytest.mark.django_db
def test_storage_cut_off_mid_write_leaves_no_record_and_no_file(world):
    item = new_item(world)
    content = pdf_upload().read() + b"\n%" + b"a" * 1_000_000
    with pytest.raises(Unavailable):  # said in words, not a crash
        add_document(item, world.officer, FailingStream(content, fail_after=500_000))
    assert not DocumentVersion.objects.exists()
    assert not Document.objects.exists()
    assert stored_files() == []


def _raw_upload(live_server, client, item, body: bytes, declared: int) -> None:
    """POST `body` as the start of a multipart upload of `declared` bytes, then hang up."""
    token = "t" * 32
    boundary = "lentera-boundary"
    host, port = live_server.url.removeprefix("http://").split(":")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="laporan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + declared + len(tail)
    request = (
        f"POST {reverse('office:item-upload', args=[item.pk])} HTTP/1.1\r\nHost: {host}\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()
    finished = threading.Event()

    def on_finished(**kwargs):
        finished.set()

    request_finished.connect(on_finished, weak=False)
    try:
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(request + head + body + (tail if len(body) == declared else b""))
            if len(body) == declared:
                sock.recv(1024)  # wait for the answer
        assert finished.wait(30), "the server never finished the request"
    finally:
        request_finished.disconnect(on_finished)


@pytest.mark.django_db(transaction=True)
def test_upload_cut_off_mid_stream_leaves_no_record_and_no_file(
    world, live_server, client, upload_tmp
):
    item = new_item(world)
    client.force_login(world.officer)
    content = pdf_upload().read() + b"\n%" + b"b" * 4_000_000
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(upload_tmp)):
        # Half the bytes, then the connection drops.
        _raw_upload(live_server, client, item, content[: len(content) // 2], len(content))
        assert not DocumentVersion.objects.exists()
        assert stored_files() == []
        assert list(upload_tmp.iterdir()) == []
        # The same upload sent whole is stored: the cut, not the request, was refused.
        _raw_upload(live_server, client, item, content, len(content))
    version = DocumentVersion.objects.get()
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert stored_files() == [stored_path(version)]
    assert list(upload_tmp.iterdir()) == []


@pytest.mark.django_db
def test_delete_is_soft_and_disposal_needs_an_approver(
    world, client, django_capture_on_commit_callbacks
):
    item = new_item(world)
    version = add_document(item, world.officer, pdf_upload("salah.pdf"))
    path = stored_path(version)

    with pytest.raises(ActionRefused, match="Say why"):
        delete_document(version.document, world.officer, reason=" ")
    with pytest.raises(NotAllowed):
        delete_document(version.document, world.other_officer, reason="Bukan berkasnya")
    with pytest.raises(ActionRefused, match="Only a deleted file"):
        dispose_document(version.document, world.approver, reason="Musnahkan")

    document = delete_document(version.document, world.officer, reason="Salah unggah")
    assert document.deleted_at is not None and path.exists()
    client.force_login(world.officer)
    page = client.get(reverse("office:item", args=[item.pk])).content.decode()
    assert "salah.pdf" in page  # listed under deleted files, not as a soft copy
    assert reverse("office:download", args=[version.pk]) not in page

    with pytest.raises(NotAllowed):
        dispose_document(document, world.officer, reason="Musnahkan")
    with django_capture_on_commit_callbacks(execute=True):
        dispose_document(document, world.approver, reason="Berkas salah, dimusnahkan")
    document.refresh_from_db()
    assert document.disposed_by == world.approver
    assert not path.exists()
    version.refresh_from_db()
    assert version.sha256  # the record and its hash stay
    verbs = list(item.events.values_list("verb", flat=True))
    assert Verb.DELETE_FILE in verbs and Verb.DISPOSE_FILE in verbs
    disposal = item.events.get(verb=Verb.DISPOSE_FILE)
    assert disposal.actor == world.approver
    assert disposal.note == "Berkas salah, dimusnahkan"
    assert disposal.changes["sha256"] == [version.sha256]


@pytest.mark.django_db
def test_a_file_deleted_during_an_update_stays_online_until_the_update_is_published(
    world, client, publish
):
    item = new_item(world)
    version = add_document(item, world.officer, pdf_upload("renstra.pdf"))
    item = publish(item)
    url = reverse("portal:download", args=[item.pk, version.pk])
    assert client.get(url).status_code == 200
    item = reopen(item, world.officer, note="Ganti berkas")
    delete_document(version.document, world.officer, reason="Berkas lama keliru")
    # Nothing public changes before the update is approved and published.
    assert client.get(url).status_code == 200
    with pytest.raises(ActionRefused) as refused:
        publish(item)  # and it cannot pass its approval without a soft copy
    assert str(Check.SOFTCOPY.label) in refused.value.missing
    new = add_document(item, world.officer, pdf_upload("renstra-2025.pdf", "Renstra 2025"))
    complete_step(item, world.approver)
    item = complete_step(item, world.main_officer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:download", args=[item.pk, new.pk])).status_code == 200


@pytest.mark.django_db
def test_office_delete_and_dispose_buttons(world, client, django_capture_on_commit_callbacks):
    item = new_item(world)
    version = add_document(item, world.officer, pdf_upload("keliru.pdf"))
    client.force_login(world.officer)
    url = reverse("office:document-delete", args=[item.pk, version.document_id])
    client.post(url, {"reason": ""})
    assert Document.objects.get().deleted_at is None
    client.post(url, {"reason": "Salah unggah"})
    assert Document.objects.get().deleted_at is not None

    dispose = reverse("office:document-dispose", args=[item.pk, version.document_id])
    client.post(dispose, {"reason": "Musnahkan"})
    assert Document.objects.get().disposed_at is None  # officers cannot
    client.force_login(world.approver)
    page = client.get(reverse("office:item", args=[item.pk])).content.decode()
    assert dispose in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(dispose, {"reason": "Musnahkan"})
    assert Document.objects.get().disposed_at is not None
    assert stored_files() == []


@pytest.mark.django_db
def test_office_new_version_of_a_document(world, client):
    item = new_item(world)
    first = add_document(item, world.officer, pdf_upload("renja.pdf", "Renja"))
    client.force_login(world.officer)
    page = client.get(reverse("office:item", args=[item.pk])).content.decode()
    assert f'name="document" value="{first.document_id}"' in page
    client.post(
        reverse("office:item-upload", args=[item.pk]),
        {"file": pdf_upload("renja-2.pdf", "Renja revisi"), "document": first.document_id},
    )
    assert list(first.document.versions.values_list("original_name", flat=True)) == [
        "renja.pdf",
        "renja-2.pdf",
    ]
    other = add_document(new_item(world, title="Lain"), world.officer, pdf_upload("x.pdf", "X"))
    response = client.post(
        reverse("office:item-upload", args=[item.pk]),
        {"file": pdf_upload("y.pdf", "Y"), "document": other.document_id},
    )
    assert response.status_code == 404  # another item's document


@pytest.mark.django_db
def test_only_the_current_version_goes_public_when_the_item_is_published(world, client, publish):
    item = new_item(world)
    draft = add_document(item, world.officer, pdf_upload("renja-draf.pdf", "DRAF RAHASIA"))
    final = add_document(
        item, world.officer, pdf_upload("renja.pdf", "Renja final"), document=draft.document
    )
    publish(item)
    draft.refresh_from_db(), final.refresh_from_db()
    assert draft.published_at is None and final.published_at is not None
    assert client.get(reverse("portal:download", args=[item.pk, draft.pk])).status_code == 404
    assert client.get(reverse("portal:download", args=[item.pk, final.pk])).status_code == 200


@pytest.mark.django_db
def test_a_version_is_not_added_to_a_document_deleted_meanwhile(world):
    item = new_item(world)
    first = add_document(item, world.officer, pdf_upload("a.pdf", "A"))
    stale = Document.objects.get(pk=first.document_id)
    delete_document(first.document, world.officer, reason="Salah unggah")
    with pytest.raises(ActionRefused, match="was deleted"):
        add_document(item, world.officer, pdf_upload("b.pdf", "B"), document=stale)
    assert stale.versions.count() == 1
    assert stored_files() == [stored_path(first)]
