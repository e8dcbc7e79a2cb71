"""The demo: three public bodies from the seeds, their people and a register in every state.

Everything an officer would do goes through the services, so the activity log,
the SOP positions and the stored files are the real thing.
"""

from dataclasses import replace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lentera.documents.services import add_document, record_hardcopy
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.register import editions
from lentera.register import workflow as engine
from lentera.register.constants import Category, Status
from lentera.register.models import DipEdition
from lentera.register.services import (
    CLASSIFICATION_FIELDS,
    create_item,
    record_classification,
    update_item,
)
from lentera.sop import policy
from lentera.sop.constants import Check, PerformerScope, StepKind
from lentera.sop.models import Sop
from lentera.sop.policy import can_classify, can_edit
from lentera.sop.presets import load_presets

from .demo_data import BODIES, ITEMS, PEOPLE, DemoBody, DemoItem, DemoPerson
from .demo_history import backdate_history

DEMO_PASSWORD = "lentera-demo"
SUPERUSER = "admin"
# What a reviewer writes when a step asks for a note (seed 004, step 4).
REVIEW_NOTE = "Sudah ditelaah dan dikoreksi; sesuai dengan Daftar Informasi Publik."

ROLE_TITLES = {
    Role.OFFICER: "Petugas PPID",
    Role.REVIEWER: "Penelaah (Pejabat Bidang PID)",
    Role.APPROVER: "Kepala PPID",
    Role.ADMIN: "Administrator",
}
MONTHS = tuple(
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
)
LATIN1_LOOKALIKES = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


def load_demo(stdout=None) -> list[tuple[str, str]]:
    """Load the demo data (a second run adds nothing) and return the demo logins."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            _load(stdout, stored)
    except BaseException:
        # The database rolled back: take the files written so far with it.
        for name in stored:
            default_storage.delete(name)
        raise
    return demo_logins()


def demo_logins() -> list[tuple[str, str]]:
    """(username, description) of every demo account, superuser first."""
    units = {u.slug: (u, b) for b in BODIES for u in b.units}
    logins = [(SUPERUSER, "Superuser (Django admin, all public bodies)")]
    for person in PEOPLE:
        unit, body = units[person.unit]
        where = f"{unit.short_name} {body.short_name}" + (" (PPID Utama)" if unit.main else "")
        logins.append((person.username, f"{person.title or ROLE_TITLES[person.role]}, {where}"))
    return logins


def _load(stdout, stored: list[str]) -> None:
    bodies = [_ensure_body(spec) for spec in BODIES]
    # After the bodies, so that a preset finds the body it was written for.
    load_presets()
    # One hash for every account: the password is published anyway, and hashing
    # it per account would make the demo wait seconds for nothing.
    password = make_password(DEMO_PASSWORD)
    _ensure_user(SUPERUSER, "Administrator", "Lentera", password, is_staff=True, is_superuser=True)
    created = []
    for spec, body in zip(BODIES, bodies, strict=True):
        # An administrator may have chosen another SOP since: leave their choice.
        if body.sop_id is None:
            body.sop = _preset(spec.sop)
            body.save(update_fields=["sop"])
        for unit_spec in spec.units:
            if unit_spec.sop:
                Unit.objects.filter(slug=unit_spec.slug, sop__isnull=True).update(
                    sop=_preset(unit_spec.sop)
                )
        slugs = {unit.slug for unit in spec.units}
        people = [_ensure_person(p, password) for p in PEOPLE if p.unit in slugs]
        items = [_ensure_item(d, spec, stored) for d in ITEMS if d.unit in slugs]
        new = [item for item in items if item is not None]
        created.extend(new)
        published = sum(item.status == Status.PUBLISHED for item in new)
        documented = sum(item.status == Status.DOCUMENTED for item in new)
        if stdout is not None:
            stdout.write(
                f"{body.name}: {len(spec.units)} units, {len(people)} people, "
                f"{len(new)} new items ({published} published, {documented} documented)\n"
            )
    # The walk above took a second; give the dashboard weeks of history to measure.
    backdate_history(timezone.now(), created)
    for spec, body in zip(BODIES, bodies, strict=True):
        _ensure_edition(spec, body, stored)


def _ensure_edition(spec: DemoBody, body: PublicBody, stored: list[str]) -> None:
    """The body's DIP as its head decided it today (Penetapan DIP), once."""
    if DipEdition.objects.filter(body=body).exists():
        return
    today = timezone.localdate()
    edition = editions.issue_edition(
        body,
        _member(body.main_unit, Role.APPROVER),
        f"SK PPID {spec.short_name} Nomor 1 Tahun {today.year}",
        today,
        f"Kepala Dinas Kominfo selaku Atasan PPID {spec.short_name}",
    )
    stored.append(edition.pdf.name)


def _preset(key: str) -> Sop:
    sop = Sop.objects.filter(preset_key=key).order_by("-version").first()
    if sop is None:
        raise RuntimeError(f"SOP preset {key!r} is missing")
    return sop


def _ensure_body(spec: DemoBody) -> PublicBody:
    body, _ = PublicBody.objects.get_or_create(
        slug=spec.slug,
        defaults={"name": spec.name, "address": spec.address, "website": spec.website},
    )
    main = None
    for unit_spec in spec.units:
        if unit_spec.main or not unit_spec.parent:
            parent = main
        else:
            parent = Unit.objects.get(slug=unit_spec.parent)
        unit, _ = Unit.objects.get_or_create(
            slug=unit_spec.slug,
            defaults={
                "body": body,
                "parent": parent,
                "name": unit_spec.name,
                "short_name": unit_spec.short_name,
                "ppid_role": PpidRole.MAIN if unit_spec.main else PpidRole.IMPLEMENTING,
            },
        )
        if unit_spec.main:
            main = unit
    return body


def _ensure_user(username: str, first_name: str, last_name: str, password: str, **flags):
    """An existing account is left as it is: its password may have been changed."""
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@lentera.example",
            "password": password,
            **flags,
        },
    )
    return user


def _ensure_person(person: DemoPerson, password: str):
    user = _ensure_user(person.username, person.first_name, person.last_name, password)
    unit = Unit.objects.get(slug=person.unit)
    # The title is the SOP column the person works in: their position (jabatan).
    Membership.objects.update_or_create(
        user=user, unit=unit, role=person.role, defaults={"position": person.title}
    )
    return user


def _ensure_item(d: DemoItem, body: DemoBody, stored: list[str]):
    """Record one item and walk it to where it waits; None if it is already there."""
    unit = Unit.objects.select_related("body").get(slug=d.unit)
    if unit.items.filter(title=d.title).exists():
        return None
    item = create_item(
        _recorder(unit),
        title=d.title,
        summary=d.summary,
        holding_unit=unit,
        responsible_official=d.official,
        made_on=d.made_on,
        made_place=body.place,
        form_softcopy=True,
        form_hardcopy=d.hardcopy,
        retention_period=d.retention,
        category=d.category,
        legal_basis=d.legal_basis,
        year=d.year,
    )
    walk = _Walk(d, body, stored)
    item = walk(item, stop_at=d.waits_at, return_from=d.return_from, note=d.return_note)
    if d.update and item.is_listed:
        officer = _member(unit, Role.OFFICER)
        item = engine.reopen(item, officer, d.update_note)
        item = update_item(item, officer, **dict(d.update))
        # The revised file goes with the update and stays offline until it is published.
        shown = {name: value for name, value in d.update if name in ("title", "summary")}
        revised = _pdf(replace(d, **shown), body, unit)
        walk.upload(item, officer, revised, document=item.documents.first())
        item = walk(item, stop_at=d.update_waits_at)
    return item


def _recorder(unit: Unit):
    """Who records a new item: the performer of the first step of the unit's SOP
    (the PPID Utama in seed 000), else the unit's officer."""
    sop = unit.sop_in_use()
    step = sop.first_step() if sop is not None else None
    if step is not None and step.performer_role == Role.OFFICER:
        main = step.performer_scope == PerformerScope.MAIN_UNIT and unit.body.main_unit
        return _member(main or unit, Role.OFFICER, step.performer_label)
    return _member(unit, Role.OFFICER)


class _Walk:
    """Moves one demo item through its SOP as the performers of its steps would."""

    def __init__(self, d: DemoItem, body: DemoBody, stored: list[str]):
        self.d, self.body, self.stored = d, body, stored

    def __call__(self, item, *, stop_at: int | None, return_from: int = 0, note: str = ""):
        """Complete steps until step `stop_at` (or the end); the performer of step
        `return_from` first sends the item back to the step before it with `note`."""
        while (step := item.current_step) is not None:
            if step.number == stop_at and not note:
                break
            if policy.intake_pending(item):  # seed 004: the Petugas Layanan submits first
                item = engine.submit(item, _intake(item, step))
            performer = _performer(item, step)
            if note and step.number == return_from:
                item = engine.return_to_step(item, performer, step.number - 1, note)
                if self.d.correction:
                    officer = _member(item.holding_unit, Role.OFFICER)
                    item = update_item(item, officer, **dict(self.d.correction))
                note = ""
                continue
            self.meet_requirements(item, step, performer)
            item = engine.complete_step(
                item,
                performer,
                note=REVIEW_NOTE if Check.REVIEW_NOTE in step.checks else "",
                ticked=step.checklist_items,
            )
        return item

    def meet_requirements(self, item, step, performer) -> None:
        """What the step's Kelengkapan asks for; files and hard copies come at the
        latest with the input step, when the unit hands its information over."""
        checks = engine.required_checks(item, step)
        handing_over = step.kind == StepKind.INPUT
        hands = performer if can_edit(performer, item) else _member(item.holding_unit, Role.OFFICER)
        unit = item.holding_unit
        if (
            (handing_over or Check.SOFTCOPY in checks)
            and item.form_softcopy
            and not item.documents.exists()
        ):
            self.upload(item, hands, _pdf(self.d, self.body, unit))
        if (
            (handing_over or Check.HARDCOPY_LOCATION in checks)
            and item.form_hardcopy
            and not item.hardcopies.exists()
        ):
            record_hardcopy(
                item,
                hands,
                building=f"Kantor {unit.name}",
                room="Ruang Arsip",
                cabinet=f"Lemari {_kept(unit) + 1}",
                box=f"Boks Tahun {self.d.year}",
                custodian=f"Pengelola Arsip {unit.short_name or unit.name}",
            )
        if (
            Check.CLASSIFICATION in checks
            and item.category == Category.EXEMPT
            and not item.classifications.exists()
        ):
            if self.d.exemption is None:
                raise RuntimeError(f"demo data: exempt item {item} needs its exemption")
            classifier = performer if can_classify(performer, item) else _classifier(item)
            fields = {name: getattr(self.d.exemption, name) for name in CLASSIFICATION_FIELDS}
            record_classification(item, classifier, **fields)

    def upload(self, item, actor, upload, document=None) -> None:
        version = add_document(item, actor, upload, title=self.d.title, document=document)
        self.stored.append(version.file.name)


def _kept(unit: Unit) -> int:
    return unit.items.filter(hardcopies__isnull=False).distinct().count()


def _performer(item, step):
    """A member who may perform `step` for `item`, separation of duties respected;
    whoever the SOP names as its performer first (Petugas Dokumentasi, ...)."""
    unit = policy.performer_unit(item, step)
    named = {p.username for p in PEOPLE if p.title == step.performer_label}
    candidates = get_user_model().objects.filter(
        memberships__unit=unit, memberships__role=step.performer_role
    )
    for user in sorted(candidates, key=lambda u: (u.username not in named, u.username)):
        if policy.can_perform(user, item, step) and policy.is_separated(user, item, step):
            return user
    raise RuntimeError(f"demo data: nobody in {unit} may perform step {step.number} of {item}")


def _intake(item, step):
    """The member who submits `item` at `step` (seed 004's Petugas Layanan)."""
    unit = policy.performer_unit(item, step)
    for user in (
        get_user_model()
        .objects.filter(memberships__unit=unit, memberships__position=step.intake_position)
        .order_by("username")
    ):
        if policy.can_submit(user, item):
            return user
    raise RuntimeError(f"demo data: nobody in {unit} submits step {step.number} of {item}")


def _classifier(item):
    """A reviewer or approver of the PPID Utama, who may record a classification."""
    main = policy.main_unit(item)
    for role in (Role.REVIEWER, Role.APPROVER):
        user = (
            get_user_model().objects.filter(memberships__unit=main, memberships__role=role).first()
        )
        if user is not None and can_classify(user, item):
            return user
    raise RuntimeError(f"demo data: nobody may classify {item}")


def _member(unit: Unit, role: str, title: str = ""):
    """A member of `unit` in `role`, whoever bears `title` first."""
    named = {p.username for p in PEOPLE if title and p.title == title}
    members = get_user_model().objects.filter(memberships__unit=unit, memberships__role=role)
    for user in sorted(members, key=lambda u: (u.username not in named, u.username)):
        return user
    raise RuntimeError(f"demo data: {unit} has no {role}")


def _pdf(d: DemoItem, body: DemoBody, unit: Unit) -> SimpleUploadedFile:
    """A small real PDF that carries the item's title, so each file is distinct."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(_latin1(d.title))
    pdf.set_creator("Lentera (demo)")
    pdf.add_page()

    def paragraph(text: str, style: str = "", size: int = 11, height: float = 6) -> None:
        pdf.set_font("helvetica", style, size)
        pdf.multi_cell(0, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    paragraph(f"{body.name}\n{unit.name}", "B")
    pdf.ln(4)
    paragraph(d.title, "B", 15, 8)
    pdf.ln(2)
    made_on = f"{d.made_on.day} {MONTHS[d.made_on.month - 1]} {d.made_on.year}"
    paragraph(f"Tahun: {d.year}\nPenanggung jawab: {d.official}\nDibuat di {body.place}, {made_on}")
    pdf.ln(4)
    paragraph(d.summary)
    pdf.ln(4)
    paragraph(f"Dasar hukum: {d.legal_basis}", size=10)
    pdf.ln(8)
    paragraph("Dokumen contoh untuk demonstrasi Lentera, bukan dokumen resmi.", "I", 9)
    name = f"{slugify(d.title)[:80]}.pdf"
    return SimpleUploadedFile(name, bytes(pdf.output()), content_type="application/pdf")


def _latin1(text: str) -> str:
    """The core PDF fonts know Latin-1 only."""
    text = text.translate(LATIN1_LOOKALIKES)
    return text.encode("latin-1", "replace").decode("latin-1")
