"""Builders shared by the tests of every app: a body with units, people and an SOP."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from lentera.documents.services import add_document, record_hardcopy
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.register.constants import Category, ExemptionGround
from lentera.register.services import create_item, record_classification
from lentera.register.workflow import complete_step, required_checks, submit
from lentera.sop.constants import Check, PerformerRole, PerformerScope
from lentera.sop.models import Sop, SopStep
from lentera.sop.policy import can_edit, intake_pending, is_checking
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


PONTIANAK = "kota-pontianak-2023.toml"
BIRO_KESRA = "kalbar-biro-kesra-2021.toml"
DISKOMINFO = "kalbar-diskominfo-2024.toml"
BANGKA = "bangka-dinkominfotik-2024.toml"
PRESET_FILES = (PONTIANAK, BIRO_KESRA, DISKOMINFO, BANGKA)


@dataclass(frozen=True)
class _Layout:
    body: str
    body_slug: str
    tag: str  # ends every username: petugas.dinsos.ptk
    main: tuple[str, str]  # (name, short) of the PPID Utama
    unit: tuple[str, str]  # the implementing unit holding the items
    other: tuple[str, str]  # another implementing unit


_KALBAR = dict(
    body="Pemerintah Provinsi Kalimantan Barat",
    body_slug="prov-kalbar",
    tag="kalbar",
    main=("Dinas Komunikasi dan Informatika", "diskominfo"),
)
_KESRA = ("Biro Kesejahteraan Rakyat", "kesra")
_DINKES_KALBAR = ("Dinas Kesehatan", "dinkes")
_LAYOUTS = {
    PONTIANAK: _Layout(
        body="Pemerintah Kota Pontianak",
        body_slug="kota-pontianak",
        tag="ptk",
        main=("Dinas Komunikasi dan Informatika", "diskominfo"),
        unit=("Dinas Sosial", "dinsos"),
        other=("Dinas Pendidikan dan Kebudayaan", "disdikbud"),
    ),
    # The province runs seed 003; its Biro Kesra chose seed 002 for itself.
    BIRO_KESRA: _Layout(**_KALBAR, unit=_KESRA, other=_DINKES_KALBAR),
    DISKOMINFO: _Layout(**_KALBAR, unit=_DINKES_KALBAR, other=_KESRA),
    BANGKA: _Layout(
        body="Pemerintah Kabupaten Bangka",
        body_slug="kab-bangka",
        tag="bangka",
        main=("Dinas Komunikasi, Informatika dan Statistik", "dinkominfotik"),
        unit=("Dinas Kesehatan", "dinkes"),
        other=("Dinas Pendidikan", "disdik"),
    ),
}


@dataclass
class PresetWorld:
    """One body whose implementing unit `unit` follows a seed preset (see build_preset_world)."""

    body: PublicBody
    main: Unit  # PPID Utama
    unit: Unit  # implementing unit holding the items; follows `sop`
    other_unit: Unit  # another implementing unit of the body
    sop: Sop
    officer: object  # officer of `unit`
    reviewer: object  # reviewer of `unit`
    approver: object  # approver of `unit`
    main_officer: object  # officer of the PPID Utama
    main_reviewer: object  # reviewer of the PPID Utama
    main_approver: object  # approver of the PPID Utama
    other_officer: object  # officer of `other_unit`
    outsider: object  # logged in, no membership
    # Position (jabatan) -> the officer of `unit` holding it, where the SOP's steps
    # name positions (seed 002: PPID Pelaksana is `officer`, Petugas Dokumentasi another).
    positions: dict = field(default_factory=dict)

    def member(self, role: str, scope: str):
        """The user holding `role` in the item's unit or in the PPID Utama."""
        where = "main_" if scope == PerformerScope.MAIN_UNIT else ""
        return getattr(self, where + role)

    def performer(self, step: SopStep):
        """Who performs `step` for items of `unit`; None for the application's own steps."""
        if step.performer_role == PerformerRole.SYSTEM:
            return None
        if step.performer_position in self.positions:
            return self.positions[step.performer_position]
        return self.member(step.performer_role, step.performer_scope)


def build_preset_world(preset_file: str, prefix: str = "") -> PresetWorld:
    """A body running `preset_file` (one of PRESET_FILES) with people in every role.

    Who performs each step (performer label in the SOP → PresetWorld field):

    - kota-pontianak-2023 (Dinas Sosial, Kota Pontianak): 1 Pejabat Bidang Pelayanan
      Informasi dan Dokumentasi → main_officer; 2 PPID Utama → main_reviewer; 3 PPID
      Pendukung (OPD) → officer; 4 PPID Utama → main_reviewer; 5 Pejabat Bidang →
      main_officer (publishes).
    - kalbar-biro-kesra-2021 (Biro Kesra, chosen with Unit.sop; the province keeps 003):
      1 PPID Pelaksana → officer (hard copy location and checklist tick); 2 Petugas
      Dokumentasi → officer; 3 PPID → main_officer, never the submitter. No publish step:
      the item ends documented, its files available on request.
    - kalbar-diskominfo-2024 (Dinas Kesehatan, Prov. Kalbar): 1 and 2 Petugas PPID →
      officer; 3 Kepala PPID → approver; 4 Petugas PPID of the PPID Utama → main_officer
      (publishes); 5 Aplikasi SIP PPID → the application itself.
    - bangka-dinkominfotik-2024 (Dinas Kesehatan, Kab. Bangka): 1 to 3 PPID Pelaksana →
      officer; 4 PPID → main_reviewer (corrects, returns, writes a note); 5 Atasan PPID →
      main_approver (ratifies and publishes), never the submitter.

    The two Kalbar presets share a body, as do build_world(): give each world in one
    test its own `prefix`.
    """
    layout = _LAYOUTS[preset_file]
    body = PublicBody.objects.create(
        name=f"{prefix}{layout.body}", slug=f"{prefix}{layout.body_slug}"
    )

    def unit(name_short, **fields) -> Unit:
        name, short = name_short
        slug = f"{prefix}{layout.body_slug.split('-', 1)[1]}-{short}"
        return Unit.objects.create(body=body, name=name, slug=slug, **fields)

    main = unit(layout.main, ppid_role=PpidRole.MAIN)
    units = {short: unit((name, short), parent=main) for name, short in (layout.unit, layout.other)}
    if layout.tag == "kalbar":
        body.sop, _ = load_preset(PRESET_DIR / DISKOMINFO)
        units["kesra"].sop, _ = load_preset(PRESET_DIR / BIRO_KESRA)
        units["kesra"].save()
    else:
        body.sop, _ = load_preset(PRESET_DIR / preset_file)
    body.save()
    held, other = units[layout.unit[1]], units[layout.other[1]]

    def person(kind: str, where: str, at: Unit, *roles: str):
        return make_user(f"{prefix}{kind}.{where}.{layout.tag}", at, *roles)

    short = layout.unit[1]
    officer = person("petugas", short, held, Role.OFFICER)
    positions = {}
    for position in _officer_positions(held.sop_in_use()):
        # The unit's officer takes the first position the SOP names; each other
        # position is another officer of the unit.
        holder = officer if not positions else person(slugify(position), short, held)
        Membership.objects.update_or_create(
            user=holder, unit=held, role=Role.OFFICER, defaults={"position": position}
        )
        positions[position] = holder
    main_officer = person("petugas", "ppid", main, Role.OFFICER)
    for step in held.sop_in_use().steps.exclude(intake_position=""):
        # The intake of a PPID Utama step (seed 004's Petugas Layanan) is its officer.
        Membership.objects.filter(user=main_officer, unit=main, role=Role.OFFICER).update(
            position=step.intake_position
        )
        positions[step.intake_position] = main_officer
    return PresetWorld(
        positions=positions,
        body=body,
        main=main,
        unit=held,
        other_unit=other,
        sop=held.sop_in_use(),
        officer=officer,
        reviewer=person("penelaah", short, held, Role.REVIEWER),
        approver=person("kepala", short, held, Role.APPROVER),
        main_officer=main_officer,
        main_reviewer=person("penelaah", "ppid", main, Role.REVIEWER),
        main_approver=person("kepala", "ppid", main, Role.APPROVER),
        other_officer=person("petugas", layout.other[1], other, Role.OFFICER),
        outsider=make_user(f"{prefix}warga.{layout.tag}"),
    )


def use_preset(world: "World", preset_file: str) -> Sop:
    """The world's body follows `preset_file` for new items; the unit's officer holds
    the first position its officer steps name (seed 002: PPID Pelaksana)."""
    sop, _ = load_preset(PRESET_DIR / preset_file)
    world.body.sop = sop
    world.body.save()
    take_first_position(world, sop)
    return sop


def take_first_position(world: "World", sop: Sop) -> None:
    """The world's unit officer holds the first position `sop`'s officer steps name."""
    for position in _officer_positions(sop)[:1]:
        Membership.objects.filter(user=world.officer, unit=world.unit, role=Role.OFFICER).update(
            position=position
        )


def _officer_positions(sop: Sop) -> list[str]:
    """The positions the officer steps of the holding unit name, in step order."""
    steps = sop.steps.filter(
        performer_role=PerformerRole.OFFICER, performer_scope=PerformerScope.ITEM_UNIT
    ).exclude(performer_position="")
    return list(dict.fromkeys(s.performer_position for s in steps.order_by("number")))


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
        update_interval_months=6,
    )
    fields.update(overrides)
    return fields


def new_item(world: "World | PresetWorld", **overrides):
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
    # A fixed creation date: the same text gives the same bytes, even across a second boundary.
    pdf.set_creation_date(datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return SimpleUploadedFile(name, bytes(pdf.output()), content_type="application/pdf")


def sample_hardcopy(world, item):
    """A hard copy of `item` in the provincial archive room, recorded by the unit's officer."""
    from lentera.documents.services import record_hardcopy

    return record_hardcopy(
        item,
        world.officer,
        building="Kantor Gubernur Kalimantan Barat",
        room="Ruang Arsip",
        cabinet="Lemari 2",
        box="Boks 2024",
        custodian="Siti Aminah",
    )


REVIEW_NOTE = "Sudah ditelaah: kolom DIP lengkap dan dokumen sesuai."


def meet_requirements(world: PresetWorld, item, step: SopStep) -> None:
    """Do what the Kelengkapan of `step` asks before its performer completes it:
    attach a soft copy, record the hard copy's location, classify an exempt item."""
    performer = world.performer(step)
    # The unit's officer provides what a checking step needs: whoever changes the
    # content of a pass may not approve it (four eyes).
    doer = (
        performer
        if performer is not None and can_edit(performer, item) and not is_checking(step)
        else world.officer
    )
    proposed = item.working_copy()
    checks = required_checks(item, step)
    if Check.SOFTCOPY in checks and proposed.form_softcopy and not item.documents.exists():
        add_document(item, doer, pdf_upload(f"informasi-{item.pk}.pdf", f"{item.title} #{item.pk}"))
    if (
        Check.HARDCOPY_LOCATION in checks
        and proposed.form_hardcopy
        and not item.hardcopies.exists()
    ):
        record_hardcopy(
            item,
            doer,
            building=f"Kantor {item.holding_unit.name}",
            room="Ruang Arsip",
            cabinet="Lemari 2",
            box=f"Boks {item.year}",
            custodian=f"Pengelola Arsip {item.holding_unit.name}",
        )
    if (
        Check.CLASSIFICATION in checks
        and proposed.category == Category.EXEMPT
        and not item.classifications.exists()
    ):
        classify(item, world.main_reviewer)


def walk_item(world: PresetWorld, item, *, until: int | None = None, note: str = REVIEW_NOTE):
    """Complete the item's steps with their performers, requirements met, until it
    reaches step `until` or the end of its SOP; return the item as it then is."""
    item.refresh_from_db()
    while (step := item.current_step) is not None and step.number != until:
        if intake_pending(item):  # seed 004: the Petugas Layanan submits to the PPID first
            item = submit(item, world.positions[step.intake_position])
        meet_requirements(world, item, step)
        item = complete_step(
            item,
            world.performer(step),
            note=note if Check.REVIEW_NOTE in step.checks else "",
            ticked=step.checklist_items,
        )
    return item


def publish_item(world: "World", item):
    """Walk an item of build_world() through seed 003 until it is published (files online).

    An exempt item ends documented: it enters the DIK and its files stay offline."""
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        complete_step(item, actor)
    item.refresh_from_db()
    return item
