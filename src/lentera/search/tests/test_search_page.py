"""/cari/: the search page a citizen uses."""

import datetime

import pytest
from django.urls import reverse

from lentera.register.constants import Category

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def get(client, **params):
    response = client.get(reverse("portal:search"), params, headers=EN)
    assert response.status_code == 200
    return response.content.decode()


def test_results_are_highlighted_linked_and_counted(client, listed):
    item = listed(title="Laporan Pengaduan Masyarakat", summary="Rekap pengaduan triwulan.")
    page = get(client, q="mengadukan")
    assert "1 result for “mengadukan”" in page
    assert reverse("portal:item", args=[item.pk]) in page
    assert "<mark>Pengaduan</mark>" in page and "<mark>pengaduan</mark>" in page


def test_each_hit_tells_its_holder_its_year_and_the_day_it_was_listed_here(client, listed):
    from lentera.search.models import SearchEntry

    item = listed(title="Laporan Keuangan", year=2024)
    evening = datetime.datetime(2025, 3, 4, 18, 30, tzinfo=datetime.UTC)  # 01:30 WIB on the 5th
    SearchEntry.objects.filter(item=item).update(listed_at=evening)
    page = get(client, q="keuangan")
    unit = item.holding_unit
    assert f" · {unit.name}, {unit.body.name} · 2024 · " in page
    assert '<time datetime="2025-03-05T01:30:00+07:00">5 March 2025</time>' in page


def test_facet_links_narrow_and_a_chosen_facet_links_back(client, world, listed):
    listed(title="Anggaran Sekolah", category=Category.PERIODIC, year=2023)
    listed(title="Anggaran Puskesmas", category=Category.ON_DEMAND, year=2024)
    page = get(client, q="anggaran")
    assert "?q=anggaran&amp;kategori=berkala" in page
    narrowed = get(client, q="anggaran", kategori="berkala")
    assert "Sekolah" in narrowed and "Puskesmas" not in narrowed
    assert 'aria-current="true"' in narrowed
    assert "?q=anggaran&amp;tahun=2023" in get(client, q="anggaran")


def test_pages_of_twenty(client, listed):
    for n in range(21):
        listed(title=f"Pengumuman Lelang Nomor {n}")
    first, second = get(client, q="lelang"), get(client, q="lelang", halaman=2)
    assert first.count('class="hit"') == 20 and second.count('class="hit"') == 1
    assert "halaman=2" in first and 'start="21"' in second


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"halaman": "-1"},
        {"halaman": "99999999999999999999"},
        {"tahun": "abc", "kategori": "dikecualikan", "berkas": "exe", "urut": "zz"},
        {"q": '"', "halaman": "2"},
    ],
)
def test_junk_parameters_give_a_page_not_an_error(client, listed, params):
    listed(title="Laporan Kinerja")
    get(client, **params)


def test_an_unknown_body_or_unit_is_not_found(client, db):
    assert client.get(reverse("portal:search"), {"badan": "tidak-ada"}).status_code == 404
    assert client.get(reverse("portal:search"), {"unit": "tidak-ada"}).status_code == 404


def test_more_matches_than_are_counted_are_said_so(client, monkeypatch, listed):
    from lentera.portal import views_search
    from lentera.search import engine

    monkeypatch.setattr(engine, "COUNT_LIMIT", 2)
    monkeypatch.setattr(views_search, "COUNT_LIMIT", 2)
    for n in range(3):
        listed(title=f"Pengumuman Lelang Nomor {n}")
    page = get(client, q="lelang")
    assert "More than 2 results for “lelang”" in page
    assert "Counted among the 2 newest results." in page
    assert "add a word or choose a filter" in page
    assert "More than 2 entries, newest first" in get(client)
    assert "1 result for “lelang 1”" in get(client, q="lelang 1")  # exact below the limit
    monkeypatch.setattr(views_search, "PAGE_SIZE", 1)
    last = get(client, q="lelang", halaman=3)  # only 2 can be listed: page 2 at most
    assert last.count('class="hit"') == 1 and 'start="2"' in last
