"""Search finds public entries by their Indonesian words, ranked, faceted, highlighted."""

import random

import pytest
from django.core.management import call_command
from django.db import connection

from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.search import SearchQuery, engine, index, search
from lentera.search.models import SearchEntry
from lentera.search.parse import parse

pytestmark = pytest.mark.django_db


def titles(result) -> list[str]:
    return [hit.title for hit in result.hits]


def test_finds_an_entry_by_another_form_of_its_words(listed):
    listed(title="Daftar Permohonan Informasi Publik 2024", summary="Rekap permohonan.")
    for words in ("dimohonkan", "permohonan", "MOHON", "informasi publik"):
        assert titles(search(SearchQuery(text=words))) == [
            "Daftar Permohonan Informasi Publik 2024"
        ]


def test_stop_words_do_not_narrow_or_widen_a_search(listed):
    listed(title="Rencana Kerja Dinas Sosial", summary="Program dan kegiatan tahun depan.")
    listed(title="Laporan Keuangan", summary="Neraca yang diaudit.")
    assert titles(search(SearchQuery(text="rencana yang dan untuk"))) == [
        "Rencana Kerja Dinas Sosial"
    ]
    assert not parse("yang dan untuk dari")  # only stop words: nothing to look for


def test_finds_words_of_the_published_file_and_highlights_them(listed):
    listed(
        title="Laporan Realisasi Anggaran",
        summary="Realisasi belanja daerah.",
        file_text="Halaman 1. Belanja hibah untuk rumah ibadah meningkat tajam pada triwulan III.",
    )
    result = search(SearchQuery(text="ibadah"))
    assert titles(result) == ["Laporan Realisasi Anggaran"]
    assert "<mark>ibadah</mark>" in result.hits[0].snippet


def test_snippet_marks_every_form_of_a_word_and_escapes_the_rest(listed):
    listed(title="Pengumuman <Penting>", summary="Pengumuman seleksi: diumumkan & umumkan segera.")
    hit = search(SearchQuery(text="umum")).hits[0]
    assert hit.title_html == "<mark>Pengumuman</mark> &lt;Penting&gt;"
    assert "<mark>diumumkan</mark> &amp; <mark>umumkan</mark>" in hit.snippet


def test_ranks_title_above_summary_above_file_text(listed):
    listed(
        title="Laporan Tahunan Dinas",
        summary="Ringkasan kegiatan.",
        file_text="sanitasi " * 40 + "air bersih dan sanitasi lingkungan",
    )
    listed(title="Profil Dinas Kesehatan", summary="Program sanitasi total berbasis masyarakat.")
    listed(title="Sanitasi Lingkungan Permukiman", summary="Data desa.")
    assert titles(search(SearchQuery(text="sanitasi"))) == [
        "Sanitasi Lingkungan Permukiman",
        "Profil Dinas Kesehatan",
        "Laporan Tahunan Dinas",
    ]


def test_phrase_needs_the_words_together(listed):
    listed(title="Laporan Keuangan Daerah", summary="Neraca.")
    listed(title="Keuangan Desa", summary="Laporan dana desa.")
    assert titles(search(SearchQuery(text='"laporan keuangan"'))) == ["Laporan Keuangan Daerah"]
    assert len(search(SearchQuery(text="laporan keuangan")).hits) == 2


def test_facets_count_and_filters_narrow(world, listed):
    listed(title="Data Stunting 2023", year=2023, category=Category.PERIODIC)
    listed(
        title="Data Stunting 2024",
        year=2024,
        category=Category.ON_DEMAND,
        file_text="Prevalensi stunting per kecamatan.",
        file_name="stunting.csv",
    )
    moved = listed(title="Data Stunting Dinkes", year=2024)
    InformationItem.objects.filter(pk=moved.pk).update(holding_unit=world.other_unit)
    index.refresh([moved.pk])
    result = search(SearchQuery(text="stunting"))
    assert result.total == 3
    assert dict(result.facets["category"]) == {Category.PERIODIC: 2, Category.ON_DEMAND: 1}
    assert dict(result.facets["year"]) == {2024: 2, 2023: 1}
    assert dict(result.facets["body"]) == {world.body.pk: 3}
    in_body = search(SearchQuery(text="stunting", body_id=world.body.pk))
    assert dict(in_body.facets["unit"]) == {world.unit.pk: 2, world.other_unit.pk: 1}
    assert dict(result.facets["file_type"]) == {"txt": 2, "csv": 1}
    assert titles(search(SearchQuery(text="stunting", year=2023))) == ["Data Stunting 2023"]
    assert titles(search(SearchQuery(text="stunting", file_type="csv"))) == ["Data Stunting 2024"]
    narrowed = search(SearchQuery(text="stunting", unit_id=world.other_unit.pk))
    assert titles(narrowed) == ["Data Stunting Dinkes"] and narrowed.total == 1


def test_sort_by_date_puts_the_newest_first(listed):
    first = listed(title="Pengumuman Seleksi Tahap 1")
    listed(title="Pengumuman Seleksi Tahap 2")
    newest = search(SearchQuery(text="seleksi", sort="date"))
    assert titles(newest) == ["Pengumuman Seleksi Tahap 2", "Pengumuman Seleksi Tahap 1"]
    assert newest.hits[1].item_id == first.pk


def test_no_words_lists_the_register_newest_first(listed):
    listed(title="Satu")
    listed(title="Dua")
    result = search(SearchQuery(text=""))
    assert titles(result) == ["Dua", "Satu"] and result.total == 2


@pytest.mark.parametrize(
    "text",
    ['"', "NEAR(a b)", "a* OR b -c", "kolom:nilai", "^awal", "'; DROP TABLE x; --", "(((", "\x00"],
)
def test_search_syntax_in_the_words_is_just_text(listed, text):
    listed(title="Laporan Kinerja")
    result = search(SearchQuery(text=text))
    assert result.total in (0, 1)


def test_reindex_rebuilds_the_same_entries(listed):
    listed(title="Rencana Strategis", file_text="Visi dan misi dinas lima tahun.")
    listed(title="Rencana Kerja", summary="Tahunan.")
    before = sorted(SearchEntry.objects.values_list("item_id", "title", "file_text"))
    SearchEntry.objects.all().delete()
    engine.backend().clear()
    assert search(SearchQuery(text="visi")).total == 0
    call_command("reindex", no_progress=True, verbosity=0)
    assert sorted(SearchEntry.objects.values_list("item_id", "title", "file_text")) == before
    assert titles(search(SearchQuery(text="visi misi"))) == ["Rencana Strategis"]


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_of_its_own_leaves_no_dead_rows_behind(listed):
    listed(title="Rencana Strategis")
    listed(title="Rencana Kerja")
    assert index.rebuild() == 2
    assert titles(search(SearchQuery(text="rencana"))) == ["Rencana Kerja", "Rencana Strategis"]
    if connection.vendor == "postgresql":  # VACUUM freed the rows the rebuild replaced
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_dead_tup, last_vacuum FROM pg_stat_user_tables "
                "WHERE relname = 'search_searchentry'"
            )
            dead, vacuumed = cursor.fetchone()
        assert vacuumed is not None and dead == 0


@pytest.fixture
def tiers_of_sanitasi(listed):
    """Six entries with "sanitasi" in the title, the summary or the file only, each
    place twice; returns the titles in the order relevance must give them."""
    for place in ("file", "summary", "title"):
        for n in (1, 2):
            listed(
                title=f"Sanitasi {place} {n}" if place == "title" else f"Dokumen {place} {n}",
                summary="Program sanitasi desa." if place == "summary" else "Data desa.",
                file_text="Cakupan sanitasi layak." if place == "file" else "Lampiran.",
            )
    return [
        "Sanitasi title 2",
        "Sanitasi title 1",
        "Dokumen summary 2",
        "Dokumen summary 1",
        "Dokumen file 2",
        "Dokumen file 1",
    ]


@pytest.mark.parametrize("count_limit", [1000, 3], ids=["every match known", "more matches"])
def test_pages_follow_the_tiers_from_any_offset(monkeypatch, tiers_of_sanitasi, count_limit):
    monkeypatch.setattr(engine, "COUNT_LIMIT", count_limit)
    assert titles(search(SearchQuery(text="sanitasi", limit=10))) == tiers_of_sanitasi
    for offset in range(len(tiers_of_sanitasi)):
        page = search(SearchQuery(text="sanitasi", offset=offset, limit=2))
        assert titles(page) == tiers_of_sanitasi[offset : offset + 2], offset
    by_date = search(SearchQuery(text="sanitasi", sort="date", offset=1, limit=2))
    assert titles(by_date) == ["Sanitasi title 1", "Dokumen summary 2"]


@pytest.mark.parametrize("probe_entries", [1, 3, 7, 2000])
def test_the_title_tiers_found_by_walking_the_newest_entries_are_the_newest_of_all(
    monkeypatch, tiers_of_sanitasi, probe_entries
):
    """PostgreSQL first walks the PROBE_ENTRIES newest entries for a title tier and
    takes what it found there only when it is a whole page."""
    from lentera.search import postgres

    monkeypatch.setattr(engine, "COUNT_LIMIT", 3)
    monkeypatch.setattr(postgres, "PROBE_ENTRIES", probe_entries)
    for offset in range(len(tiers_of_sanitasi)):
        for limit in (1, 2, 3):
            page = search(SearchQuery(text="sanitasi", offset=offset, limit=limit))
            assert titles(page) == tiers_of_sanitasi[offset : offset + limit], (offset, limit)


@pytest.mark.parametrize("count_limit", [1000, 2], ids=["every match known", "more matches"])
def test_a_phrase_ranks_by_where_its_words_stand_together(monkeypatch, listed, count_limit):
    """The title tier needs every word and phrase in the title itself: a phrase split
    between title and summary, or its words apart in the title, ranks lower."""
    monkeypatch.setattr(engine, "COUNT_LIMIT", count_limit)
    listed(title="Laporan Keuangan Desa", summary="Dana desa.")
    listed(title="Keuangan dan Laporan Desa", summary="Laporan keuangan dana desa.")
    listed(title="Rekap Desa", summary="Neraca.", file_text="Laporan keuangan dana desa.")
    listed(title="Laporan Desa", summary="Keuangan dana desa.")  # no phrase anywhere
    assert titles(search(SearchQuery(text='"laporan keuangan" desa'))) == [
        "Laporan Keuangan Desa",
        "Keuangan dan Laporan Desa",
        "Rekap Desa",
    ]
    assert titles(search(SearchQuery(text="keuangan desa laporan"))) == [
        "Keuangan dan Laporan Desa",  # the titles holding all three, newest first
        "Laporan Keuangan Desa",
        "Laporan Desa",
        "Rekap Desa",
    ]


def test_above_the_count_limit_the_total_says_more(monkeypatch, tiers_of_sanitasi):
    monkeypatch.setattr(engine, "COUNT_LIMIT", 4)
    result = search(SearchQuery(text="sanitasi"))
    assert result.more and result.total == 4
    assert sum(n for _, n in result.facets["category"]) == 4  # the 4 newest
    exact = search(SearchQuery(text="sanitasi", exact_total=True, facets=False))
    assert exact.total == 6 and exact.facets == {}
    within = search(SearchQuery(text="sanitasi", year=2099))
    assert not within.more and within.total == 0


def test_no_hits_deeper_than_the_deepest_page(listed):
    listed(title="Laporan Kinerja")
    deep = search(SearchQuery(text="laporan", offset=engine.MAX_OFFSET + 1))
    assert deep.hits == [] and deep.total == 1


def test_an_unknown_category_matches_nothing(listed):
    listed(title="Laporan Kinerja")
    for category in ("dikecualikan", 'x" OR "y', "_b1"):
        assert search(SearchQuery(text="laporan", category=category)).total == 0
        assert search(SearchQuery(category=category)).total == 0


def test_filter_tokens_are_not_words(world, listed):
    item = listed(title="Laporan Kinerja", summary="Capaian.")
    entry = SearchEntry.objects.get(item=item)
    for text in (
        f"b{entry.body_id}",
        f"_b{entry.body_id}",
        f"u{entry.unit_id}",
        f"y{entry.year}",
        f"c{entry.category}",
        f"_c{entry.category}",
        "ttxt",
        "_ttxt",
    ):
        assert search(SearchQuery(text=text)).total == 0, text
    assert search(SearchQuery(text="laporan_kinerja")).total == 1  # two words


def test_a_phrase_in_the_file_text_needs_its_words_side_by_side(listed):
    listed(title="Berita Acara", file_text="Rapat membahas tindak lanjut hasil pemeriksaan.")
    listed(title="Notulen", file_text="Tindak tegas; rencana lanjut dibahas kemudian.")
    listed(title="Rekomendasi", summary="Tindak lanjut hasil pemeriksaan BPK tahun lalu.")
    assert titles(search(SearchQuery(text='"tindak lanjut"'))) == ["Rekomendasi", "Berita Acara"]
    three = search(SearchQuery(text='"tindak lanjut hasil pemeriksaan"'))
    assert sorted(titles(three)) == ["Berita Acara", "Rekomendasi"]
    assert titles(search(SearchQuery(text='"lanjut tindak"'))) == []


def test_a_word_merely_holding_the_searched_letters_is_not_marked():
    # "kapor" holds "apor" (the part of "lapor" every form holds) but is another word.
    from lentera.search.snippets import first_match, mark

    stems = frozenset({"lapor"})
    text = "Kapor_x dan Kapor, laporan; DILAPORKAN 2024."
    assert mark(text, stems) == (
        "Kapor_x dan Kapor, <mark>laporan</mark>; <mark>DILAPORKAN</mark> 2024."
    )
    assert first_match(text, stems) == text.index("laporan")
    assert first_match("kapor kapor", stems) is None


@pytest.mark.django_db(transaction=True)
def test_entries_indexed_before_the_title_table_rank_by_it_once_migrated(
    monkeypatch, tiers_of_sanitasi
):
    """Migration 0005 fills SQLite's search_title from what is indexed; the first tier
    of a search with more matches than are counted reads it."""
    from django.db.migrations.executor import MigrationExecutor

    MigrationExecutor(connection).migrate([("search", "0004_strip_document")])
    tables = connection.introspection.table_names()
    assert "search_title" not in tables
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # (A transactional test's flush empties the models' tables, not FTS5's.)
            cursor.execute(
                "SELECT count(*) FROM search_title WHERE rowid IN "
                "(SELECT sort_key FROM search_searchentry)"
            )
            assert cursor.fetchone()[0] == len(tiers_of_sanitasi)
    monkeypatch.setattr(engine, "COUNT_LIMIT", 3)
    assert titles(search(SearchQuery(text="sanitasi", limit=10))) == tiers_of_sanitasi


def _long_file() -> str:
    """About 600 distinct words: a document of 6 to 7 kB, wide enough to leave its row
    by default and narrow enough to stay in it."""
    rng = random.Random(6)
    words = [f"kata{n}" for n in range(600)]
    return " ".join(rng.choice(words) for _ in range(20000)) + " sanitasiujung"


MOVED = ("title", "summary", "meta", "file_text", "pairs")
KEPT = ("document", "head", "head_title")


def _toast(item) -> tuple[int, dict]:
    """The bytes in search_searchentry's TOAST table, and the stored size of each of the
    item's entry's values."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class "
            "WHERE oid = 'search_searchentry'::regclass"
        )
        toast = cursor.fetchone()[0]
        cursor.execute(f"SELECT coalesce(sum(octet_length(chunk_data)), 0) FROM {toast}")
        outside = cursor.fetchone()[0]
        sizes = ", ".join(f"pg_column_size({column})" for column in MOVED + KEPT)
        cursor.execute(f"SELECT {sizes} FROM search_searchentry WHERE item_id = %s", [item.pk])
        return outside, dict(zip(MOVED + KEPT, cursor.fetchone(), strict=True))


def test_a_long_files_words_stay_in_the_entrys_own_row_on_postgresql(listed):
    """Migration 0006: PostgreSQL keeps `document`, `head` and `head_title` in the row,
    where the newest-first walks read them; the file's own text, the word pairs and
    the other wide values go to the TOAST table."""
    item = listed(title="Laporan Pelaksanaan Program Sanitasi", file_text=_long_file())
    found = search(SearchQuery(text="sanitasiujung"))
    assert titles(found) == ["Laporan Pelaksanaan Program Sanitasi"]
    if connection.vendor != "postgresql":
        return  # SQLite's index lives in its FTS5 tables
    outside, size = _toast(item)
    assert size["document"] > 2048  # wide enough to have left the row by default
    # Everything outside is the wide columns' (each longer than a TOAST pointer), so
    # none of it is the document's or the heads'.
    assert outside == sum(size[column] for column in MOVED)


@pytest.mark.django_db(transaction=True)
def test_entries_indexed_before_migration_0006_get_their_words_back_into_their_rows(listed):
    from django.db.migrations.executor import MigrationExecutor

    MigrationExecutor(connection).migrate([("search", "0005_title")])
    item = listed(title="Laporan Pelaksanaan Program Sanitasi", file_text=_long_file())
    if connection.vendor == "postgresql":
        outside, size = _toast(item)
        assert outside - sum(size[column] for column in MOVED) > 2048  # the document's
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert titles(search(SearchQuery(text="sanitasiujung"))) == [item.title]
    if connection.vendor == "postgresql":
        outside, size = _toast(item)
        assert outside == sum(size[column] for column in MOVED)
