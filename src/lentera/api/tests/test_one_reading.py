"""One read model behind every face: the public item page, the CKAN package and the
JSON API show an anonymous reader the same files, and a member the office's; an
update waiting in its SOP shows nowhere public."""

import pytest
from django.test import Client

from lentera.documents.services import add_document
from lentera.register.workflow import reopen
from lentera.testing import new_item, pdf_upload, publish_item

from .helpers import anonymous, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def updated(world):
    """A published item with a second version of its file waiting in the SOP."""
    item = new_item(world, title="Laporan Kinerja 2025")
    add_document(item, world.officer, pdf_upload("lkj-2025.pdf", "versi pertama"))
    publish_item(world, item)
    reopen(item, world.officer, "Perbaikan tabel")
    add_document(
        item,
        world.officer,
        pdf_upload("lkj-2025-rev.pdf", "versi kedua"),
        document=item.documents.get(),
    )
    return item


def version_ids(urls) -> set[int]:
    return {int(url.rstrip("/").split("/")[-1]) for url in urls}


def test_every_public_face_shows_the_same_published_files(world, updated):
    published = set(
        updated.documents.get()
        .versions.filter(published_at__isnull=False)
        .values_list("pk", flat=True)
    )
    assert len(published) == 1

    api = anonymous().get(f"/api/v1/items/{updated.pk}").json()
    api_files = version_ids(d["download_url"] for d in api["documents"])

    ckan = Client().get("/api/3/action/package_show", {"id": str(updated.pk)}).json()
    ckan_files = version_ids(r["url"] for r in ckan["result"]["resources"])

    page = Client().get(f"/informasi/{updated.pk}/").content.decode()
    page_files = {
        pk
        for pk in updated.documents.get().versions.values_list("pk", flat=True)
        if f"/informasi/{updated.pk}/berkas/{pk}/" in page
    }

    assert api_files == ckan_files == page_files == published
    assert api["current_step"] is None and api["office"] is None  # nothing of the office


def test_a_member_reads_the_office_variant_through_the_api(world, updated):
    every = set(updated.documents.get().versions.values_list("pk", flat=True))
    api = client_for(world.officer).get(f"/api/v1/items/{updated.pk}").json()
    assert version_ids(d["download_url"] for d in api["documents"]) == every
    assert api["office"]["in_update"] is True
    assert api["current_step"]["number"] == 1
    # An outsider with a token is a member of the public here.
    outsider = client_for(world.outsider).get(f"/api/v1/items/{updated.pk}").json()
    assert outsider["office"] is None and len(outsider["documents"]) == 1
