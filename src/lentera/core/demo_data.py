"""The demo's tables: bodies and units from the seeds, their people and a register.

Each body follows its own seed SOP (Biro Kesra chose seed 002 for itself), so the
items name the steps where they wait by the step numbers of that SOP:

- kota-pontianak-2023: 1 Pejabat Bidang PID, 2 PPID Utama reviews, 3 the OPD hands over
  the data (soft copy), 4 PPID Utama reviews, 5 Pejabat Bidang publishes.
- kalbar-diskominfo-2024: 1 and 2 the SKPD's Petugas PPID, 3 its Kepala PPID approves,
  4 the PPID Utama's Petugas PPID publishes, 5 the application.
- kalbar-biro-kesra-2021: 1 PPID Pelaksana (hard copy), 2 Petugas Dokumentasi (soft
  copy), 3 the PPID stores it; no publish step.
- bangka-dinkominfotik-2024: 1 to 3 PPID Pelaksana, 4 PPID reviews (with a note),
  5 Atasan PPID ratifies and publishes.
"""

import datetime
from dataclasses import dataclass

from lentera.organizations.constants import Role
from lentera.register.constants import Category, ExemptionGround

date = datetime.date
MAIN = "main"


@dataclass(frozen=True)
class DemoUnit:
    slug: str
    name: str
    short_name: str
    # "main" for the PPID Utama; else the parent's slug, the PPID Utama when empty.
    parent: str = ""
    # The key of the SOP preset this unit chose for itself; empty follows the body's.
    sop: str = ""

    @property
    def main(self) -> bool:
        return self.parent == MAIN


@dataclass(frozen=True)
class DemoBody:
    slug: str
    name: str
    short_name: str
    address: str
    website: str
    place: str  # where its information is made (tempat pembuatan)
    sop: str  # the key of the SOP preset the body follows
    units: tuple[DemoUnit, ...]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    unit: str  # slug
    role: str
    # What the SOPs call this person; a step whose performer (as in the SOP) reads
    # the same goes to them first.
    title: str = ""


@dataclass(frozen=True)
class DemoExemption:
    """The Penetapan Klasifikasi of an exempt demo item."""

    ground: str
    statute: str
    consequence_test: str
    public_interest_test: str
    participants: str
    decided_by: str
    approved_by: str
    decree_number: str
    decided_on: datetime.date
    exempt_until: datetime.date


@dataclass(frozen=True)
class DemoItem:
    unit: str  # slug of the holding unit
    title: str
    summary: str
    official: str
    made_on: datetime.date
    retention: str
    legal_basis: str
    year: int
    category: str = Category.PERIODIC
    hardcopy: bool = True
    # The number of the step (of its unit's SOP) where the item is left waiting;
    # None walks every step.
    waits_at: int | None = None
    # When set, the performer of step `return_from` sends the item back to the step
    # before it once, with this note; the officer then applies `correction` (never
    # the title: the demo finds its items by title).
    return_from: int = 0
    return_note: str = ""
    correction: tuple[tuple[str, str], ...] = ()
    # Penetapan Klasifikasi for an exempt item that passes a review or approval step.
    exemption: DemoExemption | None = None
    # Once listed, the item is reopened with these proposed changes, which wait at
    # step `update_waits_at` of the update.
    update: tuple[tuple[str, str], ...] = ()
    update_note: str = ""
    update_waits_at: int | None = None


BODIES = (
    DemoBody(
        slug="kota-pontianak",
        name="Pemerintah Kota Pontianak",
        short_name="Kota Pontianak",
        address="Jl. Rahadi Usman No. 3, Pontianak",
        website="https://pontianak.go.id",
        place="Pontianak",
        sop="kota-pontianak-2023",
        units=(
            DemoUnit(
                "pontianak-diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", MAIN
            ),
            DemoUnit("pontianak-dinsos", "Dinas Sosial", "Dinsos"),
            DemoUnit("pontianak-disdikbud", "Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
        ),
    ),
    DemoBody(
        slug="prov-kalbar",
        name="Pemerintah Provinsi Kalimantan Barat",
        short_name="Prov. Kalbar",
        address="Jl. Ahmad Yani, Pontianak",
        website="https://kalbarprov.go.id",
        place="Pontianak",
        sop="kalbar-diskominfo-2024",
        units=(
            DemoUnit("kalbar-diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", MAIN),
            DemoUnit("kalbar-setda", "Sekretariat Daerah", "Setda"),
            DemoUnit(
                "kalbar-biro-kesra",
                "Biro Kesejahteraan Rakyat",
                "Biro Kesra",
                "kalbar-setda",
                sop="kalbar-biro-kesra-2021",
            ),
            DemoUnit("kalbar-dinkes", "Dinas Kesehatan", "Dinkes"),
        ),
    ),
    DemoBody(
        slug="kab-bangka",
        name="Pemerintah Kabupaten Bangka",
        short_name="Kab. Bangka",
        address="Jl. A. Yani (Jalur Dua), Sungailiat",
        website="https://bangka.go.id",
        place="Sungailiat",
        sop="bangka-dinkominfotik-2024",
        units=(
            DemoUnit(
                "bangka-dinkominfotik",
                "Dinas Komunikasi, Informatika dan Statistik",
                "Dinkominfotik",
                MAIN,
            ),
            DemoUnit("bangka-dinkes", "Dinas Kesehatan", "Dinkes"),
            DemoUnit("bangka-disdik", "Dinas Pendidikan", "Disdik"),
            DemoUnit("bangka-bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda"),
        ),
    ),
)

OFF, REV, APP, ADM = Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.ADMIN
# Performers as the seed SOPs name them.
PEJABAT_BIDANG = "Pejabat Bidang Pelayanan Informasi dan Dokumentasi"
PENDUKUNG = "PPID Pendukung (OPD)"
PELAKSANA = "PPID Pelaksana"
DOKUMENTASI = "Petugas Dokumentasi"
LAYANAN = "Petugas Layanan"
PENELAAH_UTAMA = "Penelaah PPID Utama"
PEOPLE = tuple(
    DemoPerson(*row)
    for row in (
        ("petugas.ppid.ptk", "Rina", "Marlina", "pontianak-diskominfo", OFF, PEJABAT_BIDANG),
        ("penelaah.ppid.ptk", "Hendra", "Gunawan", "pontianak-diskominfo", REV, PENELAAH_UTAMA),
        ("kepala.ppid.ptk", "Muhammad", "Syafrudin", "pontianak-diskominfo", APP),
        ("admin.ppid.ptk", "Yohanes Andi", "Saputra", "pontianak-diskominfo", ADM),
        ("petugas.dinsos.ptk", "Siti", "Rahmawati", "pontianak-dinsos", OFF, PENDUKUNG),
        ("kepala.dinsos.ptk", "Dedi", "Kurniawan", "pontianak-dinsos", APP),
        ("petugas.disdikbud.ptk", "Nurul", "Hidayah", "pontianak-disdikbud", OFF, PENDUKUNG),
        ("kepala.disdikbud.ptk", "Budi", "Santoso", "pontianak-disdikbud", APP),
        ("petugas.ppid.kalbar", "Dewi", "Anggraini", "kalbar-diskominfo", OFF),
        ("penelaah.ppid.kalbar", "Rizky", "Pratama", "kalbar-diskominfo", REV),
        ("kepala.ppid.kalbar", "Agus", "Salim", "kalbar-diskominfo", APP),
        ("admin.ppid.kalbar", "Lusiana", "Tjhin", "kalbar-diskominfo", ADM),
        ("petugas.kesra.kalbar", "Maria Goretti", "Lestari", "kalbar-biro-kesra", OFF, PELAKSANA),
        ("dokumentasi.kesra.kalbar", "Hendrikus", "Lim", "kalbar-biro-kesra", OFF, DOKUMENTASI),
        ("kepala.kesra.kalbar", "Syarif", "Abdurrahman", "kalbar-biro-kesra", APP),
        ("petugas.dinkes.kalbar", "Fitri", "Handayani", "kalbar-dinkes", OFF),
        ("kepala.dinkes.kalbar", "Stefanus", "Alexander", "kalbar-dinkes", APP),
        ("petugas.ppid.bangka", "Eka Putri", "Lestari", "bangka-dinkominfotik", OFF, LAYANAN),
        ("penelaah.ppid.bangka", "Rahmat", "Hidayat", "bangka-dinkominfotik", REV, "PPID"),
        ("kepala.ppid.bangka", "Ahmad", "Fauzi", "bangka-dinkominfotik", APP, "Atasan PPID"),
        ("admin.ppid.bangka", "Ferry", "Setiawan", "bangka-dinkominfotik", ADM),
        ("petugas.dinkes.bangka", "Sri", "Wahyuni", "bangka-dinkes", OFF, PELAKSANA),
        ("kepala.dinkes.bangka", "Hasanudin", "", "bangka-dinkes", APP),
        ("petugas.disdik.bangka", "Yuliana", "Sari", "bangka-disdik", OFF, PELAKSANA),
        ("kepala.disdik.bangka", "Teguh", "Santoso", "bangka-disdik", APP),
        ("petugas.bappeda.bangka", "Indra", "Jaya", "bangka-bappeda", OFF, PELAKSANA),
        ("kepala.bappeda.bangka", "Nurhayati", "", "bangka-bappeda", APP),
    )
)

# Legal bases that several items share.
SAKIP = (
    "Peraturan Presiden Nomor 29 Tahun 2014 tentang "
    "Sistem Akuntabilitas Kinerja Instansi Pemerintah"
)
KEUANGAN = "Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah"
PERENCANAAN = (
    "Undang-Undang Nomor 25 Tahun 2004 tentang Sistem Perencanaan Pembangunan Nasional; "
    "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017"
)
PELAYANAN = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik; "
    "Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan"
)
KIP = "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"
RAHASIA_PRIBADI = (
    "Undang-Undang Nomor 14 Tahun 2008 Pasal 17 huruf h; "
    "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi"
)

ITEMS = (
    # Kota Pontianak
    DemoItem(
        unit="pontianak-dinsos",
        title="Rekapitulasi Penerima Bantuan Sosial per Kecamatan Tahun 2025",
        summary=(
            "Jumlah keluarga penerima manfaat PKH, BPNT dan bantuan sosial daerah di enam "
            "kecamatan Kota Pontianak, per triwulan; data agregat tanpa data pribadi."
        ),
        official="Kepala Dinas Sosial Kota Pontianak",
        made_on=date(2026, 1, 20),
        retention="5 tahun",
        legal_basis="Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin",
        year=2025,
    ),
    DemoItem(
        unit="pontianak-dinsos",
        title="Laporan Kinerja Instansi Pemerintah (LKjIP) Dinas Sosial Tahun 2025",
        summary=(
            "Capaian indikator kinerja utama Dinas Sosial terhadap sasaran Renstra, realisasi"
            " anggaran dan langkah perbaikan untuk tahun berikutnya."
        ),
        official="Kepala Dinas Sosial Kota Pontianak",
        made_on=date(2026, 2, 27),
        retention="5 tahun",
        legal_basis=SAKIP,
        year=2025,
        return_from=4,
        return_note=(
            "Lengkapi tabel capaian indikator kinerja utama dan tanda tangan Kepala Dinas."
        ),
        correction=(
            (
                "summary",
                "Capaian indikator kinerja utama Dinas Sosial terhadap sasaran Renstra, "
                "lengkap dengan tabel capaian per indikator, realisasi anggaran dan langkah "
                "perbaikan untuk tahun berikutnya.",
            ),
        ),
    ),
    DemoItem(
        unit="pontianak-dinsos",
        title="Standar Pelayanan Rehabilitasi Sosial Dasar Penyandang Disabilitas",
        summary=(
            "Persyaratan, alur, jangka waktu, biaya dan pengaduan layanan rehabilitasi sosial"
            " dasar bagi penyandang disabilitas terlantar di luar panti."
        ),
        official="Kepala Dinas Sosial Kota Pontianak",
        made_on=date(2026, 8, 3),
        retention="Selama berlaku",
        legal_basis=PELAYANAN,
        year=2026,
        category=Category.ON_DEMAND,
        waits_at=4,
    ),
    DemoItem(
        unit="pontianak-dinsos",
        title="Data Pribadi Calon Penerima Bantuan Sosial Tahun 2026",
        summary=(
            "Nama, NIK, alamat dan kondisi sosial ekonomi calon penerima bantuan sosial hasil"
            " verifikasi lapangan; informasi yang dikecualikan."
        ),
        official="Kepala Dinas Sosial Kota Pontianak",
        made_on=date(2026, 9, 14),
        retention="5 tahun",
        legal_basis=RAHASIA_PRIBADI,
        year=2026,
        category=Category.EXEMPT,
        hardcopy=False,
        exemption=DemoExemption(
            ground=ExemptionGround.PRIVACY,
            statute=RAHASIA_PRIBADI,
            consequence_test=(
                "Membuka nama, NIK dan kondisi sosial ekonomi calon penerima mengungkap "
                "rahasia pribadi dan membuka peluang penyalahgunaan data."
            ),
            public_interest_test=(
                "Kepentingan publik terpenuhi oleh rekapitulasi agregat per kecamatan yang "
                "sudah diumumkan; data per orang tidak menambah manfaat bagi publik."
            ),
            participants="PPID Utama, PPID Pendukung Dinas Sosial, Bagian Hukum Setda",
            decided_by="Kepala Dinas Komunikasi dan Informatika selaku PPID Utama",
            approved_by="Wali Kota Pontianak",
            decree_number="Keputusan PPID Utama Nomor 4 Tahun 2026",
            decided_on=date(2026, 9, 21),
            exempt_until=date(2031, 9, 21),
        ),
    ),
    DemoItem(
        unit="pontianak-disdikbud",
        title="Rencana Kerja (Renja) Dinas Pendidikan dan Kebudayaan Tahun 2027",
        summary=(
            "Program, kegiatan dan sub kegiatan prioritas pendidikan dasar dan kebudayaan "
            "tahun 2027 beserta indikator kinerja dan pagu indikatif."
        ),
        official="Kepala Dinas Pendidikan dan Kebudayaan Kota Pontianak",
        made_on=date(2026, 6, 12),
        retention="10 tahun",
        legal_basis=PERENCANAAN,
        year=2027,
    ),
    DemoItem(
        unit="pontianak-disdikbud",
        title="Rekapitulasi Penerima Beasiswa Pontianak Cerdas Tahun 2026",
        summary=(
            "Jumlah penerima beasiswa per jenjang (SD, SMP) dan per kecamatan beserta total "
            "dana yang disalurkan."
        ),
        official="Kepala Dinas Pendidikan dan Kebudayaan Kota Pontianak",
        made_on=date(2026, 10, 5),
        retention="5 tahun",
        legal_basis="Peraturan Wali Kota Pontianak tentang Pemberian Beasiswa",
        year=2026,
        waits_at=3,
    ),
    DemoItem(
        unit="pontianak-diskominfo",
        title="Profil PPID Pemerintah Kota Pontianak",
        summary=(
            "Struktur organisasi PPID Utama dan PPID Pelaksana, tugas dan fungsi, alamat, "
            "kontak layanan serta maklumat pelayanan informasi publik."
        ),
        official="Kepala Dinas Komunikasi dan Informatika Kota Pontianak",
        made_on=date(2026, 1, 8),
        retention="Permanen",
        legal_basis="Peraturan Wali Kota Pontianak Nomor 49 Tahun 2018",
        year=2026,
        hardcopy=False,
    ),
    DemoItem(
        unit="pontianak-diskominfo",
        title="Rencana Strategis (Renstra) Dinas Komunikasi dan Informatika 2025-2029",
        summary=(
            "Visi, misi, tujuan, sasaran, strategi dan arah kebijakan Diskominfo untuk lima "
            "tahun, selaras dengan RPJMD Kota Pontianak 2025-2029."
        ),
        official="Kepala Dinas Komunikasi dan Informatika Kota Pontianak",
        made_on=date(2025, 9, 30),
        retention="Permanen",
        legal_basis=PERENCANAAN,
        year=2025,
        waits_at=5,
    ),
    # Provinsi Kalimantan Barat (Biro Kesra on seed 002, the other units on seed 003)
    DemoItem(
        unit="kalbar-biro-kesra",
        title="Rencana Kerja dan Anggaran (RKA) Biro Kesejahteraan Rakyat TA 2026",
        summary=(
            "Rincian anggaran pendapatan dan belanja Biro Kesejahteraan Rakyat per program, "
            "kegiatan dan sub kegiatan untuk tahun anggaran 2026."
        ),
        official="Kepala Biro Kesejahteraan Rakyat Setda Provinsi Kalimantan Barat",
        made_on=date(2025, 10, 21),
        retention="10 tahun",
        legal_basis=KEUANGAN,
        year=2026,
    ),
    DemoItem(
        unit="kalbar-biro-kesra",
        title="Daftar Penerima Hibah Keagamaan Tahun Anggaran 2025",
        summary=(
            "Rekapitulasi penerima hibah rumah ibadah dan lembaga keagamaan per "
            "kabupaten/kota, nilai hibah dan tahap pencairan."
        ),
        official="Kepala Biro Kesejahteraan Rakyat Setda Provinsi Kalimantan Barat",
        made_on=date(2026, 1, 15),
        retention="10 tahun",
        legal_basis="Peraturan Menteri Dalam Negeri Nomor 77 Tahun 2020",
        year=2025,
    ),
    DemoItem(
        unit="kalbar-biro-kesra",
        title="Dokumen Pelaksanaan Anggaran (DPA) Biro Kesejahteraan Rakyat TA 2026",
        summary=(
            "Anggaran yang disahkan untuk setiap sub kegiatan Biro Kesejahteraan Rakyat "
            "beserta rencana penarikan dana per bulan."
        ),
        official="Kepala Biro Kesejahteraan Rakyat Setda Provinsi Kalimantan Barat",
        made_on=date(2026, 1, 9),
        retention="10 tahun",
        legal_basis=KEUANGAN,
        year=2026,
        waits_at=2,
        return_from=3,
        return_note="Halaman lampiran rencana penarikan dana belum ada; unggah dokumen lengkap.",
    ),
    DemoItem(
        unit="kalbar-biro-kesra",
        title="Standar Pelayanan Fasilitasi Beasiswa Mahasiswa Berprestasi",
        summary=(
            "Persyaratan pendaftaran, jadwal seleksi, jangka waktu dan kanal pengaduan "
            "program beasiswa mahasiswa berprestasi Pemerintah Provinsi."
        ),
        official="Kepala Biro Kesejahteraan Rakyat Setda Provinsi Kalimantan Barat",
        made_on=date(2026, 4, 2),
        retention="Selama berlaku",
        legal_basis=PELAYANAN,
        year=2026,
        category=Category.ON_DEMAND,
        waits_at=1,
        return_from=2,
        return_note="Sesuaikan jadwal seleksi dengan Keputusan Gubernur yang terbaru.",
    ),
    DemoItem(
        unit="kalbar-dinkes",
        title="Profil Kesehatan Provinsi Kalimantan Barat Tahun 2025",
        summary=(
            "Derajat kesehatan, fasilitas dan tenaga kesehatan, pembiayaan serta capaian "
            "standar pelayanan minimal bidang kesehatan di 14 kabupaten/kota."
        ),
        official="Kepala Dinas Kesehatan Provinsi Kalimantan Barat",
        made_on=date(2026, 7, 17),
        retention="5 tahun",
        legal_basis="Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan",
        year=2025,
    ),
    DemoItem(
        unit="kalbar-dinkes",
        title="Peringatan Dini Peningkatan Kasus Demam Berdarah Dengue",
        summary=(
            "Wilayah dengan peningkatan kasus DBD, langkah pencegahan 3M Plus dan daftar "
            "fasilitas kesehatan rujukan yang siaga."
        ),
        official="Kepala Dinas Kesehatan Provinsi Kalimantan Barat",
        made_on=date(2026, 11, 2),
        retention="2 tahun",
        legal_basis=f"{KIP} Pasal 10",
        year=2026,
        category=Category.IMMEDIATE,
        hardcopy=False,
    ),
    DemoItem(
        unit="kalbar-dinkes",
        title="Rencana Strategis (Renstra) Dinas Kesehatan 2025-2029",
        summary=(
            "Tujuan, sasaran, strategi dan program Dinas Kesehatan lima tahun ke depan "
            "beserta indikator kinerja dan pendanaan indikatif."
        ),
        official="Kepala Dinas Kesehatan Provinsi Kalimantan Barat",
        made_on=date(2025, 8, 29),
        retention="Permanen",
        legal_basis=PERENCANAAN,
        year=2025,
        waits_at=2,
        return_from=3,
        return_note="Sesuaikan indikator kinerja dengan RPJMD Provinsi yang telah ditetapkan.",
    ),
    DemoItem(
        unit="kalbar-diskominfo",
        title="Laporan Layanan Informasi Publik PPID Provinsi Tahun 2025",
        summary=(
            "Jumlah permohonan informasi, waktu layanan, permohonan yang ditolak beserta "
            "alasannya dan sengketa informasi sepanjang tahun 2025."
        ),
        official="Kepala Dinas Komunikasi dan Informatika Provinsi Kalimantan Barat",
        made_on=date(2026, 2, 10),
        retention="5 tahun",
        legal_basis="Peraturan Komisi Informasi Nomor 1 Tahun 2021",
        year=2025,
    ),
    DemoItem(
        unit="kalbar-diskominfo",
        title="Rekapitulasi LHKPN Pejabat Dinas Komunikasi dan Informatika 2025",
        summary=(
            "Daftar pejabat wajib lapor dan status penyampaian Laporan Harta Kekayaan "
            "Penyelenggara Negara periodik tahun 2025."
        ),
        official="Kepala Dinas Komunikasi dan Informatika Provinsi Kalimantan Barat",
        made_on=date(2026, 4, 6),
        retention="5 tahun",
        legal_basis="Peraturan KPK Nomor 2 Tahun 2020",
        year=2025,
        category=Category.ON_DEMAND,
        waits_at=4,
    ),
    # Kabupaten Bangka
    DemoItem(
        unit="bangka-dinkes",
        title="Laporan Keuangan Dinas Kesehatan Tahun Anggaran 2025",
        summary=(
            "Laporan realisasi anggaran, neraca, laporan operasional dan catatan atas laporan"
            " keuangan Dinas Kesehatan yang telah diperiksa BPK."
        ),
        official="Kepala Dinas Kesehatan Kabupaten Bangka",
        made_on=date(2026, 5, 28),
        retention="10 tahun",
        legal_basis=(
            "Peraturan Pemerintah Nomor 71 Tahun 2010 tentang Standar Akuntansi Pemerintahan"
        ),
        year=2025,
        return_from=4,
        return_note="Lampirkan opini BPK atas laporan keuangan, lalu ajukan kembali ke PPID.",
        correction=(
            (
                "summary",
                "Laporan realisasi anggaran, neraca, laporan operasional dan catatan atas "
                "laporan keuangan Dinas Kesehatan, dengan opini Wajar Tanpa Pengecualian "
                "dari BPK.",
            ),
        ),
    ),
    DemoItem(
        unit="bangka-dinkes",
        title="Standar Pelayanan Puskesmas Sungailiat",
        summary=(
            "Jenis layanan, persyaratan, prosedur, waktu, tarif retribusi dan pengaduan di "
            "Puskesmas Sungailiat."
        ),
        official="Kepala Dinas Kesehatan Kabupaten Bangka",
        made_on=date(2026, 3, 11),
        retention="Selama berlaku",
        legal_basis=PELAYANAN,
        year=2026,
        category=Category.ON_DEMAND,
        waits_at=5,
    ),
    DemoItem(
        unit="bangka-dinkes",
        title="Rekam Medis Pasien Rujukan RSUD Depati Bahrin",
        summary=(
            "Riwayat pemeriksaan dan diagnosis pasien yang dirujuk; informasi yang "
            "dikecualikan karena mengungkap rahasia pribadi."
        ),
        official="Kepala Dinas Kesehatan Kabupaten Bangka",
        made_on=date(2026, 10, 19),
        retention="25 tahun",
        legal_basis=RAHASIA_PRIBADI,
        year=2026,
        category=Category.EXEMPT,
        waits_at=1,
    ),
    DemoItem(
        unit="bangka-disdik",
        title="Daftar Program dan Kegiatan Dinas Pendidikan Tahun 2026",
        summary=(
            "Program, kegiatan, lokasi, sumber dana dan pagu anggaran Dinas Pendidikan, "
            "termasuk rehabilitasi ruang kelas SD dan SMP."
        ),
        official="Kepala Dinas Pendidikan Kabupaten Bangka",
        made_on=date(2026, 1, 26),
        retention="5 tahun",
        legal_basis=KEUANGAN,
        year=2026,
    ),
    DemoItem(
        unit="bangka-disdik",
        title="Data Pokok Pendidikan per Kecamatan Tahun 2026",
        summary=(
            "Jumlah satuan pendidikan, guru dan peserta didik jenjang PAUD, SD dan SMP di "
            "delapan kecamatan Kabupaten Bangka."
        ),
        official="Kepala Dinas Pendidikan Kabupaten Bangka",
        made_on=date(2026, 8, 24),
        retention="5 tahun",
        legal_basis="Peraturan Menteri Pendidikan dan Kebudayaan Nomor 79 Tahun 2015",
        year=2026,
        category=Category.ON_DEMAND,
        waits_at=4,
    ),
    DemoItem(
        unit="bangka-bappeda",
        title="Rencana Kerja Pemerintah Daerah (RKPD) Kabupaten Bangka Tahun 2027",
        summary=(
            "Prioritas pembangunan daerah, kerangka ekonomi dan pendanaan, serta program "
            "perangkat daerah untuk tahun 2027."
        ),
        official="Kepala Bappeda Kabupaten Bangka",
        made_on=date(2026, 6, 30),
        retention="Permanen",
        legal_basis=PERENCANAAN,
        year=2027,
    ),
    DemoItem(
        unit="bangka-bappeda",
        title="Rancangan RPJMD Kabupaten Bangka 2025-2029",
        summary=(
            "Rancangan visi, misi, tujuan, sasaran dan indikator kinerja daerah lima tahun "
            "hasil musyawarah perencanaan pembangunan."
        ),
        official="Kepala Bappeda Kabupaten Bangka",
        made_on=date(2025, 7, 14),
        retention="Permanen",
        legal_basis=PERENCANAAN,
        year=2025,
        waits_at=3,
        return_from=4,
        return_note="Rancangan belum memuat tabel indikator kinerja daerah; lengkapi dulu.",
    ),
    DemoItem(
        unit="bangka-dinkominfotik",
        title="Profil Dinas Komunikasi, Informatika dan Statistik",
        summary=(
            "Kedudukan, tugas dan fungsi, struktur organisasi, profil pejabat struktural dan "
            "alamat Dinkominfotik Kabupaten Bangka."
        ),
        official="Kepala Dinas Komunikasi, Informatika dan Statistik Kabupaten Bangka",
        made_on=date(2026, 2, 2),
        retention="Permanen",
        legal_basis="Peraturan Daerah Kabupaten Bangka Nomor 7 Tahun 2022",
        year=2026,
        update=(
            (
                "summary",
                "Kedudukan, tugas dan fungsi, struktur organisasi baru sesuai Peraturan Bupati "
                "Bangka Nomor 12 Tahun 2026, profil pejabat struktural dan alamat "
                "Dinkominfotik Kabupaten Bangka.",
            ),
        ),
        update_note="Struktur organisasi berubah; profil diperbarui.",
        update_waits_at=4,
    ),
)
