"""The public DIP pages: /dip/ (all bodies, or filtered) and /dip/<unit>/."""

import dataclasses

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.portal import views_dip
from lentera.register.constants import Category
from lentera.register.workflow import complete_step, withdraw
from lentera.testing import build_world, make_user, new_item, pdf_upload, publish_item

EN = {"accept-language": "en"}
PERKI_COLUMNS = [
    "No.",
    "Summary of content",
    "Official or unit holding the information",
    "Responsible for making or issuing",
    "Time and place made",
    "Forms available",
    "Retention period",
]


def dinkes(world):
    """The same body seen from its Dinas Kesehatan: its officer and a new approver."""
    approver = make_user("kepala.dinkes", world.other_unit, Role.APPROVER)
    return dataclasses.replace(
        world, unit=world.other_unit, officer=world.other_officer, approver=approver
    )


def listed(world, title, *, with_file=False, **fields):
    item = new_item(world, title=title, form_softcopy=with_file, **fields)
    if with_file:
        add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", title))
    return publish_item(world, item)


@pytest.fixture
def register(world):
    other_body = build_world(prefix="bangka-")
    health = dinkes(world)
    items = {
        "lkjip": listed(world, "LKjIP Biro Kesra 2024", with_file=True, year=2024),
        "renja": listed(world, "Renja Biro Kesra 2025", year=2025),
        "banjir": listed(world, "Peringatan Dini Banjir", category=Category.IMMEDIATE, year=2025),
        "aset": listed(world, "Daftar Aset Biro Kesra", category=Category.ON_DEMAND, year=2023),
        "profil": listed(health, "Profil Kesehatan 2025", year=2025),
        "bangka": listed(other_body, "Renstra Badan Lain", category=Category.ON_DEMAND, year=2022),
    }
    draft = new_item(world, title="Draf Rencana Kerja 2019", year=2019)
    complete_step(draft, world.officer)
    gone = listed(world, "Pengumuman Yang Ditarik", year=2024)
    withdraw(gone, world.approver, "Salah unggah.")
    exempt = new_item(world, title="Data Pribadi Penerima Bantuan", category=Category.EXEMPT)
    add_document(exempt, world.officer, pdf_upload("dtks.pdf", "DTKS"))
    publish_item(world, exempt)
    items.update(draft=draft, withdrawn=gone, exempt=exempt)
    return items


def fetch(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def row_titles(doc) -> list[str]:
    return [
        a.text_content() for a in doc.xpath("//table[contains(@class,'dip ')]//tbody/tr/td[2]/a")
    ]


def numbers(doc) -> list[str]:
    return [
        td.text_content() for td in doc.xpath("//table[contains(@class,'dip ')]//tbody/tr/td[1]")
    ]


def test_dip_has_the_seven_columns_of_perki_1_2021(client, register):
    doc = fetch(client, "/dip/")
    assert [
        th.text_content() for th in doc.xpath("//table[contains(@class,'dip ')]/thead//th")
    ] == (PERKI_COLUMNS)
    row = doc.xpath("//tbody/tr[td/a[text()='LKjIP Biro Kesra 2024']]")[0]
    cells = [td.text_content() for td in row.xpath("td")]
    assert len(cells) == 7
    assert "Capaian kinerja" in cells[1]  # the short summary under the title
    assert "Biro Kesejahteraan Rakyat" in cells[2] and "Kalimantan Barat" in cells[2]
    assert cells[3] == "Kepala Biro Kesejahteraan Rakyat"
    assert cells[4] == "14 February 2025, Pontianak"
    assert cells[6] == "5 tahun"


def test_rows_are_grouped_under_category_headings_in_perki_order(client, register):
    doc = fetch(client, "/dip/")
    groups = {
        body.xpath("tr/th")[0].text_content(): [a.text_content() for a in body.xpath("tr/td/a")]
        for body in doc.xpath("//table[contains(@class,'dip ')]/tbody")
    }
    assert list(groups) == [
        "Periodic (berkala)",
        "Immediate (serta merta)",
        "Available at any time (setiap saat)",
    ]
    assert "Peringatan Dini Banjir" in groups["Immediate (serta merta)"]
    assert "Daftar Aset Biro Kesra" in groups["Available at any time (setiap saat)"]
    # Within a category: body, then unit, then the newest year first.
    berkala = groups["Periodic (berkala)"]
    assert berkala.index("Renja Biro Kesra 2025") < berkala.index("LKjIP Biro Kesra 2024")
    assert berkala.index("LKjIP Biro Kesra 2024") < berkala.index("Profil Kesehatan 2025")


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("?badan=bangka-kalbar", {"Renstra Badan Lain"}, {"Renja Biro Kesra 2025"}),
        (
            "?badan=kalbar",
            {"Renja Biro Kesra 2025", "Profil Kesehatan 2025"},
            {"Renstra Badan Lain"},
        ),
        ("?unit=dinkes", {"Profil Kesehatan 2025"}, {"Renja Biro Kesra 2025"}),
        ("?kategori=serta_merta", {"Peringatan Dini Banjir"}, {"Daftar Aset Biro Kesra"}),
        ("?tahun=2023", {"Daftar Aset Biro Kesra"}, {"Renja Biro Kesra 2025"}),
        (
            "?badan=kalbar&kategori=berkala&tahun=2025",
            {"Renja Biro Kesra 2025"},
            {"Peringatan Dini Banjir"},
        ),
    ],
)
def test_filters_narrow_the_register(client, register, query, shown, hidden):
    titles = set(row_titles(fetch(client, "/dip/" + query)))
    assert shown <= titles
    assert not hidden & titles


def test_an_unknown_body_or_unit_in_the_filter_is_not_found(client, register):
    assert client.get("/dip/?badan=tidak-ada").status_code == 404
    assert client.get("/dip/?unit=tidak-ada").status_code == 404


def test_year_choices_come_from_the_public_items_only(client, register):
    doc = fetch(client, "/dip/")
    years = [o.get("value") for o in doc.xpath("//select[@name='tahun']/option") if o.get("value")]
    assert years == ["2025", "2024", "2023", "2022"]  # not the draft's 2019


def test_a_page_holds_fifty_rows_and_numbers_run_on(client, world):
    for n in range(52):
        listed(world, f"Laporan Bulanan {n:02d}")
    first = fetch(client, "/dip/")
    assert numbers(first) == [str(n) for n in range(1, 51)]
    next_link = first.xpath("//a[@rel='next']")[0].get("href")
    assert next_link == "/dip/?halaman=2"
    second = fetch(client, next_link)
    assert numbers(second) == ["51", "52"]
    assert set(row_titles(second)).isdisjoint(row_titles(first))


def test_the_same_url_always_shows_the_same_rows(client, register, monkeypatch):
    monkeypatch.setattr(views_dip, "PAGE_SIZE", 2)
    pages = [fetch(client, f"/dip/?badan=kalbar&halaman={n}") for n in (1, 2, 3)]
    seen = [row_titles(doc) for doc in pages]
    assert seen == [row_titles(fetch(client, f"/dip/?badan=kalbar&halaman={n}")) for n in (1, 2, 3)]
    assert [numbers(doc) for doc in pages] == [["1", "2"], ["3", "4"], ["5"]]
    assert sum(seen, []) == [
        "Renja Biro Kesra 2025",
        "LKjIP Biro Kesra 2024",
        "Profil Kesehatan 2025",
        "Peringatan Dini Banjir",
        "Daftar Aset Biro Kesra",
    ]
    # Page links keep the filter; a category that continues is headed again.
    assert pages[1].xpath("//a[@rel='prev']")[0].get("href") == "/dip/?badan=kalbar&halaman=1"
    assert pages[1].xpath("//tbody/tr/th")[0].text_content() == "Periodic (berkala)"


def test_unit_page_lists_only_that_units_entries(client, register, world):
    doc = fetch(client, reverse("portal:unit-dip", args=[world.other_unit.slug]))
    assert row_titles(doc) == ["Profil Kesehatan 2025"]
    assert "Dinas Kesehatan" in doc.xpath("//h1")[0].text_content()
    links = {a.text_content(): a.get("href") for a in doc.xpath("//a")}
    assert links["CSV"] == "/dip.csv?unit=dinkes"
    on_category = fetch(client, f"/dip/{world.unit.slug}/?kategori=serta_merta")
    assert row_titles(on_category) == ["Peringatan Dini Banjir"]


def test_unit_page_of_an_unknown_unit_is_not_found(client, register):
    assert client.get("/dip/tidak-ada/").status_code == 404


def test_forms_column_links_files_online_or_says_available_on_request(client, register):
    doc = fetch(client, "/dip/")
    with_file = register["lkjip"]
    cell = doc.xpath(f"//tbody/tr[td/a[@href='/informasi/{with_file.pk}/']]/td[6]")[0]
    link = cell.xpath("a")[0]
    assert link.get("href") == f"/informasi/{with_file.pk}/#berkas"
    assert link.text_content() == "1 file online"
    without = register["renja"]
    cell = doc.xpath(f"//tbody/tr[td/a[@href='/informasi/{without.pk}/']]/td[6]")[0]
    assert "Available on request from the PPID" in cell.text_content()
    assert not cell.xpath("a")


@pytest.mark.parametrize(
    "url", ["/dip/", "/dip/?kategori=dikecualikan", "/dip/?tahun=2019", "/dip/biro-kesra/"]
)
def test_dip_never_lists_drafts_withdrawn_or_exempt_items(client, register, url):
    html = client.get(url, headers=EN).content.decode()
    for hidden in ("Draf Rencana Kerja", "Pengumuman Yang Ditarik", "Data Pribadi Penerima"):
        assert hidden not in html


def test_export_and_feed_links_carry_the_current_filters(client, register):
    doc = fetch(client, "/dip/?badan=kalbar&kategori=berkala&tahun=2025")
    links = {a.text_content(): a.get("href") for a in doc.xpath("//a")}
    query = "?badan=kalbar&kategori=berkala&tahun=2025"
    assert links["CSV"] == "/dip.csv" + query
    assert links["Excel (XLSX)"] == "/dip.xlsx" + query
    assert links["PDF"] == "/dip.pdf" + query
    assert links["Atom feed of this list"] == "/feed/" + query
    assert doc.xpath("//link[@type='application/atom+xml']/@href")[-1] == "/feed/" + query


def test_query_count_does_not_grow_with_the_rows(client, register, world):
    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, headers=EN).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/dip/", "/dip/?badan=kalbar&kategori=berkala", "/dip/biro-kesra/"]
    before = [queries(url) for url in urls]
    for n in range(6):
        listed(world, f"Laporan Triwulan {n}", with_file=True)
    assert [queries(url) for url in urls] == before
    assert max(before) <= 8 + 1  # + 1: the register's state (the page's key)


def test_dip_page_query_budget(client, register, django_assert_max_num_queries):
    with django_assert_max_num_queries(8 + 1):  # + 1: the register's state
        doc = fetch(client, "/dip/?unit=biro-kesra&kategori=berkala&tahun=2024")
    assert row_titles(doc) == ["LKjIP Biro Kesra 2024"]
