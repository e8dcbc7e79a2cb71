"""The demo's tables: bodies and units from the seeds, their people and a register."""

import datetime
from dataclasses import dataclass

from lentera.organizations.constants import Role
from lentera.register.constants import Category
from lentera.sop.constants import StepKind

date = datetime.date
MAIN = "main"


@dataclass(frozen=True)
class DemoUnit:
    slug: str
    name: str
    short_name: str
    # "main" for the PPID Utama; else the parent's slug, the PPID Utama when empty.
    parent: str = ""

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
    units: tuple[DemoUnit, ...]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    unit: str  # slug
    role: str


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
    # The kind of step where the item is left waiting; None walks every step.
    waits_at: str | None = None
    # When set, the first review or approval step returns the item with this note.
    return_note: str = ""

    @property
    def has_soft_copy(self) -> bool:
        """Officers attach the file once collected: before approval, or before a return."""
        return self.waits_at not in (StepKind.COLLECT, StepKind.INPUT) or bool(self.return_note)


BODIES = (
    DemoBody(
        slug="kota-pontianak",
        name="Pemerintah Kota Pontianak",
        short_name="Kota Pontianak",
        address="Jl. Rahadi Usman No. 3, Pontianak",
        website="https://pontianak.go.id",
        place="Pontianak",
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
        units=(
            DemoUnit("kalbar-diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", MAIN),
            DemoUnit("kalbar-setda", "Sekretariat Daerah", "Setda"),
            DemoUnit(
                "kalbar-biro-kesra", "Biro Kesejahteraan Rakyat", "Biro Kesra", "kalbar-setda"
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
PEOPLE = tuple(
    DemoPerson(*row)
    for row in (
        ("petugas.ppid.ptk", "Rina", "Marlina", "pontianak-diskominfo", OFF),
        ("penelaah.ppid.ptk", "Hendra", "Gunawan", "pontianak-diskominfo", REV),
        ("kepala.ppid.ptk", "Muhammad", "Syafrudin", "pontianak-diskominfo", APP),
        ("admin.ppid.ptk", "Yohanes Andi", "Saputra", "pontianak-diskominfo", ADM),
        ("petugas.dinsos.ptk", "Siti", "Rahmawati", "pontianak-dinsos", OFF),
        ("kepala.dinsos.ptk", "Dedi", "Kurniawan", "pontianak-dinsos", APP),
        ("petugas.disdikbud.ptk", "Nurul", "Hidayah", "pontianak-disdikbud", OFF),
        ("kepala.disdikbud.ptk", "Budi", "Santoso", "pontianak-disdikbud", APP),
        ("petugas.ppid.kalbar", "Dewi", "Anggraini", "kalbar-diskominfo", OFF),
        ("penelaah.ppid.kalbar", "Rizky", "Pratama", "kalbar-diskominfo", REV),
        ("kepala.ppid.kalbar", "Agus", "Salim", "kalbar-diskominfo", APP),
        ("admin.ppid.kalbar", "Lusiana", "Tjhin", "kalbar-diskominfo", ADM),
        ("petugas.kesra.kalbar", "Maria Goretti", "Lestari", "kalbar-biro-kesra", OFF),
        ("kepala.kesra.kalbar", "Syarif", "Abdurrahman", "kalbar-biro-kesra", APP),
        ("petugas.dinkes.kalbar", "Fitri", "Handayani", "kalbar-dinkes", OFF),
        ("kepala.dinkes.kalbar", "Stefanus", "Alexander", "kalbar-dinkes", APP),
        ("petugas.ppid.bangka", "Eka Putri", "Lestari", "bangka-dinkominfotik", OFF),
        ("penelaah.ppid.bangka", "Rahmat", "Hidayat", "bangka-dinkominfotik", REV),
        ("kepala.ppid.bangka", "Ahmad", "Fauzi", "bangka-dinkominfotik", APP),
        ("admin.ppid.bangka", "Ferry", "Setiawan", "bangka-dinkominfotik", ADM),
        ("petugas.dinkes.bangka", "Sri", "Wahyuni", "bangka-dinkes", OFF),
        ("kepala.dinkes.bangka", "Hasanudin", "", "bangka-dinkes", APP),
        ("petugas.disdik.bangka", "Yuliana", "Sari", "bangka-disdik", OFF),
        ("kepala.disdik.bangka", "Teguh", "Santoso", "bangka-disdik", APP),
        ("petugas.bappeda.bangka", "Indra", "Jaya", "bangka-bappeda", OFF),
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
        return_note=(
            "Lengkapi tabel capaian indikator kinerja utama dan tanda tangan Kepala Dinas."
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
        waits_at=StepKind.APPROVE,
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
        waits_at=StepKind.INPUT,
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
        waits_at=StepKind.COLLECT,
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
        waits_at=StepKind.PUBLISH,
    ),
    # Provinsi Kalimantan Barat
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
        waits_at=StepKind.APPROVE,
        return_note=("Halaman lampiran rencana penarikan dana belum ada; unggah dokumen lengkap."),
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
        waits_at=StepKind.INPUT,
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
        waits_at=StepKind.PUBLISH,
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
        waits_at=StepKind.PUBLISH,
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
        waits_at=StepKind.COLLECT,
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
        waits_at=StepKind.APPROVE,
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
        waits_at=StepKind.INPUT,
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
    ),
)
