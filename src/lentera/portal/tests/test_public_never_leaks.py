"""The public portal shows only listed items and only published files."""

import pytest
from django.urls import reverse

from lentera.documents.services import add_document
from lentera.register.constants import Category, Status
from lentera.register.workflow import complete_step
from lentera.testing import new_item, pdf_upload, publish_item


@pytest.fixture
def items(world):
    published = new_item(world, title="Rencana Strategis Biro Kesra 2025-2029")
    published_version = add_document(published, world.officer, pdf_upload("renstra.pdf", "Renstra"))
    publish_item(world, published)

    draft = new_item(world, title="Draf Rencana Kerja Anggaran 2026")
    draft_version = add_document(draft, world.officer, pdf_upload("rka.pdf", "RKA 2026"))
    complete_step(draft, world.officer)

    exempt = new_item(world, title="Data Pribadi Penerima Bantuan Sosial", category=Category.EXEMPT)
    exempt_version = add_document(exempt, world.officer, pdf_upload("dtks.pdf", "DTKS"))
    publish_item(world, exempt)
    return {
        "published": (published, published_version),
        "draft": (draft, draft_version),
        "exempt": (exempt, exempt_version),
    }


def test_exempt_item_finishes_documented_with_no_file_online(items):
    exempt, version = items["exempt"]
    assert exempt.status == Status.DOCUMENTED
    version.refresh_from_db()
    assert version.published_at is None


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dip/",
        "/dip/?kategori=dikecualikan",
        "/dip/?badan=kalbar",
        "/dip/?unit=biro-kesra&kategori=berkala&tahun=2024",
        "/dip/biro-kesra/",
        "/dip/biro-kesra/?halaman=1",
    ],
)
def test_lists_show_only_published(client, items, url):
    page = client.get(url).content.decode()
    assert "Rencana Strategis Biro Kesra" in page
    assert "Draf Rencana Kerja Anggaran" not in page
    assert "Data Pribadi Penerima" not in page


@pytest.mark.parametrize("url", ["/dik/", "/dik/?badan=kalbar", "/dik/?unit=biro-kesra"])
def test_dik_lists_the_exempt_item_without_its_content_or_files(client, items, url):
    exempt, version = items["exempt"]
    page = client.get(url).content.decode()
    assert exempt.title in page
    assert exempt.summary not in page
    assert version.original_name not in page
    assert reverse("portal:item", args=[exempt.pk]) not in page
    assert "Rencana Strategis Biro Kesra" not in page
    assert "Draf Rencana Kerja Anggaran" not in page


def test_published_item_page_offers_its_file(client, items):
    item, version = items["published"]
    page = client.get(reverse("portal:item", args=[item.pk]))
    assert page.status_code == 200
    url = reverse("portal:download", args=[item.pk, version.pk])
    assert url in page.content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize("which", ["draft", "exempt"])
def test_unlisted_item_and_files_are_not_found_by_guessing(client, items, which):
    item, version = items[which]
    assert client.get(reverse("portal:item", args=[item.pk])).status_code == 404
    assert client.get(reverse("portal:download", args=[item.pk, version.pk])).status_code == 404
    # Pairing a hidden file with a published item's id does not unlock it either.
    published, _ = items["published"]
    assert (
        client.get(reverse("portal:download", args=[published.pk, version.pk])).status_code == 404
    )


def test_office_download_needs_login_and_membership(client, world, items):
    _, version = items["draft"]
    url = reverse("office:download", args=[version.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.other_officer)
    assert client.get(url).status_code == 404
    client.force_login(world.officer)
    assert client.get(url).status_code == 200


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
