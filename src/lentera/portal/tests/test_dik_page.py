"""The Daftar Informasi yang Dikecualikan (/dik/): exempt items' metadata and grounds only."""

import datetime

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lentera.documents.services import add_document
from lentera.portal import views_dip
from lentera.register.constants import Category, ExemptionGround
from lentera.register.workflow import reopen
from lentera.testing import build_world, classify, new_item, pdf_upload, publish_item

EN = {"accept-language": "en"}
SECRET_SUMMARY = "Nama dan NIK penerima bantuan sosial tahun 2024."


def exempt(world, title, *, year=2024, file_name="dtks.pdf"):
    item = new_item(world, title=title, summary=SECRET_SUMMARY, category=Category.EXEMPT, year=year)
    version = add_document(item, world.officer, pdf_upload(file_name, title))
    return publish_item(world, item), version


@pytest.fixture
def dik(world):
    other = build_world(prefix="bangka-")
    data, version = exempt(world, "Data Pribadi Penerima Bantuan")
    # A later decision, recorded in an update pass, replaces the first: the DIK shows it.
    data = reopen(data, world.officer, "Penetapan klasifikasi baru")
    classify(
        data,
        world.approver,
        ground=ExemptionGround.STATUTE,
        statute="UU 23/2006 tentang Administrasi Kependudukan Pasal 79",
        decree_number="SK PPID 31/2026",
        decided_on=datetime.date(2026, 1, 5),
        exempt_until=datetime.date(2031, 1, 5),
    )
    data = publish_item(world, data)
    audit, _ = exempt(world, "Laporan Hasil Audit Investigatif", year=2023, file_name="lhp.pdf")
    elsewhere, _ = exempt(other, "Dokumen Pengadaan Rahasia", year=2022, file_name="pbj.pdf")
    public = new_item(world, title="Renstra Biro Kesra", form_softcopy=False)
    publish_item(world, public)
    return {"data": data, "version": version, "audit": audit, "elsewhere": elsewhere}


def fetch(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 200
    return response.content.decode()


def rows(html):
    doc = lxml.html.fromstring(html)
    return {
        tr.xpath("th")[0].text: [cell.text_content() for cell in tr.xpath("td|th")]
        for tr in doc.xpath("//table[contains(@class,'dik ')]/tbody/tr")
    }


def test_dik_shows_ground_statute_decree_and_period_of_the_latest_decision(client, dik):
    row = rows(fetch(client, "/dik/"))["Data Pribadi Penerima Bantuan"]
    assert "Biro Kesejahteraan Rakyat" in row[2] and "Kalimantan Barat" in row[2]
    assert "Article 17 letter j" in row[3]
    # The letter is written once: "Article 17 letter j", then the reason alone.
    assert "May not be disclosed under a statute" in row[3] and "j." not in row[3]
    assert "UU 23/2006 tentang Administrasi Kependudukan" in row[4]
    assert "SK PPID 31/2026" in row[5] and "5 January 2026" in row[5]
    assert "5 January 2031" in row[6]
    assert "period 5 January 2026 – 5 January 2031" in row[6]


def test_dik_never_shows_summary_files_or_download_links(client, dik):
    html = fetch(client, "/dik/")
    assert SECRET_SUMMARY not in html
    assert "dtks.pdf" not in html
    assert "/berkas/" not in html and "/pratinjau/" not in html
    assert reverse("portal:item", args=[dik["data"].pk]) not in html
    assert reverse("portal:download", args=[dik["data"].pk, dik["version"].pk]) not in html


def test_dik_lists_only_exempt_items(client, dik):
    assert set(rows(fetch(client, "/dik/"))) == {
        "Data Pribadi Penerima Bantuan",
        "Laporan Hasil Audit Investigatif",
        "Dokumen Pengadaan Rahasia",
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?badan=bangka-kalbar", {"Dokumen Pengadaan Rahasia"}),
        ("?unit=biro-kesra", {"Data Pribadi Penerima Bantuan", "Laporan Hasil Audit Investigatif"}),
        ("?tahun=2023", {"Laporan Hasil Audit Investigatif"}),
        # A category filter is meaningless here and ignored, never an empty list.
        ("?kategori=berkala&tahun=2022", {"Dokumen Pengadaan Rahasia"}),
    ],
)
def test_dik_filters_by_body_unit_and_year(client, dik, query, expected):
    assert set(rows(fetch(client, "/dik/" + query))) == expected


def test_dik_is_paginated_with_running_numbers(client, dik, monkeypatch):
    monkeypatch.setattr(views_dip, "PAGE_SIZE", 2)
    first = lxml.html.fromstring(fetch(client, "/dik/"))
    assert [td.text_content() for td in first.xpath("//tbody/tr/td[1]")] == ["1", "2"]
    second = lxml.html.fromstring(fetch(client, first.xpath("//a[@rel='next']/@href")[0]))
    assert [td.text_content() for td in second.xpath("//tbody/tr/td[1]")] == ["3"]


def test_dik_query_count_does_not_grow_with_the_rows(client, dik, world):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            fetch(client, "/dik/")
        return len(ctx.captured_queries)

    before = queries()
    for n in range(4):
        exempt(world, f"Berkas Perkara {n}", file_name=f"perkara-{n}.pdf")
    assert queries() == before <= 8 + 1  # + 1: the register's state (the page's key)
