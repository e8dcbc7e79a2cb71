"""Downloads stream with Content-Disposition, ETag and byte ranges, to whoever may see them."""

import io
import logging
from urllib.parse import quote

import pytest
from django.urls import reverse
from PIL import Image

from lentera.audit.models import ActivityEvent
from lentera.documents.models import DocumentVersion
from lentera.documents.services import add_document, delete_document
from lentera.register.workflow import complete_step
from lentera.sop.constants import Verb
from lentera.testing import new_item, pdf_upload

from .conftest import NON_LATIN_NAME


def stored_bytes(version) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def download_url(item, version) -> str:
    return reverse("portal:download", args=[item.pk, version.pk])


def give_thumbnail(version) -> bytes:
    """Store a small PNG preview for `version`, as the extraction job does."""
    from django.core.files.base import ContentFile

    buffer = io.BytesIO()
    Image.new("RGB", (40, 56), "white").save(buffer, format="PNG")
    version.thumbnail.save(f"{version.pk}.png", ContentFile(buffer.getvalue()), save=False)
    type(version).objects.filter(pk=version.pk).update(thumbnail=version.thumbnail.name)
    return buffer.getvalue()


@pytest.fixture
def draft(world):
    """An item still in its SOP, with a file only the office may download."""
    item = new_item(world, title="Draf Rencana Kerja Biro Kesra 2026")
    version = add_document(item, world.officer, pdf_upload("renja-2026.pdf", "Renja 2026"))
    complete_step(item, world.officer)
    return item, version


def test_public_download_names_the_file_and_carries_its_hash(client, published):
    item, version = published
    response = client.get(download_url(item, version))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(NON_LATIN_NAME)}"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{version.sha256}"'
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(version.size)
    assert "public" in response["Cache-Control"]
    assert body(response) == stored_bytes(version)


def test_known_etag_gets_not_modified(client, published):
    item, version = published
    response = client.get(download_url(item, version), HTTP_IF_NONE_MATCH=f'"{version.sha256}"')
    assert response.status_code == 304
    assert response["ETag"] == f'"{version.sha256}"'
    assert response.content == b""
    other = client.get(download_url(item, version), HTTP_IF_NONE_MATCH='"0000"')
    assert other.status_code == 200


@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, None),
        ("bytes=-25", -25, None),
        ("bytes=500-99999999", 500, None),
    ],
)
def test_single_range_gets_exactly_those_bytes(client, published, header, first, last):
    item, version = published
    data = stored_bytes(version)
    first = first % len(data)
    last = len(data) - 1 if last is None else last
    response = client.get(download_url(item, version), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(data)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == data[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=-0"])
def test_range_past_the_end_is_not_satisfiable(client, published, header):
    item, version = published
    response = client.get(download_url(item, version), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{version.size}"


@pytest.mark.parametrize(
    "header", ["bytes=0-9,20-29", "bytes=9-0", "pages=1-2", "bytes=x-", "bytes=" + "9" * 5000 + "-"]
)
def test_several_or_malformed_ranges_get_the_whole_file(client, published, header):
    item, version = published
    response = client.get(download_url(item, version), HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == stored_bytes(version)


def test_if_range_sends_the_range_only_for_the_same_file(client, published):
    item, version = published
    url = download_url(item, version)
    same = client.get(url, HTTP_RANGE="bytes=0-4", HTTP_IF_RANGE=f'"{version.sha256}"')
    assert same.status_code == 206
    assert body(same) == b"%PDF-"
    changed = client.get(url, HTTP_RANGE="bytes=0-4", HTTP_IF_RANGE='"an-older-version"')
    assert changed.status_code == 200
    assert body(changed) == stored_bytes(version)


def test_item_page_shows_the_whole_sha256(client, published):
    item, version = published
    page = client.get(reverse("portal:item", args=[item.pk])).content.decode()
    assert version.sha256 in page


def test_a_version_taken_offline_is_not_downloadable_publicly(client, published):
    item, version = published
    DocumentVersion.objects.filter(pk=version.pk).update(withdrawn_at=version.uploaded_at)
    assert client.get(download_url(item, version)).status_code == 404
    page = client.get(reverse("portal:item", args=[item.pk])).content.decode()
    assert download_url(item, version) not in page


def test_missing_bytes_give_not_found_and_an_error_in_the_log(client, published, caplog):
    item, version = published
    version.file.storage.delete(version.file.name)
    with caplog.at_level(logging.ERROR, logger="lentera.documents.serving"):
        assert client.get(download_url(item, version)).status_code == 404
    assert version.file.name in caplog.text


def test_private_download_is_authorised_per_request_and_recorded(client, world, draft):
    item, version = draft
    url = reverse("office:download", args=[version.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.other_officer)
    assert client.get(url).status_code == 404
    assert not ActivityEvent.objects.filter(item=item, verb=Verb.DOWNLOAD).exists()

    client.force_login(world.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="renja-2026.pdf"'
    assert body(response) == stored_bytes(version)
    event = ActivityEvent.objects.get(item=item, verb=Verb.DOWNLOAD)
    assert event.actor == world.officer
    assert event.changes == {"file": "renja-2026.pdf", "version": 1}

    ranged = client.get(url, HTTP_RANGE="bytes=0-3")
    assert ranged.status_code == 206 and body(ranged) == b"%PDF"
    assert client.get(url, HTTP_RANGE="bytes=4-").status_code == 206
    assert client.head(url).status_code == 200
    # A viewer's opening range counts as a download; its later ranges and HEADs do not.
    assert ActivityEvent.objects.filter(item=item, verb=Verb.DOWNLOAD).count() == 2


def test_deleted_document_is_not_downloadable_in_the_office(client, world, draft):
    item, version = draft
    delete_document(version.document, world.officer, reason="Salah unggah")
    client.force_login(world.officer)
    assert client.get(reverse("office:download", args=[version.pk])).status_code == 404


def test_office_cannot_fetch_a_draft_through_the_portal(client, world, draft):
    item, version = draft
    client.force_login(world.officer)
    assert client.get(download_url(item, version)).status_code == 404


def test_public_thumbnail_only_for_public_versions(client, published, draft):
    item, version = published
    url = reverse("portal:thumbnail", args=[item.pk, version.pk])
    assert client.get(url).status_code == 404  # no preview made yet
    png = give_thumbnail(version)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == png

    draft_item, draft_version = draft
    give_thumbnail(draft_version)
    for pk in (draft_item.pk, item.pk):
        hidden = reverse("portal:thumbnail", args=[pk, draft_version.pk])
        assert client.get(hidden).status_code == 404


def test_office_thumbnail_for_members_only(client, world, draft):
    _, version = draft
    png = give_thumbnail(version)
    url = reverse("office:thumbnail", args=[version.pk])
    assert client.get(url).status_code == 302
    client.force_login(world.other_officer)
    assert client.get(url).status_code == 404
    client.force_login(world.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == png
