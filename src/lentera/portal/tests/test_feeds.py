"""The Atom feed lists newly listed public items, newest first, and nothing else."""

import datetime
from dataclasses import dataclass

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.services import create_item
from lentera.register.workflow import complete_step, reopen, withdraw
from lentera.testing import build_world, item_fields, make_user, new_item, pdf_upload, publish_item

WIB = datetime.timezone(datetime.timedelta(hours=7))
EN = {"accept-language": "en"}


@dataclass
class Register:
    """Three public items in two bodies, and three that must never show."""

    world: object
    other_world: object
    renstra: InformationItem  # world.unit, berkala, published with a PDF
    renstra_version: object  # its published file
    renstra_draft_version: object  # a newer file of an update still in the SOP
    wabah: InformationItem  # world.other_unit, serta merta, published
    sekolah: InformationItem  # other_world.unit (another body), setiap saat, published
    draft: InformationItem  # still in its SOP
    withdrawn: InformationItem  # was published, then withdrawn
    exempt: InformationItem  # dikecualikan: documented, in the DIK only

    @property
    def hidden(self) -> list[InformationItem]:
        return [self.draft, self.withdrawn, self.exempt]


def _listed(item, at: datetime.datetime) -> InformationItem:
    """Pin the time the DIP entry was listed, so order and dates are known."""
    InformationItem.objects.filter(pk=item.pk).update(listed_at=at, first_listed_at=at)
    item.refresh_from_db()
    return item


def build_register(world) -> Register:
    """The register every feed, sitemap and CKAN test reads."""
    renstra = new_item(
        world,
        title="Rencana Strategis Biro Kesra 2025-2029",
        summary="Tujuan, sasaran dan program lima tahun Biro Kesejahteraan Rakyat.",
    )
    version = add_document(renstra, world.officer, pdf_upload("renstra.pdf", "Renstra 2025"))
    renstra = _listed(publish_item(world, renstra), datetime.datetime(2025, 3, 1, 9, tzinfo=WIB))
    # An update under way: its new file stays offline until the update is published.
    reopen(renstra, world.officer, "Revisi target kinerja.")
    newer = add_document(
        renstra,
        world.officer,
        pdf_upload("renstra-v2.pdf", "Renstra revisi"),
        document=version.document,
    )

    # Dinas Kesehatan's own officer and head walk its item through seed 003.
    dinkes_head = make_user("kepala.dinkes", world.other_unit, Role.APPROVER)
    fields = item_fields(
        world.other_unit,
        title="Peringatan Dini Wabah Demam Berdarah",
        summary="Sebaran kasus demam berdarah dan langkah pencegahan di tiap kabupaten.",
        category=Category.IMMEDIATE,
        responsible_official="Kepala Dinas Kesehatan",
        year=2025,
    )
    wabah = create_item(world.other_officer, **fields)
    add_document(wabah, world.other_officer, pdf_upload("dbd.pdf", "Peringatan DBD"))
    for actor in (world.other_officer, world.other_officer, dinkes_head, world.main_officer):
        complete_step(wabah, actor)
    wabah = _listed(wabah, datetime.datetime(2025, 3, 2, 9, tzinfo=WIB))

    other = build_world("b-")
    sekolah = new_item(
        other,
        title="Daftar Sekolah Penerima Bantuan Operasional",
        summary="Nama sekolah dan besar bantuan operasional yang diterima tahun 2024.",
        category=Category.ON_DEMAND,
    )
    add_document(sekolah, other.officer, pdf_upload("bos.pdf", "BOS 2024"))
    sekolah = _listed(publish_item(other, sekolah), datetime.datetime(2025, 3, 3, 9, tzinfo=WIB))

    draft = new_item(
        world,
        title="Draf Rencana Kerja Anggaran 2026",
        summary="Rancangan anggaran yang belum disetujui kepala biro.",
    )
    add_document(draft, world.officer, pdf_upload("rka.pdf", "RKA 2026"))
    complete_step(draft, world.officer)

    withdrawn = new_item(
        world,
        title="Laporan Keuangan Yang Ditarik",
        summary="Angka sementara yang diganti laporan hasil audit.",
    )
    add_document(withdrawn, world.officer, pdf_upload("lk.pdf", "LK sementara"))
    publish_item(world, withdrawn)
    withdrawn = withdraw(withdrawn, world.approver, "Diganti laporan yang telah diaudit.")

    exempt = new_item(
        world,
        title="Data Pribadi Penerima Bantuan Sosial",
        summary="Nomor induk kependudukan dan alamat penerima bantuan.",
        category=Category.EXEMPT,
    )
    add_document(exempt, world.officer, pdf_upload("dtks.pdf", "DTKS"))
    exempt = publish_item(world, exempt)
    return Register(world, other, renstra, version, newer, wabah, sekolah, draft, withdrawn, exempt)


@pytest.fixture
def register(world) -> Register:
    return build_register(world)


def read_feed(client, query: str = ""):
    response = client.get(reverse("portal:feed") + query, headers=EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response, feedparser.parse(response.content)


def test_feed_is_atom_with_the_newest_listed_first(client, register):
    _, feed = read_feed(client)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [
        register.sekolah.title,
        register.wabah.title,
        register.renstra.title,
    ]
    assert feed.feed.title == "Newly listed public information"
    assert feed.feed.link == "http://testserver" + reverse("portal:dip")


def test_entry_carries_link_id_date_summary_unit_and_category(client, register):
    _, feed = read_feed(client)
    entry = next(e for e in feed.entries if e.title == register.renstra.title)
    url = "http://testserver" + reverse("portal:item", args=[register.renstra.pk])
    assert entry.link == url
    assert entry.id == url
    assert entry.updated_parsed[:6] == (2025, 3, 1, 2, 0, 0)  # 09:00 WIB in UTC
    assert "Tujuan, sasaran dan program lima tahun" in entry.summary
    assert entry.author == register.world.unit.name
    assert entry.author_detail.href == "http://testserver" + reverse(
        "portal:unit-dip", args=[register.world.unit.slug]
    )
    assert [tag.term for tag in entry.tags] == ["Periodic (berkala)"]


def test_entry_links_only_the_published_file(client, register):
    _, feed = read_feed(client)
    entry = next(e for e in feed.entries if e.title == register.renstra.title)
    published = reverse("portal:download", args=[register.renstra.pk, register.renstra_version.pk])
    newer = reverse(
        "portal:download", args=[register.renstra.pk, register.renstra_draft_version.pk]
    )
    hrefs = [link.href for link in entry.links if link.rel == "enclosure"]
    assert hrefs == ["http://testserver" + published]
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    assert enclosure.type == "application/pdf"
    assert int(enclosure.length) == register.renstra_version.size
    assert client.get(published).status_code == 200
    assert client.get(newer).status_code == 404


def test_drafts_withdrawn_and_exempt_items_never_appear(client, register):
    response, feed = read_feed(client)
    for item in register.hidden:
        for text in (item.title, item.summary):
            assert text.encode() not in response.content
        assert reverse("portal:item", args=[item.pk]).encode() not in response.content
    assert len(feed.entries) == 3
    # Asking for the exempt category shows the whole public feed, never the DIK.
    response, feed = read_feed(client, "?kategori=dikecualikan")
    assert register.exempt.title.encode() not in response.content
    assert len(feed.entries) == 3


def test_feed_per_body(client, register):
    _, feed = read_feed(client, f"?badan={register.other_world.body.slug}")
    assert [entry.title for entry in feed.entries] == [register.sekolah.title]
    assert register.other_world.body.name in feed.feed.title
    assert feed.feed.link.endswith(f"?badan={register.other_world.body.slug}")


def test_feed_per_unit(client, register):
    _, feed = read_feed(client, f"?unit={register.world.other_unit.slug}")
    assert [entry.title for entry in feed.entries] == [register.wabah.title]
    assert feed.feed.title == (
        "Newly listed public information · Dinas Kesehatan, Pemerintah Provinsi Kalimantan Barat"
    )


def test_feed_per_category(client, register):
    _, feed = read_feed(client, "?kategori=setiap_saat")
    assert [entry.title for entry in feed.entries] == [register.sekolah.title]
    assert feed.feed.title.endswith("Available at any time (setiap saat)")


def test_filters_combine(client, register):
    _, feed = read_feed(client, f"?badan={register.world.body.slug}&kategori=serta_merta")
    assert [entry.title for entry in feed.entries] == [register.wabah.title]


@pytest.mark.parametrize("query", ["?badan=tidak-ada", "?unit=tidak-ada"])
def test_unknown_body_or_unit_is_not_found(client, register, query):
    assert client.get(reverse("portal:feed") + query).status_code == 404


def test_feed_holds_the_newest_entries_only(client, register, monkeypatch):
    from lentera.portal import feeds

    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    _, feed = read_feed(client)
    assert [entry.title for entry in feed.entries] == [
        register.sekolah.title,
        register.wabah.title,
    ]


def test_feed_default_size_is_fifty():
    from lentera.portal import feeds

    assert feeds.FEED_SIZE == 50


def test_summary_is_text_never_markup(client, world):
    item = new_item(
        world,
        title="Laporan <b>Tebal</b> & Tipis",
        summary='Ringkasan <script>alert("x")</script> selesai.',
    )
    add_document(item, world.officer, pdf_upload("x.pdf", "X"))
    publish_item(world, item)
    response, feed = read_feed(client)
    assert b"<script" not in response.content
    assert feed.entries[0].title == "Laporan <b>Tebal</b> & Tipis"
    assert "alert" in feed.entries[0].summary
    assert "<script" not in feed.entries[0].summary


def test_empty_register_gives_a_valid_empty_feed(client, db):
    _, feed = read_feed(client)
    assert feed.bozo == 0
    assert feed.entries == []


def test_feed_updated_is_the_newest_listing(client, register):
    response, feed = read_feed(client)
    assert feed.feed.updated_parsed[:6] == (2025, 3, 3, 2, 0, 0)
    newest = timezone.localtime(register.sekolah.listed_at)
    assert response["Last-Modified"] == newest.astimezone(datetime.UTC).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
