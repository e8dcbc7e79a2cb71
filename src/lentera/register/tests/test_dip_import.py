"""`lentera import dip`: real DIP sheets of four layouts (written here with openpyxl,
odfpy and the csv module), each problem named, nothing saved on any error, nothing
public before its SOP's review and approval, and the same file twice changes
nothing."""

import csv
import datetime
import io
import os
import time
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from lentera.audit.models import ActivityEvent
from lentera.documents.services import add_document
from lentera.errors import ActionRefused, Conflict, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.register import dip_import, dip_layout, fingerprint, import_files, imports, selectors
from lentera.register.constants import Category, Status
from lentera.register.models import ImportBatch, InformationItem
from lentera.register.services import update_item
from lentera.sop.constants import Verb
from lentera.testing import build_world, classify, make_user, pdf_upload, publish_item

KESRA = "Biro Kesejahteraan Rakyat"
ROWS = [  # (section, ringkasan, unit, responsible, made, soft, hard, retention)
    (
        "A",
        "Laporan Keuangan Tahun 2024",
        KESRA,
        "Kepala Biro",
        "Januari 2025, Pontianak",
        "Ada",
        "-",
        "10 tahun",
    ),
    (
        "A",
        "Rencana Strategis 2025-2029",
        "biro kesejahteraan  rakyat",
        "Kepala Biro",
        "28 Februari 2025 di Sintang",
        "√",
        "Ada",
        "Permanen",
    ),
    (
        "B",
        "Peringatan Dini Banjir Kapuas",
        KESRA,
        "Sekretaris",
        "Pontianak, 3 Maret 2025",
        "Ada",
        "",
        "2 tahun",
    ),
    (
        "C",
        "Daftar Penerima Bantuan Sosial 2024",
        KESRA,
        "Kepala Bagian",
        "12/04/2024, Ketapang",
        "-",
        "Ada",
        "5 tahun",
    ),
]
SECTIONS = {
    "A": "A. INFORMASI YANG WAJIB DISEDIAKAN DAN DIUMUMKAN SECARA BERKALA",
    "B": "B. INFORMASI YANG WAJIB DIUMUMKAN SECARA SERTA MERTA",
    "C": "C. INFORMASI YANG WAJIB TERSEDIA SETIAP SAAT",
}
TOP = [
    "No", "Ringkasan Isi Informasi", "Pejabat/Unit/Satker yang Menguasai Informasi",
    "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
    "Waktu dan Tempat Pembuatan Informasi", "Bentuk Informasi yang Tersedia", "",
    "Jangka Waktu Penyimpanan atau Retensi Arsip",
]  # fmt: skip


def merged_xlsx(rows=ROWS) -> bytes:
    """Title rows, a two-row header with merged cells, a row of column numbers, section
    rows merged across the table and numbering that restarts per section."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DIP 2025"
    sheet.append(["DAFTAR INFORMASI PUBLIK"])
    sheet.append(["PEMERINTAH PROVINSI KALIMANTAN BARAT TAHUN 2025"])
    sheet.append([])
    sheet.append(TOP)
    sheet.append(["", "", "", "", "", "Softcopy", "Hardcopy", ""])
    for column in "ABCDEH":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("F4:G4")
    sheet.append(list(range(1, 9)))
    section = None
    for key, *cells in rows:
        if key != section:
            section, number = key, 0
            sheet.append([SECTIONS[key]])
            sheet.merge_cells(f"A{sheet.max_row}:H{sheet.max_row}")
        number += 1
        sheet.append([number, *cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def flat_csv(delimiter=";", encoding="cp1252") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["No.", "Judul Informasi", "Ringkasan", "Unit Kerja", "Penanggung Jawab",
                     "Waktu & Tempat", "Bentuk Informasi", "Retensi", "Kategori"])  # fmt: skip
    writer.writerow([1, "Profil Dinas – Struktur Organisasi", "Struktur dan tugas pokok",
                     KESRA, "Sekretaris", "5 Mei 2025 di Pontianak", "Softcopy, Hardcopy",
                     "Selama berlaku", "Berkala"])  # fmt: skip
    writer.writerow([2, "Standar Pelayanan Publik", "Maklumat dan standar pelayanan",
                     "Dinas Kesehatan", "Kepala Dinas", "2025", "Softcopy", "5 tahun",
                     "Setiap Saat"])  # fmt: skip
    return out.getvalue().encode(encoding)


def ods(rows=ROWS) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="DIP")

    def row(*cells):
        element = TableRow()
        for cell in cells:
            if cell is None:
                element.addElement(CoveredTableCell())
                continue
            text, across = cell if isinstance(cell, tuple) else (cell, 1)
            attributes = {"numbercolumnsspanned": across} if across > 1 else {}
            element.addElement(TableCell(**attributes))
            element.lastChild.addElement(P(text=str(text)))
        table.addElement(element)

    row("DAFTAR INFORMASI PUBLIK TAHUN 2025")
    row(*TOP[:5], (TOP[5], 2), None, TOP[7])
    row("", "", "", "", "", "Softcopy", "Hardcopy", "")
    section = None
    for key, *cells in rows:
        if key != section:
            section = key
            row((SECTIONS[key], 8), *[None] * 7)
        row("1", *cells)
    # What office software leaves: a million empty rows, repeated.
    empty = TableRow(numberrowsrepeated=1048000)
    empty.addElement(TableCell(numbercolumnsrepeated=1024))
    table.addElement(empty)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def reordered_xlsx() -> bytes:
    """Other column order, a link and a remark column, the category as a column."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kategori", "Tahun", "Judul", "Ringkasan Isi Informasi", "Tautan",
                  "Bentuk Informasi", "Jangka Waktu Penyimpanan", "Pejabat yang Menguasai",
                  "Penanggungjawab", "Keterangan"])  # fmt: skip
    sheet.append(["Serta Merta", 2025, "Status Siaga Karhutla", "Pengumuman status siaga",
                  "https://contoh.go.id/siaga", "Softcopy", "1 tahun", KESRA, "Kepala Biro",
                  "diumumkan di situs"])  # fmt: skip
    sheet.append(["Berkala", 2024, "LKjIP 2024", "Laporan kinerja", "", "Hardcopy",
                  "5 tahun", KESRA, "Kepala Biro", ""])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def in_english():
    """The messages are matched in English here (the office test reads Indonesian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def head(world):
    """The head of the PPID (approver of the PPID Utama), who issues the body's DIP."""
    return make_user("kepala.ppid", world.main, Role.APPROVER)


def _import(world, path: str, user: str = "petugas.utama") -> None:
    call_command("import", "dip", path, "--body", world.body.slug, "--user", user)


def _confirm(batch, user: str) -> None:
    fingerprint = ImportBatch.objects.get(pk=batch.pk).fingerprint
    call_command("import", "confirm", str(batch.pk), "--user", user, "--fingerprint", fingerprint)


def test_a_merged_two_row_header_with_sections_reads_every_row(world):
    plan = dip_import.plan(merged_xlsx(), "dip.xlsx", world.body)
    assert not plan.errors, [str(p) for p in plan.errors]
    got = [(r.number, r.fields["category"], r.fields["title"]) for r in plan.rows]
    assert got == [
        (8, Category.PERIODIC, "Laporan Keuangan Tahun 2024"),
        (9, Category.PERIODIC, "Rencana Strategis 2025-2029"),
        (11, Category.IMMEDIATE, "Peringatan Dini Banjir Kapuas"),
        (13, Category.ON_DEMAND, "Daftar Penerima Bantuan Sosial 2024"),
    ]
    first, second, third, fourth = (r.fields for r in plan.rows)
    assert {f["holding_unit"] for f in (first, second, third, fourth)} == {world.unit}
    # "Januari 2025, Pontianak": the month only, so no date; the year and place kept.
    assert (first["made_on"], first["made_place"], first["year"]) == (None, "Pontianak", 2025)
    assert (second["made_on"], second["made_place"]) == (datetime.date(2025, 2, 28), "Sintang")
    assert (third["made_on"], third["made_place"]) == (datetime.date(2025, 3, 3), "Pontianak")
    assert fourth["made_on"] == datetime.date(2024, 4, 12)
    forms = [(f["form_softcopy"], f["form_hardcopy"]) for f in (first, second, third, fourth)]
    assert forms == [(True, False), (True, True), (True, False), (False, True)]
    assert first["retention_period"] == "10 tahun"
    assert [w.row for w in plan.warnings] == [8]  # the month-only date


def test_a_semicolon_csv_in_windows_1252(world):
    plan = dip_import.plan(flat_csv(), "dip.csv", world.body)
    assert not plan.errors, [str(p) for p in plan.errors]
    first, second = (r.fields for r in plan.rows)
    assert first["title"] == "Profil Dinas – Struktur Organisasi"
    assert first["summary"] == "Struktur dan tugas pokok"
    assert (first["made_on"], first["made_place"]) == (datetime.date(2025, 5, 5), "Pontianak")
    assert (first["form_softcopy"], first["form_hardcopy"]) == (True, True)
    assert second["holding_unit"] == world.other_unit
    assert (second["category"], second["year"]) == (Category.ON_DEMAND, 2025)


def test_an_ods_with_spanned_cells_and_a_million_empty_rows(world):
    plan = dip_import.plan(ods(), "dip.ods", world.body)
    assert not plan.errors, [str(p) for p in plan.errors]
    assert [r.fields["category"] for r in plan.rows] == [
        Category.PERIODIC,
        Category.PERIODIC,
        Category.IMMEDIATE,
        Category.ON_DEMAND,
    ]
    assert plan.rows[1].fields["form_hardcopy"] and plan.rows[1].fields["form_softcopy"]


def test_columns_in_another_order_with_link_and_remarks(world):
    plan = dip_import.plan(reordered_xlsx(), "dip.xlsx", world.body)
    assert not plan.errors, [str(p) for p in plan.errors]
    first, second = (r.fields for r in plan.rows)
    assert first["title"] == "Status Siaga Karhutla"
    assert first["summary"] == "Pengumuman status siaga"
    assert (first["category"], first["year"]) == (Category.IMMEDIATE, 2025)
    assert (second["form_softcopy"], second["form_hardcopy"]) == (False, True)


def test_new_entries_wait_in_one_batch_until_the_head_of_the_ppid_confirms(world, head, capsys):
    path = _write(merged_xlsx())
    _import(world, path)
    batch = ImportBatch.objects.get()
    items = InformationItem.objects.order_by("pk")
    assert items.count() == 4 and set(items.values_list("import_batch", flat=True)) == {batch.pk}
    assert all(i.status == Status.IN_PROGRESS and i.current_step is None for i in items)
    assert not selectors.public_items().exists()
    created = ActivityEvent.objects.filter(verb=Verb.CREATE, item=items[0]).get()
    assert "dip.xlsx" in created.note and batch.sha256 in created.note
    assert created.actor == world.main_officer
    # Nobody but the head of the PPID decides; the importer never (four eyes).
    for who in ("petugas.utama", "kepala.kesra", "petugas.kesra"):
        with pytest.raises(CommandError):
            _confirm(batch, who)
    with pytest.raises(CommandError, match="changed after they were shown"):
        call_command("import", "confirm", str(batch.pk), "--user", "kepala.ppid",
                     "--fingerprint", "0" * 64)  # fmt: skip
    assert not selectors.public_items().exists()

    call_command("import", "show", str(batch.pk))
    assert batch.fingerprint in capsys.readouterr().out  # what the head reads first
    _confirm(batch, "kepala.ppid")
    batch.refresh_from_db()
    assert (batch.state, batch.decided_by) == (ImportBatch.State.CONFIRMED, head)
    # Seed 003 ends by publishing. Only the entry its steps would pass is listed: the one
    # with no date made ("Januari 2025") and those marked as soft copies with no file
    # entered their SOP, to be completed, reviewed and approved there.
    listed = selectors.public_items().values_list("title", flat=True)
    assert list(listed) == ["Daftar Penerima Bantuan Sosial 2024"]
    waiting = InformationItem.objects.exclude(title__in=listed)
    assert {(i.status, i.current_step.number) for i in waiting} == {(Status.IN_PROGRESS, 1)}
    for item in InformationItem.objects.all():
        event = item.events.get(verb=Verb.CONFIRM_IMPORT)
        assert event.actor == head and event.changes["batch"] == batch.pk
        assert event.changes["fingerprint"] == fingerprint.of(item)  # exactly as confirmed
    with pytest.raises(CommandError):  # decided once
        call_command("import", "reject", str(batch.pk), "--user", "kepala.ppid", "--note", "x")

    # The same file again changes nothing.
    _import(world, path)
    assert InformationItem.objects.count() == 4 and ImportBatch.objects.count() == 1
    assert "4 unchanged" in capsys.readouterr().out


def test_a_head_who_imported_may_not_confirm_their_own_file(world, head):
    Membership.objects.create(user=head, unit=world.main, role=Role.OFFICER)
    _import(world, _write(merged_xlsx()), "kepala.ppid")
    batch = ImportBatch.objects.get()
    with pytest.raises(CommandError, match="four eyes"):
        _confirm(batch, "kepala.ppid")


def test_an_entry_changed_while_waiting_is_never_confirmed(world, head):
    _import(world, _write(merged_xlsx()))
    batch = ImportBatch.objects.get()
    item = batch.items.order_by("pk").first()
    with pytest.raises(NotAllowed):  # out of any step: nobody edits a waiting entry
        update_item(item, world.officer, title="Laporan yang diubah")
    try:  # nor, if a file could be added, does the confirmation cover it
        add_document(item, world.officer, pdf_upload())
    except ActionRefused:
        # Whatever the face, a change that bypasses the services is caught too.
        InformationItem.objects.filter(pk=item.pk).update(summary="Diubah diam-diam")
    with pytest.raises(Conflict):
        imports.confirm(batch, head, batch.fingerprint)
    assert not selectors.public_items().exists()
    assert ImportBatch.objects.get().state == ImportBatch.State.WAITING


def test_a_rejected_batch_is_withdrawn_unlisted(world, head):
    _import(world, _write(merged_xlsx()))
    batch = ImportBatch.objects.get()
    with pytest.raises(CommandError):
        call_command("import", "reject", str(batch.pk), "--user", "kepala.ppid")  # no note
    call_command("import", "reject", str(batch.pk), "--user", "kepala.ppid", "--note", "Salah")
    assert set(InformationItem.objects.values_list("status", flat=True)) == {Status.WITHDRAWN}
    assert not selectors.public_items().exists()
    # Imported again, the rows are new entries in a new batch.
    _import(world, _write(merged_xlsx()))
    assert ImportBatch.objects.filter(state=ImportBatch.State.WAITING).count() == 1


def test_an_edited_row_of_a_listed_entry_goes_through_its_sop_again(world, head):
    _import(world, _write(merged_xlsx()))
    batch = ImportBatch.objects.get()
    imports.confirm(batch, head, batch.fingerprint)
    edited = [list(r) for r in ROWS]
    edited[3][3] = "Sekretaris Biro"
    _import(world, _write(merged_xlsx(edited)))
    item = InformationItem.objects.get(title="Daftar Penerima Bantuan Sosial 2024")
    assert item.in_update and item.current_step is not None
    assert item.pending_changes == {"responsible_official": "Sekretaris Biro"}
    assert item.responsible_official == "Kepala Bagian"  # what the public still sees
    assert InformationItem.objects.count() == 4


def test_an_edit_refused_for_one_row_saves_nothing_at_all(world, head):
    _import(world, _write(merged_xlsx(ROWS[:2])))  # waits in its batch
    edited = [list(r) for r in ROWS]
    edited[0][3] = "Sekretaris Biro"
    with pytest.raises(CommandError):
        _import(world, _write(merged_xlsx(edited)))
    assert InformationItem.objects.count() == 2 and ImportBatch.objects.count() == 1


def test_only_the_ppid_utama_and_administrators_import(world):
    with pytest.raises(CommandError, match="PPID Utama"):
        _import(world, _write(merged_xlsx()), "petugas.kesra")
    assert not InformationItem.objects.exists() and not ImportBatch.objects.exists()
    admin = make_user("admin.kalbar", world.other_unit, Role.ADMIN)
    _import(world, _write(merged_xlsx()), admin.username)
    assert ImportBatch.objects.get().created_by == admin


def test_dry_run_saves_nothing(world, capsys):
    path = _write(flat_csv(), "dip.csv")
    call_command("import", "dip", path, "--body", world.body.slug, "--dry-run")
    assert not InformationItem.objects.exists()
    assert "2 new" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r.__setitem__(2, "Biro Kesejahteraan Rakjat"), "Did you mean: " + KESRA),
        (lambda r: r.__setitem__(1, ""), "summary of content is empty"),
        (lambda r: r.__setitem__(7, ""), "retention period is empty"),
        (lambda r: r.__setitem__(4, "31 Februari 2025"), "date does not exist"),
    ],
)
def test_one_bad_row_saves_nothing_and_is_named(world, change, expected):
    rows = [list(r) for r in ROWS]
    change(rows[3])
    with pytest.raises(CommandError):
        call_command("import", "dip", _write(merged_xlsx(rows)), "--body", world.body.slug,
                     "--user", "petugas.utama")  # fmt: skip
    assert not InformationItem.objects.exists()
    plan = dip_import.plan(merged_xlsx(rows), "dip.xlsx", world.body)
    (error,) = plan.errors
    assert error.row == 13 and expected in str(error)


DIK_SECTION = "D. INFORMASI YANG DIKECUALIKAN"


def dik_xlsx(rows) -> bytes:
    """A DIP with its exempt section and a "Dasar Pengecualian" column; `rows` are
    (section, ringkasan, ground)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*TOP[:5], "Bentuk Informasi", "Retensi Arsip", "Dasar Pengecualian"])
    section = None
    for key, title, ground in rows:
        if key != section:
            section = key
            sheet.append([DIK_SECTION if key == "D" else SECTIONS[key]])
        sheet.append(
            [1, title, KESRA, "Kepala Biro", "12/04/2024, Pontianak", "Hardcopy", "25 tahun",
             ground]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_exempt_rows_need_their_ground_and_no_other_row_names_one(world):
    rows = [
        ("A", "Laporan Keuangan 2024", ""),
        ("A", "Laporan Pengadaan 2024", "Pasal 17 huruf c"),
        ("D", "Rekam Medis Pasien", "Pasal 17 huruf h UU 14/2008"),
        ("D", "Berkas Penyidikan", ""),
        ("D", "Surat Rahasia", "rahasia"),
        ("D", "Kontrak Kerja Sama", "Pasal 17 huruf b dan e"),
    ]
    plan = dip_import.plan(dik_xlsx(rows), "dip.xlsx", world.body)
    by_row = {p.row: p for p in plan.problems}
    assert set(by_row) == {4, 7, 8, 9}  # row 1 is the header
    assert by_row[4].error and "not exempt information" in by_row[4].message
    for row in (7, 8):
        assert by_row[row].error and "only with its exemption ground" in by_row[row].message
        assert by_row[row].column == "Dasar Pengecualian"
    assert not by_row[9].error and "huruf b" in by_row[9].message
    grounds = {row.fields["title"]: row.ground for row in plan.rows}
    assert grounds == {"Laporan Keuangan 2024": "", "Rekam Medis Pasien": "h",
                       "Kontrak Kerja Sama": "b"}  # fmt: skip
    with pytest.raises(CommandError):
        _import(world, _write(dik_xlsx(rows)))
    assert not InformationItem.objects.exists()


def test_an_exempt_entry_reaches_the_dik_only_through_its_classification(world, head, client):
    rows = [("A", "Laporan Keuangan 2024", ""), ("D", "Rekam Medis Pasien", "Pasal 17 huruf h")]
    _import(world, _write(dik_xlsx(rows)))
    batch = ImportBatch.objects.get()
    _confirm(batch, "kepala.ppid")
    exempt = InformationItem.objects.get(title="Rekam Medis Pasien")
    assert exempt.category == Category.EXEMPT
    # No Penetapan Klasifikasi yet: the entry is in neither list but at its SOP's start.
    assert exempt.current_step.number == 1
    assert not selectors.exempt_items().filter(pk=exempt.pk).exists()
    assert not selectors.public_items().filter(pk=exempt.pk).exists()
    # The officer records the decision on a form that opens with the sheet's ground.
    client.force_login(world.approver)
    form = client.get(f"/kantor/informasi/{exempt.pk}/klasifikasi/").context["form"]
    assert form.initial["ground"] == "h" and form.initial["statute"] == "Pasal 17 huruf h"
    history = client.get(f"/kantor/informasi/{exempt.pk}/riwayat/").content.decode()
    assert "Pasal 17 huruf h" in history
    classify(exempt, world.approver)
    publish_item(world, exempt)
    assert selectors.exempt_items().filter(pk=exempt.pk).exists()
    assert not selectors.public_items().filter(pk=exempt.pk).exists()
    # Once decided, the form no longer proposes the sheet's ground.
    assert "ground" not in selectors.sheet_classification(exempt)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"Nama;Alamat\nBudi;Jl. Merdeka\n", "warga.csv", "No DIP table was found"),
        (b"x" * (50 * 1024 * 1024), "besar.csv", "larger than"),
        (None, "bom.xlsx", "unpacks to far more"),
        (b"\x00\x01\x02 not a sheet", "rusak.xlsx", "not an XLSX or ODS"),
    ],
)
def test_hostile_or_wrong_files_are_refused(world, content, name, expected):
    if content is None:  # a zip bomb: 150 MB of zeros in an XLSX's clothing
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
        content = out.getvalue()
        assert len(content) < 1024 * 1024
    plan = dip_import.plan(content, name, world.body)
    assert expected in str(plan.errors[0])
    with pytest.raises(CommandError):
        call_command("import", "dip", _write(content, name), "--body", world.body.slug,
                     "--user", "petugas.kesra")  # fmt: skip
    assert not InformationItem.objects.exists()


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_lenteras_own_export_imports_back_as_the_same_register(db, client, extension):
    """/dip.csv and /dip.xlsx of one installation, imported into a fresh one with the
    same body and units and walked through its SOP, list the same rows."""
    from lentera.testing import new_item

    def published(world, item):
        add_document(item, world.officer, pdf_upload(f"{item.title}.pdf", item.title))
        return publish_item(world, item)

    old = build_world()
    for fields in (
        dict(title="Laporan Keuangan 2024", category=Category.PERIODIC, year=2024),
        dict(title="Peringatan Dini Banjir", category=Category.IMMEDIATE, year=2025,
             form_hardcopy=False, made_place="Sintang"),
        dict(title="Standar Pelayanan", category=Category.ON_DEMAND, year=2023,
             made_on=datetime.date(2023, 12, 1), responsible_official="Sekretaris"),
    ):  # fmt: skip
        published(old, new_item(old, **fields))
    consolidated = _body(client.get(f"/dip.{extension}"))
    before = _table(_body(client.get(f"/dip.{extension}?badan={old.body.slug}")), extension)
    assert len(before) >= 4

    # A fresh installation: the same body and units, no items.
    name = old.body.name
    old.body.name = "Arsip instalasi lama"
    old.body.save()
    new = build_world(prefix="baru-")
    new.body.name = name
    new.body.save()
    path = _write(consolidated, f"dip.{extension}")
    call_command("import", "dip", path, "--body", new.body.slug, "--user", "baru-petugas.utama")
    imported = InformationItem.objects.filter(holding_unit__body=new.body)
    assert imported.count() == 3 and not selectors.public_items().filter(pk__in=imported)
    batch = ImportBatch.objects.get()
    imports.confirm(batch, make_user("baru-kepala.ppid", new.main, "approver"), batch.fingerprint)
    # Marked as soft copies, the entries wait in their SOP for their files (the sheet
    # does not carry them), then pass it as any new item does.
    for item in imported:
        item.refresh_from_db()
        assert item.current_step.number == 1
        published(new, item)
    after = _table(_body(client.get(f"/dip.{extension}?badan={new.body.slug}")), extension)
    assert after == before


def _body(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _table(content: bytes, extension: str) -> list[list]:
    """An export's cells without the link column (other ids in another installation)."""
    if extension == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [[cell for cell in row if not str(cell or "").startswith("http")] for row in rows]


def _write(content: bytes, name: str = "dip.xlsx") -> str:
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / name
    path.write_bytes(content)
    return str(path)


def test_a_waiting_entry_shows_in_the_office_as_waiting(world, head, client):
    _import(world, _write(merged_xlsx()))
    item = InformationItem.objects.order_by("pk").first()
    client.force_login(world.officer)
    page = client.get(f"/kantor/informasi/{item.pk}/")
    assert page.status_code == 200
    assert 'id="import-waiting"' in page.content.decode()
    assert 'class="done"' not in page.content.decode()
    assert client.get(f"/informasi/{item.pk}/").status_code == 404


def test_fingerprints_read_together_equal_those_read_one_by_one(world):
    from lentera.testing import new_item, sample_hardcopy

    plain = new_item(world, title="Tanpa berkas")
    with_files = new_item(world, title="Dengan berkas")
    add_document(with_files, world.officer, pdf_upload("a.pdf", "Satu"))
    add_document(with_files, world.officer, pdf_upload("b.pdf", "Dua"))
    sample_hardcopy(world, with_files)
    exempt = new_item(world, title="Dikecualikan", category=Category.EXEMPT)
    items = InformationItem.objects.filter(pk__in=[plain.pk, with_files.pk, exempt.pk])
    together = fingerprint.of_many(items)
    assert together == {item.pk: fingerprint.of(item) for item in items}
    assert len(set(together.values())) == 3


def _xlsx_with_merge(ref: str) -> bytes:
    """A small XLSX whose sheet declares one merged range `ref` (4 KB on disk)."""
    source = zipfile.ZipFile(io.BytesIO(merged_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<mergeCells",
                    f'<mergeCells><mergeCell ref="{ref}"/></mergeCells><x'.encode(),
                    1,
                )  # noqa: E501
                data = data.replace(b"<x count", b"<mergeCells count", 1)
            target.writestr(part, data)
    return out.getvalue()


def _ods_xml(body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="DIP">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
        )
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (lambda: _xlsx_with_merge("A1:BH100000"), "gabung.xlsx", "merges far more cells"),
        (lambda: _xlsx_with_merge("A1:BH1048576"), "gabung.xlsx", "merges far more cells"),
        (
            lambda: _ods_xml(
                "<table:table-row>" + '<table:table-cell table:number-columns-spanned="60" '
                'table:number-rows-spanned="60000"><text:p>x</text:p></table:table-cell>'
                * 3
                + "</table:table-row>"
            ),
            "bentang.ods",
            "merges far more cells",
        ),
        (
            lambda: _ods_xml(
                '<table:table-row><table:table-cell table:number-columns-repeated="x"'
                "/></table:table-row>"
            ),  # fmt: skip
            "rusak.ods",
            "damaged",
        ),
        (lambda: b"\xef\xbb\xbfNo;Ringkasan\n\xff\xfe\n", "bom.csv", "says it is UTF-8"),
        (lambda: b"\n" * 60_001, "kosong.csv", "more than 60000 rows"),
    ],
)
def test_small_hostile_files_are_refused_quickly(world, content, name, expected):
    import time

    started = time.perf_counter()
    plan = dip_import.plan(content(), name, world.body)
    assert time.perf_counter() - started < 20  # not minutes, nor gigabytes
    assert expected in str(plan.errors[0])


def test_realistic_variants_read_right(world):
    rows = [
        ["No", "Ringkasan Isi Informasi", "Unit Kerja", "Pejabat yang Bertanggung Jawab",
         "Tempat dan Tahun Pembuatan", "Bentuk Informasi (Softcopy/Hardcopy)", "Retensi"],
        ["A. INFORMASI YANG WAJIB TERSEDIA SETIAP SAAT", "", "", "", "", "", ""],
        ["1", "Laporan berkala yang telah diumumkan", "", "", "", "", ""],
        ["2", "Daftar Aset 2024", KESRA, "Kepala Biro", "Triwulan I 2024, Pontianak",
         "Hardcopy", "5 tahun"],
        ["3", "Daftar Aset 2024", "Dinas Kesehatan", "Kepala Dinas", "Tahun 2024",
         "Softcopy", "5 tahun"],
        ["4", "Surat Edaran 1 ſep 2024", KESRA, "Kepala Biro", "1 ſep 2024", "Softcopy",
         "5 tahun"],
    ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    plan = dip_import.plan(out.getvalue().encode(), "varian.csv", world.body)
    # The one-cell row is information missing its columns, loudly, not a new section.
    assert {p.row for p in plan.errors} == {3}
    plan.problems = [p for p in plan.problems if p.row != 3]
    by_unit = {(r.fields["holding_unit"].name, r.fields["title"]): r.fields for r in plan.rows}
    kesra = by_unit[(KESRA, "Daftar Aset 2024")]
    assert (kesra["form_softcopy"], kesra["form_hardcopy"]) == (False, True)
    assert (kesra["made_place"], kesra["year"], kesra["category"]) == (
        "Pontianak", 2024, Category.ON_DEMAND)  # fmt: skip
    assert kesra["responsible_official"] == "Kepala Biro"
    dinkes = by_unit[("Dinas Kesehatan", "Daftar Aset 2024")]  # same title, another unit
    assert (dinkes["made_place"], dinkes["year"]) == ("", 2024)
    odd = by_unit[(KESRA, "Surat Edaran 1 ſep 2024")]
    assert odd["made_on"] is None and odd["year"] == 2024


def _pdf(text: str) -> bytes:
    return pdf_upload("x.pdf", text).read()


def test_files_come_with_new_entries_by_row_number_and_by_name(world, head, tmp_path):
    folder = tmp_path / "berkas"
    folder.mkdir()
    (folder / "8-laporan-keuangan.pdf").write_bytes(_pdf("Laporan Keuangan"))
    (folder / "9.pdf").write_bytes(_pdf("Rencana Strategis"))
    (folder / "lain.pdf").write_bytes(_pdf("Tidak dipakai"))
    call_command("import", "dip", _write(merged_xlsx()), "--body", world.body.slug,
                 "--user", "petugas.utama", "--files", str(folder))  # fmt: skip
    batch = ImportBatch.objects.get()
    first = InformationItem.objects.get(title="Laporan Keuangan Tahun 2024")
    second = InformationItem.objects.get(title="Rencana Strategis 2025-2029")
    assert [v.original_name for v in first.documents.get().versions.all()] == [
        "8-laporan-keuangan.pdf"
    ]
    assert second.documents.count() == 1
    assert InformationItem.objects.filter(documents__isnull=True).count() == 2
    # The batch's fingerprint covers the files: the head confirms them too.
    imports.confirm(batch, head, batch.fingerprint)
    second.refresh_from_db()
    assert selectors.public_versions().filter(document__item=second).count() == 1


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if isinstance(data, zipfile.ZipInfo):
                archive.writestr(data, b"/etc/passwd")
            else:
                archive.writestr(name, data)
    return out.getvalue()


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16  # a symbolic link
    return info


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"../8.pdf": b"%PDF"}, "outside itself"),
        ({"/etc/8.pdf": b"%PDF"}, "outside itself"),
        ({"8.pdf": _link("8.pdf")}, "is a link"),
        ({"8.pdf": b"\0" * (30 * 1024 * 1024)}, "far more than it weighs"),
    ],
)
def test_hostile_archives_are_refused_and_save_nothing(world, tmp_path, members, expected):
    archive = tmp_path / "berkas.zip"
    archive.write_bytes(_zip(members))
    with pytest.raises(CommandError, match=expected):
        call_command("import", "dip", _write(merged_xlsx()), "--body", world.body.slug,
                     "--user", "petugas.utama", "--files", str(archive))  # fmt: skip
    assert not InformationItem.objects.exists()


def test_a_named_file_missing_and_a_bad_file_undo_everything(world, tmp_path):
    from pathlib import Path

    from django.core.files.storage import default_storage

    rows = [["No", "Ringkasan Isi Informasi", "Unit Kerja", "Penanggung Jawab",
             "Waktu dan Tempat", "Bentuk Informasi", "Retensi", "Kategori", "Nama Berkas"],
            ["1", "Profil 2025", KESRA, "Kepala", "5 Mei 2025, Pontianak", "Softcopy",
             "5 tahun", "Berkala", "profil.pdf"],
            ["2", "Program 2025", KESRA, "Kepala", "5 Mei 2025, Pontianak", "Softcopy",
             "5 tahun", "Berkala", "program.exe"]]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    sheet = _write(out.getvalue().encode(), "dip.csv")
    archive = tmp_path / "berkas.zip"
    archive.write_bytes(_zip({"Profil.PDF": _pdf("Profil")}))
    with pytest.raises(CommandError):  # program.exe is not among the files
        call_command("import", "dip", sheet, "--body", world.body.slug,
                     "--user", "petugas.utama", "--files", str(archive))  # fmt: skip
    stored_before = sorted(p.name for p in Path(default_storage.location).rglob("*") if p.is_file())
    archive.write_bytes(
        _zip({"Profil.PDF": _pdf("Profil"), "program.exe": b"MZ\x90\x00 not a document"})
    )
    with pytest.raises(CommandError):  # a file type no upload may have: all undone
        call_command("import", "dip", sheet, "--body", world.body.slug,
                     "--user", "petugas.utama", "--files", str(archive))  # fmt: skip
    assert not InformationItem.objects.exists() and not ImportBatch.objects.exists()
    stored = sorted(p.name for p in Path(default_storage.location).rglob("*") if p.is_file())
    assert stored == stored_before  # the profile's PDF, stored first, was removed again


def test_units_by_their_other_names_and_retention_by_the_jra(world, head):
    from lentera.organizations.models import UnitAlias
    from lentera.register.constants import Disposition
    from lentera.register.models import RetentionRule

    UnitAlias.objects.create(unit=world.unit, name="Biro Kesra")
    UnitAlias.objects.create(unit=world.other_unit, name="Dinkes")
    # An alias two units share names neither of them.
    UnitAlias.objects.create(unit=world.unit, name="Biro")
    UnitAlias.objects.create(unit=world.other_unit, name="Biro")
    rule = RetentionRule.objects.create(
        body=world.body, code="000.1.2", record_type="Laporan keuangan tahunan",
        active_years=2, inactive_years=8, disposition=Disposition.PERMANENT,
    )  # fmt: skip
    rule_short = RetentionRule.objects.create(
        body=world.body, code="000.1", record_type="Laporan",
        active_years=1, inactive_years=1, disposition=Disposition.DESTROY,
    )  # fmt: skip
    rows = [list(r) for r in ROWS]
    rows[0][2], rows[0][7] = "BIRO KESRA", "10 tahun (JRA 000.1.2)"
    rows[1][2], rows[1][7] = "Dinkes", "laporan keuangan  tahunan"
    rows[2][2] = "Biro"
    plan = dip_import.plan(merged_xlsx(rows), "dip.xlsx", world.body)
    (error,) = plan.errors
    assert error.row == 11 and error.value == "Biro"
    rows[2][2] = KESRA
    plan = dip_import.plan(merged_xlsx(rows), "dip.xlsx", world.body)
    assert not plan.errors
    first, second, third, _ = plan.rows
    assert (first.fields["holding_unit"], first.retention_rule) == (world.unit, rule)
    assert (second.fields["holding_unit"], second.retention_rule) == (world.other_unit, rule)
    assert third.retention_rule is None and rule_short.code not in "2 tahun"
    imports.apply(plan, world.main_officer)
    item = InformationItem.objects.get(title="Laporan Keuangan Tahun 2024")
    assert item.retention_rule == rule and item.retention_period == "10 tahun (JRA 000.1.2)"


def test_the_heads_of_the_ppid_hear_of_a_waiting_import(world, head, client, smtp):
    from lentera.deadlines.constants import Kind
    from lentera.deadlines.models import Notification
    from lentera.deadlines.notify import send_pending_notifications

    head.email = "kepala.ppid@kalbarprov.go.id"
    head.save()
    second_head = make_user("wakil.ppid", world.main, Role.APPROVER)
    Membership.objects.create(user=second_head, unit=world.main, role=Role.OFFICER)
    _import(world, _write(merged_xlsx()), "wakil.ppid")  # imports; never told to confirm
    batch = ImportBatch.objects.get()
    (told,) = Notification.objects.filter(kind=Kind.IMPORT)
    assert told.user == head and told.import_batch == batch and "dip.xlsx" in told.subject
    send_pending_notifications()
    assert [m["to"] for m in smtp.messages] == [[head.email]]
    assert f"/kantor/impor/{batch.pk}/" in smtp.messages[0]["body"]
    client.force_login(head)
    opened = client.get(f"/kantor/pemberitahuan/{told.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/kantor/impor/{batch.pk}/"


def _source_refusal(path) -> str:
    from lentera.register.import_files import Source

    with pytest.raises(ActionRefused) as refused:
        Source(str(path))
    return refused.value.message


def test_folders_with_links_or_odd_files_are_refused(tmp_path):
    import os

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "8.pdf").write_bytes(b"%PDF")
    os.symlink("/etc/passwd", tmp_path / "a" / "9.pdf")
    assert "is a link" in _source_refusal(tmp_path / "a")
    (tmp_path / "b").mkdir()
    os.mkfifo(tmp_path / "b" / "8.pdf")
    assert "not an ordinary file" in _source_refusal(tmp_path / "b")


def test_a_file_swapped_for_a_link_after_reading_is_refused(tmp_path):
    import os

    from lentera.register.import_files import Source

    (tmp_path / "8.pdf").write_bytes(b"%PDF-1.4 asli")
    source = Source(str(tmp_path))
    (entry,) = source.entries["8.pdf"]
    os.remove(tmp_path / "8.pdf")
    os.symlink("/etc/passwd", tmp_path / "8.pdf")
    with pytest.raises(ActionRefused, match="damaged or changed"):
        source.open(entry)


def _encrypted_looking_zip() -> bytes:
    """An archive whose member says it is encrypted (bit 0 of its flags, in the local and
    the central header)."""
    data = bytearray(_zip({"8.pdf": b"%PDF"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x1
    return bytes(data)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda: _encrypted_looking_zip(), "encrypted"),
        (lambda: _zip({"8.pdf": b"%PDF", "sub/8.PDF": b"%PDF"}), "two files named"),
        (lambda: _zip({".": b"%PDF"}), "without a name"),
        (lambda: _zip({"8.pdf": os.urandom(5000)})[:3000], "neither a folder nor a ZIP"),
    ],
)
def test_odd_archives_are_refused_with_a_message(tmp_path, content, expected):
    path = tmp_path / "berkas.zip"
    path.write_bytes(content())
    assert expected in _source_refusal(path)


def test_files_go_by_row_number_only_without_a_file_column_and_to_one_row(world, tmp_path):
    from lentera.register.import_files import Source

    rows = [["No", "Ringkasan Isi Informasi", "Unit Kerja", "Penanggung Jawab",
             "Waktu dan Tempat", "Bentuk Informasi", "Retensi", "Kategori", "Nama Berkas"],
            ["1", "Profil 2025", KESRA, "Kepala", "5 Mei 2025, Pontianak", "Softcopy",
             "5 tahun", "Berkala", "3.pdf"],
            ["2", "Program 2025", KESRA, "Kepala", "5 Mei 2025, Pontianak", "Softcopy",
             "5 tahun", "Berkala", ""],
            ["3", "Anggaran 2025", KESRA, "Kepala", "5 Mei 2025, Pontianak", "Softcopy",
             "5 tahun", "Berkala", "3.pdf"]]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    (tmp_path / "3.pdf").write_bytes(_pdf("Tiga"))
    plan = dip_import.plan(out.getvalue().encode(), "dip.csv", world.body, None, Source(tmp_path))
    # Row 3 (the empty cell) gets no file by its number; row 4 names row 2's file.
    assert [(r.number, [e.name for e in r.files]) for r in plan.rows] == [
        (2, ["3.pdf"]), (3, []), (4, ["3.pdf"])]  # fmt: skip
    (error,) = plan.errors
    assert error.row == 4 and "also row 2's" in error.message


def test_files_join_a_waiting_entry_only_through_its_import(world):
    _import(world, _write(merged_xlsx()))
    item = ImportBatch.objects.get().items.first()
    for who in (world.main_officer, world.officer):  # the batch is sealed: nobody adds
        with pytest.raises(ActionRefused):
            add_document(item, who, pdf_upload(), imported=True)
    assert not item.documents.exists()


def test_an_other_name_may_not_be_another_units(world):
    from django.core.exceptions import ValidationError

    from lentera.organizations.models import UnitAlias

    UnitAlias.objects.create(unit=world.other_unit, name="Dinkes")
    for taken in ("dinas  KESEHATAN", "dinkes"):
        with pytest.raises(ValidationError):
            UnitAlias(unit=world.unit, name=taken).full_clean()
    UnitAlias(unit=world.unit, name="Biro Kesra").full_clean()  # its own: fine


def test_only_an_importer_proposes_an_update_from_a_sheet(world, head):
    from lentera.register.services import propose_update

    _import(world, _write(merged_xlsx()))
    batch = ImportBatch.objects.get()
    imports.confirm(batch, head, batch.fingerprint)
    listed = selectors.public_items().get()
    with pytest.raises(NotAllowed):
        propose_update(listed, world.officer, responsible_official="Siapa saja")
    listed.refresh_from_db()
    assert not listed.in_update and listed.current_step is None


def _sheet(rows, headings=()) -> bytes:
    """A flat DIP: section rows (str) and rows of cells after the number."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*TOP[:5], "Bentuk Informasi", "Retensi Arsip", *headings])
    for number, row in enumerate(rows, 1):
        sheet.append([row] if isinstance(row, str) else [number, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SECRET = ["Rekam Medis Pasien 2024", KESRA, "Kepala Biro", "12/04/2024, Pontianak", "Softcopy",
          "25 tahun"]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "headings", "expected"),
    [
        # A category column that contradicts the exempt section above.
        (["D. INFORMASI YANG DIKECUALIKAN", [*SECRET, "Setiap Saat", "rm.pdf"]],
         ("Kategori", "Nama Berkas"), "section above says"),
        # The exempt section misspelt: it is still exempt, and needs its ground.
        ([SECTIONS["C"], "D. INFORMASI YANG DI KECUALIKAN", [*SECRET, "rm.pdf"]],
         ("Nama Berkas",), "only with its exemption ground"),
        # A section naming no category: its rows never fall under the public one above.
        ([SECTIONS["C"], "D. INFORMASI LAINNYA", [*SECRET, "rm.pdf"]], ("Nama Berkas",),
         "names no DIP category"),
    ],
)  # fmt: skip
def test_an_exempt_row_is_never_read_as_public(world, tmp_path, rows, headings, expected):
    archive = tmp_path / "berkas.zip"
    archive.write_bytes(_zip({"rm.pdf": _pdf("REKAM MEDIS RAHASIA")}))
    files = import_files.Source(str(archive))
    plan = dip_import.plan(_sheet(rows, headings), "dip.xlsx", world.body, None, files)
    files.close()
    assert any(expected in p.message for p in plan.errors), [str(p) for p in plan.problems]
    assert imports.apply(plan, world.main_officer) is None
    assert not InformationItem.objects.exists()


def test_a_dash_in_the_ground_column_of_a_public_row_is_no_ground(world):
    content = _sheet([SECTIONS["A"], [*SECRET, "-"]], ("Dasar Pengecualian",))
    plan = dip_import.plan(content, "dip.xlsx", world.body)
    assert not plan.errors and plan.rows[0].fields["category"] == Category.PERIODIC


@pytest.mark.parametrize(
    ("cell", "grounds"),
    [
        ("Pasal 17 huruf h UU 14/2008", ["h"]),
        ("UU 14 Tahun 2008 Pasal 17 ayat (1) huruf (c)", ["c"]),
        ("17.h", ["h"]),
        ("huruf h, i, dan j", ["h", "i", "j"]),
        ("h. rahasia pribadi", ["h"]),
        ("(h)", ["h"]),
        ("e-KTP (Pasal 17 huruf h)", ["h"]),  # the article wins over a first letter
        ("Pasal 6 ayat (3) huruf c", []),  # another article's letter
        ("Perpres 17 b", []),
        ("a.n. Kepala Dinas", []),
        ("Hak cipta", []),
    ],
)
def test_grounds_are_read_from_pasal_17_only(cell, grounds):
    assert dip_layout.exemption_grounds(cell) == grounds


def test_a_long_ground_cell_is_read_at_once():
    started = time.monotonic()
    for cell in ("17" + " " * 100_000 + "x", "Pasal 17" + " " * 100_000, "huruf" + " " * 100_000):
        assert dip_layout.exemption_grounds(cell) == []
    assert time.monotonic() - started < 5  # a quadratic regex took minutes


def test_the_same_plan_saved_twice_saves_once(world):
    first = dip_import.plan(merged_xlsx(), "dip.xlsx", world.body)
    second = dip_import.plan(merged_xlsx(), "dip.xlsx", world.body)
    imports.apply(first, world.main_officer)
    assert imports.apply(second, world.main_officer) is None
    assert "imported meanwhile" in str(second.errors[0])
    assert ImportBatch.objects.count() == 1 and InformationItem.objects.count() == len(ROWS)


def _zip_raw(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytearray:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)
    return bytearray(out.getvalue())


def _bad_utf8_name() -> bytes:
    raw = _zip_raw([(zipfile.ZipInfo("8.pdf"), b"%PDF-1.4")])
    directory = raw.rfind(b"PK\x01\x02")
    raw[directory + 9] |= 0x08  # the flag: names are UTF-8
    raw[raw.find(b"8.pdf", directory)] = 0xFF  # and this one is not
    return bytes(raw)


def _corrupt_lzma() -> bytes:
    info = zipfile.ZipInfo("8.pdf")
    info.compress_type = zipfile.ZIP_LZMA
    raw = _zip_raw([(info, _pdf("Laporan") * 50)])
    for at in range(55, 95):
        raw[at] ^= 0x55
    return bytes(raw)


def _many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(import_files.MAX_MEMBERS + 1):
            archive.writestr(f"{number}.txt", b"")
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "expected"),
    [(_bad_utf8_name, "damaged"), (_many_members, "more than 10,000 files")],
)
def test_archives_that_crashed_the_reader_are_refused(tmp_path, make, expected):
    path = tmp_path / "berkas.zip"
    path.write_bytes(make())
    assert expected in _source_refusal(path)


def test_a_member_that_fails_to_unpack_undoes_the_import(world, tmp_path, files_dir):
    path = tmp_path / "berkas.zip"
    path.write_bytes(_corrupt_lzma())
    files = import_files.Source(str(path))
    plan = dip_import.plan(merged_xlsx(), "dip.xlsx", world.body, None, files)
    assert imports.apply(plan, world.main_officer) is None
    files.close()
    assert "damaged" in str(plan.errors[0])
    assert not InformationItem.objects.exists()
    assert not [p for p in files_dir.rglob("*") if p.is_file()]
