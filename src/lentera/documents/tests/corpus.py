"""Test files made in code, good and bad: each function returns (file name, bytes).

The good files carry known Indonesian words (WORDS[name]) that extraction must find.
No binary fixture is committed; the scanned page is drawn with Pillow's built-in
scalable font, so no system font is needed.
"""

import io
import struct
import zipfile
import zlib

# Words each good file carries, to find again in its extracted text.
WORDS = {
    "pdf": ["anggaran", "pendapatan", "belanja"],
    "scan": ["keterbukaan", "masyarakat", "kesejahteraan", "pelayanan"],
    "docx": ["puskesmas", "imunisasi", "kecamatan", "posyandu"],
    "xlsx": ["penerima", "bantuan", "sosial", "kelurahan"],
    "odt": ["perjanjian", "kerja", "sama", "pemerintah"],
    "ods": ["realisasi", "pajak", "daerah", "retribusi"],
    "pptx": ["sosialisasi", "keterbukaan", "informasi", "publik"],
    "csv": ["jembatan", "pembangunan", "desa"],
    "txt": ["pengumuman", "seleksi", "pegawai"],
}

SCANNED_LINES = [
    "PEMERINTAH PROVINSI KALIMANTAN BARAT",
    "Laporan Penyelenggaraan Pelayanan Informasi Publik",
    "Masyarakat berhak memperoleh informasi publik",
    "sesuai Undang-Undang Nomor 14 Tahun 2008 tentang",
    "Keterbukaan Informasi Publik demi kesejahteraan rakyat.",
]


def text_pdf(name: str = "laporan-keuangan.pdf") -> tuple[str, bytes]:
    """A two-page PDF with a text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Laporan Realisasi Anggaran Pendapatan dan Belanja Daerah 2024.")
    pdf.add_page()
    pdf.multi_cell(0, 8, "Belanja modal untuk pembangunan gedung pelayanan terpadu.")
    return name, bytes(pdf.output())


def long_text_pdf(name: str = "laporan-tahunan.pdf", pages: int = 100) -> tuple[str, bytes]:
    """A PDF whose text layer takes a few hundred milliseconds to read: long enough for
    a signal sent as its extractor starts to arrive first, however loaded the machine."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Halaman {number}. " + "Realisasi anggaran belanja daerah. " * 40)
    return name, bytes(pdf.output())


def scanned_page_image():
    """A Pillow image of a printed Indonesian page, as a 300 dpi scanner makes it."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=40)
    page = Image.new("L", (2480, 1000), 255)
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(SCANNED_LINES):
        draw.text((160, 160 + number * 80), line, font=font, fill=0)
    return page


def pdf_with_a_scanned_last_page(
    name: str = "laporan-dan-lampiran.pdf", text_pages: int = 5
) -> tuple[str, bytes]:
    """Pages with a text layer ("Halaman 1" ...), then a scanned page that OCR must read."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, text_pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Halaman {number}. Laporan realisasi anggaran belanja daerah.")
    pdf.add_page()
    pdf.image(scanned_page_image(), x=0, y=0, w=pdf.w)
    return name, bytes(pdf.output())


def scanned_png(name: str = "surat-pindaian.png") -> tuple[str, bytes]:
    buffer = io.BytesIO()
    scanned_page_image().save(buffer, "PNG", dpi=(300, 300))
    return name, buffer.getvalue()


def scanned_pdf(name: str = "surat-pindaian.pdf") -> tuple[str, bytes]:
    """A PDF holding only the page image: no text layer, OCR must read it."""
    buffer = io.BytesIO()
    scanned_page_image().save(buffer, "PDF", resolution=300)
    return name, buffer.getvalue()


def docx_file(name: str = "laporan-puskesmas.docx") -> tuple[str, bytes]:
    """A Word document whose words are in a paragraph and in a table."""
    import docx

    document = docx.Document()
    document.add_heading("Laporan Puskesmas Kecamatan Siantan", level=1)
    document.add_paragraph("Cakupan imunisasi dasar lengkap meningkat.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Kegiatan"
    table.cell(0, 1).text = "Jumlah"
    table.cell(1, 0).text = "Posyandu balita"
    table.cell(1, 1).text = "42"
    buffer = io.BytesIO()
    document.save(buffer)
    return name, buffer.getvalue()


def xlsx_file(name: str = "penerima-bantuan.xlsx") -> tuple[str, bytes]:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bantuan Sosial"
    sheet.append(["Kelurahan", "Penerima", "Jumlah"])
    sheet.append(["Sungai Jawi", "Penerima bantuan pangan", 120])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return name, buffer.getvalue()


def odt_file(name: str = "perjanjian-kerja-sama.odt") -> tuple[str, bytes]:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Perjanjian Kerja Sama"))
    document.text.addElement(P(text="Antara pemerintah provinsi dan pemerintah kota."))
    buffer = io.BytesIO()
    document.write(buffer)
    return name, buffer.getvalue()


def ods_file(name: str = "realisasi-pajak.ods") -> tuple[str, bytes]:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Realisasi")
    for values in (["Realisasi", "Pajak Daerah"], ["Retribusi", "1.250.000"]):
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return name, buffer.getvalue()


def pptx_file(name: str = "sosialisasi.pptx") -> tuple[str, bytes]:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
    slide.shapes.title.text = "Sosialisasi Keterbukaan Informasi"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "Informasi publik wajib diumumkan secara berkala."
    buffer = io.BytesIO()
    presentation.save(buffer)
    return name, buffer.getvalue()


def csv_file(name: str = "pembangunan-desa.csv") -> tuple[str, bytes]:
    rows = "desa,kegiatan,anggaran\nSungai Ambawang,Pembangunan jembatan kayu,250000000\n"
    return name, rows.encode("utf-8")


def txt_file(name: str = "pengumuman.txt") -> tuple[str, bytes]:
    return name, "Pengumuman hasil seleksi pegawai pemerintah — tahap ke-2\n".encode()


def cp1252_txt_file(name: str = "pengumuman-lama.txt") -> tuple[str, bytes]:
    """Plain text from an old Windows editor: the dash is a Windows-1252 byte.

    It comes after 10 KB of plain ASCII, so the upload's type check (which reads
    the start of the file) takes it for text.
    """
    lines = "Daftar peserta seleksi\r\n" * 450 + "Pengumuman seleksi pegawai — tahap akhir\r\n"
    return name, lines.encode("cp1252")


def truncated_pdf(name: str = "terpotong.pdf") -> tuple[str, bytes]:
    """A PDF cut off halfway, as an interrupted download leaves it."""
    _, data = text_pdf()
    return name, data[: len(data) // 2]


def encrypted_pdf(name: str = "rahasia.pdf") -> tuple[str, bytes]:
    """A PDF that opens only with its password."""
    from pypdf import PdfReader, PdfWriter

    _, data = text_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="kata-sandi", owner_password="pemilik", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return name, buffer.getvalue()


def zip_bomb_docx(name: str = "bom-zip.docx", unpacked_mb: int = 64) -> tuple[str, bytes]:
    """A real DOCX plus a member of zeros that unpacks to `unpacked_mb` MB (~1000:1)."""
    _, data = docx_file()
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/isi.bin", "w", force_zip64=True) as member:
            zeros = bytes(1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(zeros)
    return name, buffer.getvalue()


def huge_image_png(name: str = "raksasa.png", side: int = 100_000) -> tuple[str, bytes]:
    """A tiny PNG file whose header declares side × side pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"\x00" * (side + 1))  # one row; the rest is missing
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
    return name, data + chunk(b"IEND", b"")


def old_doc_file(name: str = "surat-lama.doc") -> tuple[str, bytes]:
    """The start of a Word 97-2003 file (an OLE compound document)."""
    return name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Surat Keputusan" * 32


GOOD_FILES = {
    "pdf": text_pdf,
    "docx": docx_file,
    "xlsx": xlsx_file,
    "odt": odt_file,
    "ods": ods_file,
    "pptx": pptx_file,
    "csv": csv_file,
    "txt": txt_file,
}
