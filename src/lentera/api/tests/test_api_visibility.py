"""Who sees what: unpublished and exempt items never leak through the API."""

import hashlib

from lentera.audit.models import ActivityEvent
from lentera.documents.models import DocumentVersion
from lentera.register.constants import Category, Status
from lentera.register.services import create_item
from lentera.register.workflow import complete_step
from lentera.testing import item_fields

from .helpers import ITEMS, anonymous, client_for, finished_item, listed_ids, walk_to_approval

# --- Who sees what ----------------------------------------------------------


def test_unpublished_items_never_reach_the_public_or_other_units(world):
    item = walk_to_approval(world)
    version = DocumentVersion.objects.get()
    for client in (anonymous(), client_for(world.other_officer), client_for(world.outsider)):
        assert item.pk not in listed_ids(client)
        assert listed_ids(client, "?status=in_progress") == []
        assert client.get(f"{ITEMS}/{item.pk}").status_code == 404
        assert client.get(f"{ITEMS}/{item.pk + 1000}").status_code == 404
        assert version.sha256 not in client.get(ITEMS).content.decode()
        assert version.sha256 not in client.get(f"{ITEMS}?status=in_progress").content.decode()


def test_members_see_their_items_in_progress_with_office_urls(world):
    item = walk_to_approval(world)
    version = DocumentVersion.objects.get()
    for user in (world.officer, world.approver, world.main_officer):
        client = client_for(user)
        assert listed_ids(client, "?status=in_progress") == [item.pk]
        body = client.get(f"{ITEMS}/{item.pk}").json()
        assert [d["id"] for d in body["documents"]] == [version.pk]
        url = body["documents"][0]["download_url"]
        assert url == f"http://testserver/api/v1/files/{version.pk}"


def test_a_token_downloads_the_office_file_the_item_json_names(world):
    """The download_url of an unpublished file works with the same Bearer token (it
    sent token clients to the login page) and is logged; nobody else gets the file."""
    item = walk_to_approval(world)
    version = DocumentVersion.objects.get()
    url = client_for(world.officer).get(f"{ITEMS}/{item.pk}").json()["documents"][0]["download_url"]
    response = client_for(world.approver).get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == version.sha256
    assert response["Cache-Control"].startswith("private")
    downloads = ActivityEvent.objects.filter(item=item, verb="download")
    assert downloads.count() == 1 and downloads.get().actor == world.approver
    assert client_for(world.approver).head(url).status_code == 200
    assert downloads.count() == 1  # a HEAD downloads nothing
    for client in (client_for(world.other_officer), client_for(world.outsider)):
        assert client.get(url).status_code == 404
    assert anonymous().get(url).status_code == 401


def test_published_item_shows_its_public_download_url(world):
    item = finished_item(world)
    assert item.status == Status.PUBLISHED
    version = DocumentVersion.objects.get()
    client = anonymous()
    body = client.get(f"{ITEMS}/{item.pk}").json()
    assert body["status"] == Status.PUBLISHED
    assert body["legal_basis"] == "Peraturan Presiden Nomor 29 Tahun 2014"
    assert body["retention_period"] == "5 tahun"
    assert [d["id"] for d in body["documents"]] == [version.pk]
    document = body["documents"][0]
    assert document["download_url"] == (
        f"http://testserver/informasi/{item.pk}/berkas/{version.pk}/"
    )
    assert document["sha256"] == version.sha256
    download = client.get(document["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_exempt_items_stay_out_of_the_public_api_even_when_finished(world):
    item = finished_item(world, category=Category.EXEMPT)
    assert item.status == Status.DOCUMENTED
    client = anonymous()
    assert item.pk not in listed_ids(client)
    assert listed_ids(client, "?category=dikecualikan") == []
    assert client.get(f"{ITEMS}/{item.pk}").status_code == 404
    # Members still see it, with office URLs only.
    version = DocumentVersion.objects.get()
    assert version.published_at is None
    body = client_for(world.officer).get(f"{ITEMS}/{item.pk}").json()
    assert [d["download_url"] for d in body["documents"]] == [
        f"http://testserver/api/v1/files/{version.pk}"
    ]


def test_list_rows_carry_no_files_or_long_text(world):
    finished_item(world)
    row = anonymous().get(ITEMS).json()["items"][0]
    assert "documents" not in row
    assert "legal_basis" not in row
    assert row["summary"].startswith("Capaian kinerja")


def test_list_filters_by_unit_slug_status_and_category(world):
    mine = finished_item(world)
    other = finished_item(world, title="Rencana Strategis", category=Category.ON_DEMAND)
    elsewhere = create_item(world.other_officer, **item_fields(world.other_unit))
    complete_step(elsewhere, world.other_officer)
    complete_step(elsewhere, world.other_officer)
    client = anonymous()
    assert sorted(listed_ids(client)) == sorted([mine.pk, other.pk])
    assert sorted(listed_ids(client, f"?unit={world.unit.slug}")) == sorted([mine.pk, other.pk])
    assert listed_ids(client, f"?unit={world.other_unit.slug}") == []
    assert listed_ids(client, "?category=setiap_saat") == [other.pk]
    assert sorted(listed_ids(client, "?status=published")) == sorted([mine.pk, other.pk])
    assert client.get(f"{ITEMS}?status=bogus").status_code == 422
    # The PPID Utama sees the whole body, and the filters narrow that too.
    main = client_for(world.main_officer)
    assert listed_ids(main, f"?unit={world.other_unit.slug}") == [elsewhere.pk]
    assert listed_ids(main, "?status=in_progress") == [elsewhere.pk]


def test_list_is_paginated(world):
    first = finished_item(world)
    second = finished_item(world, title="Rencana Strategis")
    client = anonymous()
    page = client.get(f"{ITEMS}?limit=1&offset=0").json()
    assert page["count"] == 2
    assert len(page["items"]) == 1
    rest = listed_ids(client, "?limit=1&offset=1")
    assert sorted([page["items"][0]["id"], *rest]) == sorted([first.pk, second.pk])


def test_other_units_officer_reads_a_published_item_as_the_public_does(world):
    item = finished_item(world)
    version = DocumentVersion.objects.get()
    body = client_for(world.other_officer).get(f"{ITEMS}/{item.pk}").json()
    assert [d["download_url"] for d in body["documents"]] == [
        f"http://testserver/informasi/{item.pk}/berkas/{version.pk}/"
    ]


def test_invalid_parameters_are_explained_in_the_request_language(world):
    """Pydantic speaks English only; every message reaches the caller translated."""
    english = anonymous().get(f"{ITEMS}?offset=-1")
    assert english.status_code == 422
    assert english.json()["errors"]["offset"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    indonesian = anonymous().get(f"{ITEMS}?offset=-1", HTTP_ACCEPT_LANGUAGE="id").json()
    (message,) = indonesian["errors"]["offset"]
    assert "0" in message and message != "Ensure this value is greater than or equal to 0."
    assert "Input should" not in str(indonesian)
    wrong_form = client_for(world.officer).post(
        ITEMS, data="[1, 2]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert wrong_form.status_code == 422
    assert "Input should" not in wrong_form.content.decode()
