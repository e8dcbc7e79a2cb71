"""No unpublished or exempt text reaches the index, a result or a snippet."""

import pytest
from django.urls import reverse

from lentera.documents.extraction import extract_version
from lentera.documents.services import add_document, delete_document
from lentera.register.constants import Category
from lentera.register.workflow import complete_step, reopen, withdraw
from lentera.search import SearchQuery, search
from lentera.search.models import SearchEntry
from lentera.testing import new_item, publish_item

from .conftest import text_file

pytestmark = pytest.mark.django_db

SECRETS = ("zamrudrahasia", "kalimayakunci", "nilamtersembunyi", "safirterlarang")


def assert_nowhere(client, word):
    assert search(SearchQuery(text=word)).total == 0
    assert not SearchEntry.objects.filter(file_text__icontains=word).exists()
    assert not SearchEntry.objects.filter(summary__icontains=word).exists()
    assert not SearchEntry.objects.filter(title__icontains=word).exists()
    page = client.get(reverse("portal:search"), {"q": word}).content.decode()
    assert 'class="hit"' not in page and "<mark>" not in page  # the query is echoed, no more


def test_drafts_exempt_items_and_their_files_are_never_indexed(world, client, committed):
    with committed():
        draft = new_item(world, title=f"Draf {SECRETS[0]}", summary=f"Isi {SECRETS[0]}")
        version = add_document(draft, world.officer, text_file("draf.txt", SECRETS[1]))
        extract_version(version.pk)
        complete_step(draft, world.officer)

        exempt = new_item(
            world,
            title=f"Data {SECRETS[2]}",
            summary=f"Pribadi {SECRETS[2]}",
            category=Category.EXEMPT,
        )
        version = add_document(exempt, world.officer, text_file("dtks.txt", SECRETS[3]))
        extract_version(version.pk)
        publish_item(world, exempt)
    assert exempt.status == "documented"  # listed in the DIK, never in search
    for word in SECRETS:
        assert_nowhere(client, word)


def test_a_new_version_waiting_in_its_sop_stays_out_until_published(
    world, client, committed, listed
):
    item = listed(title="Laporan Publik", file_text="Versi pertama yang sudah terbit.")
    document = item.documents.get()
    with committed():
        reopen(item, world.officer, "Perbaikan")
        version = add_document(
            item, world.officer, text_file("v2.txt", f"Versi kedua {SECRETS[0]}"), document=document
        )
        extract_version(version.pk)
    assert_nowhere(client, SECRETS[0])
    assert search(SearchQuery(text="pertama")).total == 1  # the public version still is
    with committed():
        publish_item(world, item)
    assert search(SearchQuery(text=SECRETS[0])).total == 1


def test_withdrawing_an_item_takes_it_out_after_the_commit(world, client, committed, listed):
    item = listed(title=f"Pengumuman {SECRETS[1]}")
    assert search(SearchQuery(text=SECRETS[1])).total == 1
    with committed():
        withdraw(item, world.approver, "Salah unggah")
    assert_nowhere(client, SECRETS[1])


def test_a_document_deleted_during_an_update_leaves_the_index_with_the_withdrawal(
    world, client, committed, listed
):
    item = listed(title="Laporan Kegiatan", file_text=f"Lampiran {SECRETS[3]}")
    assert search(SearchQuery(text=SECRETS[3])).total == 1
    with committed():
        reopen(item, world.officer, "Hapus lampiran yang salah")
        delete_document(item.documents.get(), world.officer, reason="Salah berkas")
    # Nothing public changes before the update is published: the file is still online.
    assert search(SearchQuery(text=SECRETS[3])).total == 1
    with committed():
        withdraw(item, world.approver, "Lampiran memuat data yang salah.")
    assert_nowhere(client, SECRETS[3])


def test_an_update_waiting_in_its_sop_is_not_searchable(world, client, committed, listed):
    from lentera.register.services import update_item

    item = listed(title="Rencana Kerja 2025", summary="Rencana awal.")
    with committed():
        reopen(item, world.officer, "Perbarui ringkasan")
        update_item(item, world.officer, summary=f"Rencana baru {SECRETS[2]}")
    assert_nowhere(client, SECRETS[2])
    assert search(SearchQuery(text="awal")).total == 1


def test_an_entry_left_behind_by_a_missed_announcement_shows_nothing(
    world, client, committed, listed
):
    """A bulk write that records nothing (as a careless migration or script might)
    leaves the item's entry in the index: the query still checks publicity itself."""
    from lentera.register.models import InformationItem

    item = listed(title=f"Laporan {SECRETS[0]}", file_text=f"Isi {SECRETS[1]}")
    assert search(SearchQuery(text=SECRETS[0])).total == 1
    with committed():
        InformationItem.objects.filter(pk=item.pk).update(category=Category.EXEMPT)
    assert SearchEntry.objects.filter(item=item).exists()  # nobody told the index
    for word in SECRETS[:2]:
        assert search(SearchQuery(text=word)).hits == []
        page = client.get(reverse("portal:search"), {"q": word}).content.decode()
        assert 'class="hit"' not in page and "<mark>" not in page
    response = client.get("/api/3/action/package_search", {"q": SECRETS[0]})
    assert response.status_code == 200
    assert SECRETS[0] not in response.content.decode()
