"""Search latency on a generated register of realistic Indonesian entries.

Builds a fresh database (SQLite in a temporary data directory, or a PostgreSQL
database it creates and drops), generates N published items across 3 bodies and
90 units, 60% of them with the extracted text of a published file, indexes them
with `lentera reindex`'s code and times a fixed mix of searches through
`lentera.search.search()` and through the /cari/ page.

    .venv/bin/python bench/search.py                          # SQLite, 100,000 items
    .venv/bin/python bench/search.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/search.py --items 10000
    .venv/bin/python bench/search.py --keep                   # keep the database, print where
    .venv/bin/python bench/search.py --reuse /tmp/lentera-bench-xyz   # measure a kept one again
    .venv/bin/python bench/search.py --reuse postgres://postgres@127.0.0.1:5432/lentera_bench_123
"""

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid

TOPICS = (
    "keuangan anggaran belanja pendapatan daerah aset pajak retribusi hibah bantuan sosial "
    "kesehatan puskesmas rumah sakit stunting gizi imunisasi sanitasi air bersih "
    "pendidikan sekolah guru beasiswa perpustakaan kebudayaan pariwisata pemuda olahraga "
    "jalan jembatan irigasi drainase perumahan permukiman tata ruang lingkungan hidup sampah "
    "perizinan investasi usaha mikro koperasi perdagangan pasar pertanian perikanan peternakan "
    "kepegawaian pegawai jabatan pelatihan kinerja pengawasan inspektorat audit pengaduan "
    "kependudukan pencatatan sipil perhubungan angkutan komunikasi informatika statistik "
    "bencana kebakaran ketertiban keamanan ketahanan pangan kemiskinan disabilitas perempuan anak"
).split()
DOC_TYPES = (
    "Laporan",
    "Rencana",
    "Daftar",
    "Data",
    "Profil",
    "Rekapitulasi",
    "Realisasi",
    "Peraturan",
    "Keputusan",
    "Pengumuman",
    "Standar Pelayanan",
    "Rencana Strategis",
    "Laporan Kinerja",
    "Ringkasan",
    "Evaluasi",
)
VERBS = (
    "memuat menyajikan menjelaskan merinci mencatat merekapitulasi melaporkan menetapkan "
    "mengatur menggambarkan menyampaikan menganalisis mengevaluasi"
).split()
NOUNS = (
    "capaian sasaran program kegiatan indikator target realisasi kendala upaya tindak lanjut "
    "kebijakan pelaksanaan penyelenggaraan pelayanan masyarakat kecamatan kelurahan desa "
    "triwulan semester tahunan persentase jumlah lokasi penerima manfaat dokumen lampiran "
    "pemeriksaan rekomendasi perbaikan pemantauan pembangunan pemeliharaan pengadaan "
    "penyusunan penetapan perubahan pertanggungjawaban transparansi akuntabilitas"
).split()
GLUE = "yang dan di ke dari untuk dengan pada dalam atas oleh serta sebagai terhadap".split()
PLACES = (
    "pontianak singkawang sambas bengkayang landak mempawah sanggau sekadau sintang melawi "
    "kapuas hulu ketapang kayong utara kubu raya sungai ambawang rasau jaya teluk pakedai "
    "siantan selatan barat timur tenggara kota baru tanjung hilir hulu pinang seribu"
).split()


def _vocabulary() -> tuple[list[str], list[float]]:
    """Real words, their affixed forms and place names, with Zipf-like frequencies:
    a few words are in most entries, most words in few."""
    base = TOPICS + NOUNS + VERBS + PLACES
    forms = []
    for word in TOPICS + NOUNS:
        forms += [f"pe{word}an", f"di{word}kan", f"{word}nya", f"ke{word}an"]
    numbers = [f"{n}" for n in range(1, 400)]
    words = base + forms + numbers
    return words, [1 / (rank + 1) for rank in range(len(words))]


VOCABULARY, _WEIGHTS = _vocabulary()
_CUMULATIVE = list(__import__("itertools").accumulate(_WEIGHTS))

QUERIES = [
    # single words, common to rare
    "laporan",
    "anggaran",
    "realisasi",
    "stunting",
    "irigasi",
    "beasiswa",
    "kebakaran",
    "disabilitas",
    "retribusi",
    "pengaduan",
    # other forms of words (stemming)
    "melaporkan",
    "pelayanan",
    "dianggarkan",
    "pembangunan jalan",
    # two and three words
    "laporan keuangan",
    "rencana strategis",
    "bantuan sosial",
    "air bersih sanitasi",
    "kinerja puskesmas",
    "pajak daerah",
    "pengadaan barang",
    # phrases
    '"laporan keuangan"',
    '"tindak lanjut"',
    # words only in file text
    "rekomendasi pemeriksaan",
    "penerima manfaat",
    # nothing matches
    "kapalselam",
]


def setup_django(database_url: str | None, data_dir: str | None = None) -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    os.environ["LENTERA_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="lentera-bench-")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lentera.settings")
    os.environ.setdefault("LENTERA_PAGE_CACHE_MB", "0")  # every /cari/ page timed is built
    import django

    django.setup()


def sentence(rng: random.Random, words: int) -> str:
    out = rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=words)
    for n in range(0, words, 4):
        out[n] = rng.choice(GLUE)
    return " ".join(out).capitalize() + "."


def generate(count: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from lentera.documents.models import Document, DocumentVersion
    from lentera.organizations.models import PublicBody, Unit
    from lentera.register.constants import Category, Status
    from lentera.register.models import InformationItem, item_slug
    from lentera.testing import build_world

    world = build_world()
    units = [world.unit, world.other_unit]
    for b in range(3):
        body = (
            world.body
            if b == 0
            else PublicBody.objects.create(name=f"Pemerintah Kabupaten {b}", slug=f"kab-{b}")
        )
        for u in range(30 - (2 if b == 0 else 0)):
            topic = rng.choice(TOPICS)
            units.append(
                Unit.objects.create(
                    body=body, name=f"Dinas {topic.title()} {b}-{u}", slug=f"dinas-{b}-{u}"
                )
            )
    categories = [Category.PERIODIC] * 5 + [Category.ON_DEMAND] * 4 + [Category.IMMEDIATE]
    now = timezone.now()
    batch = 5000
    for start in range(0, count, batch):
        items, texts = [], []
        for _ in range(start, min(count, start + batch)):
            topic = " ".join(rng.sample(TOPICS, rng.choice((1, 2, 2, 3))))
            year = rng.randint(2015, 2026)
            title = f"{rng.choice(DOC_TYPES)} {topic.title()} Tahun {year}"
            unit = rng.choice(units)
            listed = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 3650))
            items.append(
                InformationItem(
                    title=title[:300],
                    summary=" ".join(sentence(rng, rng.randint(8, 20)) for _ in range(3)),
                    holding_unit=unit,
                    responsible_official=f"Kepala {unit.name}",
                    made_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    made_place="Pontianak",
                    retention_period="5 tahun",
                    category=rng.choice(categories),
                    year=year,
                    status=Status.PUBLISHED,
                    sop=world.body.sop,
                    created_by=world.officer,
                    published_at=listed,
                    listed_at=listed,
                    first_listed_at=listed,
                )
            )
            items[-1].slug = item_slug(items[-1].title, items[-1].uuid)  # as save() would
            has_file = rng.random() < 0.6
            texts.append(
                " ".join(sentence(rng, rng.randint(10, 25)) for _ in range(rng.randint(15, 60)))
                if has_file
                else None
            )
        with transaction.atomic():
            InformationItem.objects.bulk_create(items)
            documents = [
                Document(item=item, title=f"Berkas {item.title}"[:300])
                for item, text in zip(items, texts, strict=True)
                if text
            ]
            Document.objects.bulk_create(documents)
            file_texts = [t for t in texts if t]
            kinds = (("pdf", "application/pdf"), ("xlsx", "application/vnd.ms-excel"))
            versions = []
            for document, text in zip(documents, file_texts, strict=True):
                extension, content_type = rng.choice(kinds)
                versions.append(
                    DocumentVersion(
                        document=document,
                        number=1,
                        uploaded_by=world.officer,
                        file=f"bench/{uuid.uuid4().hex}.{extension}",
                        sha256=uuid.uuid4().hex * 2,
                        size=len(text) * 3,
                        content_type=content_type,
                        original_name=f"berkas.{extension}",
                        published_at=document.item.published_at,
                        text_status="done",
                        text=text,
                    )
                )
            DocumentVersion.objects.bulk_create(versions)
        print(f"  generated {min(count, start + batch)} items", file=sys.stderr)


def best_of(function, repeat: int, pause: float = 0.0) -> float:
    """The shortest of `repeat` timed calls of `function`, each after `pause`
    seconds, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        time.sleep(pause)
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(rounds: int) -> dict:
    from django.test import Client

    from lentera.search import SearchQuery, search

    rng = random.Random(7)
    cases = []
    for text in QUERIES:
        cases.append(SearchQuery(text=text))
        cases.append(SearchQuery(text=text, sort="date"))
        cases.append(SearchQuery(text=text, category="berkala", year=rng.randint(2015, 2026)))
        cases.append(SearchQuery(text=text, offset=20))
    for case in cases[:10]:  # warm the caches once
        search(case)
        raw_read(case)
    timings = []
    raw_timings = []
    totals = []
    by_case = {}

    def timed_raw_read(case):
        started = time.perf_counter()
        raw_read(case)
        raw_timings.append((time.perf_counter() - started) * 1000)

    for round_number in range(rounds):
        for number, case in enumerate(cases):
            # Whichever runs first reads the entries' pages into the engine's cache
            # (PostgreSQL's shared buffers hold 128 MB by default, the 100,000 entries
            # take more): each goes first for half of the cases, in turn.
            raw_first = (round_number + number) % 2 == 1
            if raw_first:
                timed_raw_read(case)
            started = time.perf_counter()
            result = search(case)
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            totals.append(result.total)
            label = describe(case)
            by_case[label] = max(by_case.get(label, 0), elapsed)
            if not raw_first:
                timed_raw_read(case)
    client = Client()
    page_timings = []
    for _ in range(rounds):
        for text in QUERIES:
            started = time.perf_counter()
            response = client.get("/cari/", {"q": text}, HTTP_HOST="localhost")
            page_timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    return {
        "searches": len(timings),
        "p50": statistics.median(timings),
        "p95": percentile(timings, 95),
        "max": max(timings),
        "raw_p50": statistics.median(raw_timings),
        "raw_p95": percentile(raw_timings, 95),
        "page_p50": statistics.median(page_timings),
        "page_p95": percentile(page_timings, 95),
        "median_hits": statistics.median(totals),
        "by_case": by_case,
    }


def raw_read(case) -> list[tuple]:
    """The ceiling: the engine's own newest-first read of the same index for the same
    words and filters, as far as a total counted up to 1,000 needs (1,001 keys), then
    the page's titles and summaries in one SQL statement. No relevance tiers, facets,
    snippets or public check."""
    from django.db import connection

    from lentera.search.engine import COUNT_LIMIT, backend
    from lentera.search.parse import parse

    newest = backend().matches(parse(case.text), case).newest(COUNT_LIMIT + 1)
    keys = newest[case.offset : case.offset + 20]
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sort_key, title, summary FROM search_searchentry WHERE sort_key IN "
            f"({', '.join(['%s'] * len(keys))})",
            keys,
        )
        return cursor.fetchall()


def describe(case) -> str:
    parts = [repr(case.text)]
    if case.sort == "date":
        parts.append("by date")
    if case.category:
        parts.append(f"{case.category} {case.year}")
    if case.offset:
        parts.append(f"from {case.offset}")
    return " ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server's maintenance database URL"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument(
        "--reuse", metavar="DIR_OR_URL", help="measure a database kept by --keep (no generation)"
    )
    args = parser.parse_args()

    if args.reuse:
        url = args.reuse if "://" in args.reuse else None
        setup_django(url, None if url else args.reuse)
        report(measure(args.rounds), "reused database")
        return

    database_url, drop = None, None
    if args.postgres:
        import psycopg

        name = f"lentera_bench_{os.getpid()}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        database_url = args.postgres.rsplit("/", 1)[0] + "/" + name

        def drop():
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    try:
        setup_django(database_url)
        from django.core.management import call_command
        from django.db import connection

        from lentera.search import index

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        generate(args.items, random.Random(2026))
        generated = time.perf_counter() - started
        started = time.perf_counter()
        indexed = index.rebuild()
        rebuild = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"  generated in {generated:.0f} s, indexed in {rebuild:.0f} s", file=sys.stderr)
        report(
            measure(args.rounds),
            f"{indexed} items (generated in {generated:.0f} s, indexed in {rebuild:.0f} s)",
        )
        if args.keep:
            where = database_url or os.environ["LENTERA_DATA_DIR"]
            print(f"  kept: --reuse {where}", file=sys.stderr)
            drop = None
    finally:
        from django.db import connections

        connections.close_all()
        if drop:
            drop()
        elif not args.keep and not args.postgres:  # the SQLite data directory
            shutil.rmtree(os.environ["LENTERA_DATA_DIR"], ignore_errors=True)


def report(figures: dict, what: str) -> None:
    from django.db import connection

    print(
        f"{connection.vendor}: {what}; {figures['searches']} searches: "
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
        f"max {figures['max']:.1f} ms; raw newest-first read p50 {figures['raw_p50']:.1f} ms, "
        f"p95 {figures['raw_p95']:.1f} ms (search p95 {figures['p95'] / figures['raw_p95']:.1f}x); "
        f"median matches {figures['median_hits']:.0f}; "
        f"/cari/ page p50 {figures['page_p50']:.1f} ms, p95 {figures['page_p95']:.1f} ms"
    )
    slowest = sorted(figures["by_case"].items(), key=lambda pair: -pair[1])[:5]
    print("  slowest: " + "; ".join(f"{case} {ms:.0f} ms" for case, ms in slowest))


if __name__ == "__main__":
    main()
