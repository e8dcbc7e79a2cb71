"""Builders shared by the tests of every app: a body with units, people and an SOP."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.register.constants import Category, ExemptionGround
from lentera.register.services import create_item, record_classification
from lentera.sop.presets import PRESET_DIR, load_preset

PASSWORD = "kata-sandi-uji-123"


def make_user(username: str, unit: Unit | None = None, *roles: str):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.replace(".", " ").title()
    )
    for role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class World:
    """One body running seed 003, with a unit and the people of every role."""

    body: PublicBody
    main: Unit
    unit: Unit
    other_unit: Unit
    officer: object  # officer of `unit`
    approver: object  # approver (Kepala PPID) of `unit`
    main_officer: object  # officer of the PPID Utama
    other_officer: object  # officer of `other_unit`
    outsider: object  # logged in, no membership


def build_world(prefix: str = "") -> World:
    body = PublicBody.objects.create(
        name=f"{prefix}Pemerintah Provinsi Kalimantan Barat", slug=f"{prefix}kalbar"
    )
    main = Unit.objects.create(
        body=body,
        name="Dinas Komunikasi dan Informatika",
        slug=f"{prefix}diskominfo",
        ppid_role=PpidRole.MAIN,
    )
    unit = Unit.objects.create(
        body=body, parent=main, name="Biro Kesejahteraan Rakyat", slug=f"{prefix}biro-kesra"
    )
    other = Unit.objects.create(
        body=body, parent=main, name="Dinas Kesehatan", slug=f"{prefix}dinkes"
    )
    sop, _ = load_preset(PRESET_DIR / "kalbar-diskominfo-2024.toml")
    body.sop = sop
    body.save()
    return World(
        body=body,
        main=main,
        unit=unit,
        other_unit=other,
        officer=make_user(f"{prefix}petugas.kesra", unit, Role.OFFICER),
        approver=make_user(f"{prefix}kepala.kesra", unit, Role.APPROVER),
        main_officer=make_user(f"{prefix}petugas.utama", main, Role.OFFICER),
        other_officer=make_user(f"{prefix}petugas.dinkes", other, Role.OFFICER),
        outsider=make_user(f"{prefix}warga"),
    )


def item_fields(unit: Unit, **overrides) -> dict:
    fields = dict(
        title="Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2024",
        summary="Capaian kinerja Biro Kesejahteraan Rakyat terhadap sasaran strategis tahun 2024.",
        holding_unit=unit,
        responsible_official="Kepala Biro Kesejahteraan Rakyat",
        made_on=datetime.date(2025, 2, 14),
        made_place="Pontianak",
        form_softcopy=True,
        form_hardcopy=True,
        retention_period="5 tahun",
        category=Category.PERIODIC,
        legal_basis="Peraturan Presiden Nomor 29 Tahun 2014",
        year=2024,
    )
    fields.update(overrides)
    return fields


def new_item(world: World, **overrides):
    """An item recorded by the unit's officer; an exempt one gets its classification."""
    item = create_item(world.officer, **item_fields(world.unit, **overrides))
    if item.category == Category.EXEMPT:
        classify(item, world.approver)
    return item


def classify(item, by, **overrides):
    """Record a complete Penetapan Klasifikasi for `item`."""
    fields = dict(
        ground=ExemptionGround.PRIVACY,
        statute="UU 14/2008 Pasal 17 huruf h; UU 27/2022 tentang Pelindungan Data Pribadi",
        consequence_test="Membuka data ini mengungkap rahasia pribadi penerima bantuan.",
        public_interest_test="Perlindungan data pribadi lebih besar manfaatnya bagi publik.",
        participants="PPID Utama, PPID Pelaksana, Bagian Hukum",
        decided_by="Kepala Dinas Komunikasi dan Informatika selaku PPID",
        approved_by="Gubernur Kalimantan Barat",
        decree_number="SK PPID 12/2025",
        decided_on=datetime.date(2025, 3, 1),
        exempt_until=datetime.date(2030, 3, 1),
    )
    fields.update(overrides)
    return record_classification(item, by, **fields)


def pdf_upload(name: str = "lkjip-2024.pdf", text: str = "LKjIP 2024") -> SimpleUploadedFile:
    """A small but real PDF file."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return SimpleUploadedFile(name, bytes(pdf.output()), content_type="application/pdf")
