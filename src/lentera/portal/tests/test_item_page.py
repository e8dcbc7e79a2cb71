"""The public item page /informasi/<id>/: every DIP column, files, history, SOP, metadata."""

import datetime
import json

import lxml.html
import pytest
import time_machine
from django.urls import reverse

from lentera.documents.extraction import extract_version
from lentera.documents.services import add_document
from lentera.register.constants import Category
from lentera.register.workflow import complete_step, reopen, return_to_step, withdraw
from lentera.testing import new_item, pdf_upload, publish_item

EN = {"accept-language": "en"}
UTC = datetime.UTC
FIRST = datetime.datetime(2025, 1, 10, 3, 0, tzinfo=UTC)
SECOND = datetime.datetime(2025, 3, 15, 3, 0, tzinfo=UTC)
RETURN_NOTE = "Lampiran halaman 3 belum ditandatangani."


@pytest.fixture
def item(world):
    """Published on FIRST, returned once on the way; updated with a new file version on SECOND."""
    with time_machine.travel(FIRST, tick=True):
        item = new_item(world, title="Laporan Keuangan Biro Kesra 2024")
        version = add_document(item, world.officer, pdf_upload("lk-2024.pdf", "Laporan Keuangan"))
        complete_step(item, world.officer)
        return_to_step(item, world.officer, 1, note=RETURN_NOTE)
        publish_item(world, item)
    with time_machine.travel(SECOND, tick=True):
        reopen(item, world.officer, "Revisi angka realisasi.")
        add_document(
            item,
            world.officer,
            pdf_upload("lk-2024-revisi.pdf", "Laporan Keuangan revisi"),
            document=version.document,
        )
        publish_item(world, item)
    return item


def get(client, item):
    response = client.get(reverse("portal:item", args=[item.pk]), headers=EN)
    assert response.status_code == 200
    return response.content.decode()


def definitions(html) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    return {
        dt.text_content(): dt.getnext().text_content().strip()
        for dt in doc.xpath("//dl[@class='columns']/dt")
    }


def json_ld(html) -> dict:
    doc = lxml.html.fromstring(html)
    (script,) = doc.xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


def test_item_page_shows_every_column_of_the_dip_entry(client, item):
    fields = definitions(get(client, item))
    assert fields["Summary of content"].startswith("Capaian kinerja Biro Kesejahteraan Rakyat")
    assert fields["Official or unit holding the information"] == (
        "Biro Kesejahteraan Rakyat, Pemerintah Provinsi Kalimantan Barat"
    )
    assert fields["Responsible for making or issuing"] == "Kepala Biro Kesejahteraan Rakyat"
    assert fields["Time and place made"] == "14 February 2025, Pontianak"
    assert fields["Forms available"].startswith("Soft copy, hard copy.")
    assert "1 file online" in fields["Forms available"]
    assert fields["Retention period"] == "5 tahun"
    assert fields["Category"] == "Periodic (berkala)"
    assert fields["Year"] == "2024"
    assert fields["Legal basis"] == "Peraturan Presiden Nomor 29 Tahun 2014"
    assert fields["Last updated"] == "15 March 2025"
    assert fields["Update interval"] == "Updated every 6 months"


def test_files_show_type_size_full_sha256_and_preview(client, item):
    versions = item.documents.get().versions.order_by("number")
    old, current = list(versions)
    extract_version(current.pk)  # the background job that renders the preview
    current.refresh_from_db()
    assert current.thumbnail
    html = get(client, item)
    doc = lxml.html.fromstring(html)
    (row,) = doc.xpath("//table[contains(@class,'files ')]/tbody/tr")
    text = row.text_content()
    # Citizens read the type as "PDF", not as a media type.
    assert "lk-2024-revisi.pdf" in text and "PDF" in text and "application/pdf" not in text
    assert f"{current.size} bytes" in text
    assert row.xpath(".//code[@class='sha256']")[0].text == current.sha256
    assert len(current.sha256) == 64
    download = reverse("portal:download", args=[item.pk, current.pk])
    assert row.xpath(".//a/@href") == [download]
    preview = row.xpath(".//img/@src")[0]
    assert preview == reverse("portal:thumbnail", args=[item.pk, current.pk])
    response = client.get(preview)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # The old version is history, not a current file.
    assert reverse("portal:download", args=[item.pk, old.pk]) not in html


def test_publication_history_lists_each_publication_and_version_date(client, item):
    doc = lxml.html.fromstring(get(client, item))
    published = doc.xpath("//ul[@class='history']/li/time/@datetime")
    assert [value[:10] for value in published] == ["2025-01-10", "2025-03-15"]
    rows = [
        [td.text_content().strip() for td in tr.xpath("td")]
        for tr in doc.xpath("//table[contains(@class,'file-history ')]/tbody/tr")
    ]
    assert [row[1] for row in rows] == ["1", "2"]
    assert rows[0][2].startswith("10 January 2025")
    assert rows[1][2].startswith("15 March 2025")


def test_sop_steps_show_number_activity_and_date_but_no_names_or_notes(client, item, world):
    html = get(client, item)
    doc = lxml.html.fromstring(html)
    sop_link = doc.xpath("//section[@id='sop']//a")[0]
    assert sop_link.get("href") == reverse("portal:sop", args=[item.sop_id])
    assert sop_link.text_content() == item.sop.name
    rows = [
        [td.text_content().strip() for td in tr.xpath("td")]
        for tr in doc.xpath("//table[contains(@class,'sop-steps ')]/tbody/tr")
    ]
    # First pass: 1, then 1 again after the return, 2 to 5; second pass: 1 to 5.
    assert [row[0] for row in rows] == ["1", "1", "2", "3", "4", "5", "1", "2", "3", "4", "5"]
    step_one = item.sop.steps.get(number=1)
    assert rows[0][1] == step_one.activity and rows[0][2] == step_one.performer_label
    assert rows[0][3].startswith("10 January 2025") and rows[-1][3].startswith("15 March 2025")
    for private in (
        RETURN_NOTE,
        "Revisi angka realisasi",
        world.officer.username,
        world.officer.get_full_name(),
        world.approver.get_full_name(),
        world.main_officer.get_full_name(),
    ):
        assert private not in html


def test_json_ld_describes_the_item_with_absolute_download_urls(client, item):
    data = json_ld(get(client, item))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Dataset"
    assert data["name"] == "Laporan Keuangan Biro Kesra 2024"
    assert data["description"].startswith("Capaian kinerja")
    assert data["publisher"] == {
        "@type": "GovernmentOrganization",
        "@id": "http://testserver/dip/?badan=kalbar",  # the body's IRI in the DCAT catalogue
        "name": "Pemerintah Provinsi Kalimantan Barat",
    }
    assert data["identifier"] == str(item.uuid)
    assert data["creator"]["@id"] == f"http://testserver/dip/{item.holding_unit.slug}/"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["isAccessibleForFree"] is True
    assert data["datePublished"].startswith("2025-01-10")
    assert data["dateModified"].startswith("2025-03-15")
    current = item.documents.get().versions.order_by("-number").first()
    (file,) = data["distribution"]
    assert file["contentUrl"] == "http://testserver" + reverse(
        "portal:download", args=[item.pk, current.pk]
    )
    assert file["encodingFormat"] == "application/pdf"
    assert file["contentSize"] == f"{current.size} B"
    assert file["sha256"] == current.sha256


def test_a_title_cannot_break_out_of_the_json_ld_script(client, world):
    title = 'Pengumuman </script><script>alert(1)</script> & "kutip"'
    item = publish_item(world, new_item(world, title=title, form_softcopy=False))
    html = get(client, item)
    assert "<script>alert(1)" not in html
    head = html[html.index('<script type="application/ld+json">') :]
    assert head.index("</script>") > head.index("\\u003c/script\\u003e")
    assert json_ld(html)["name"] == title


def test_opengraph_tags_and_meta_description(client, item):
    doc = lxml.html.fromstring(get(client, item))
    og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert og["og:title"] == "Laporan Keuangan Biro Kesra 2024"
    assert og["og:description"].startswith("Capaian kinerja")
    assert og["og:type"] == "article"
    assert og["og:url"] == "http://testserver" + reverse("portal:item", args=[item.pk])
    assert "Pemerintah Provinsi Kalimantan Barat" in og["og:site_name"]
    assert og["og:locale"] == "en_US"
    (description,) = doc.xpath("//meta[@name='description']/@content")
    assert description.startswith("Capaian kinerja")


def test_opengraph_locale_follows_the_language(client, item):
    html = client.get(
        reverse("portal:item", args=[item.pk]), headers={"accept-language": "id"}
    ).content.decode()
    assert '<meta property="og:locale" content="id_ID">' in html


def test_item_without_files_online_is_available_on_request(client, world):
    item = publish_item(world, new_item(world, title="Daftar Hadir Rapat", form_softcopy=False))
    fields = definitions(get(client, item))
    assert "Available on request from the PPID" in fields["Forms available"]
    assert json_ld(get(client, item))["distribution"] == []


def test_unpublished_withdrawn_and_exempt_items_are_not_found(client, world):
    draft = new_item(world, title="Draf")
    withdrawn = publish_item(world, new_item(world, title="Ditarik", form_softcopy=False))
    withdraw(withdrawn, world.approver, "Keliru.")
    exempt = new_item(world, title="Rahasia", category=Category.EXEMPT, form_softcopy=False)
    publish_item(world, exempt)
    for hidden in (draft, withdrawn, exempt):
        assert client.get(reverse("portal:item", args=[hidden.pk])).status_code == 404


def test_item_page_query_budget(client, item, django_assert_max_num_queries):
    # The item, its files, its record, its body's time zone; + 1: the register's state
    # (the key of the page kept for anonymous visitors).
    with django_assert_max_num_queries(4 + 1):
        get(client, item)
