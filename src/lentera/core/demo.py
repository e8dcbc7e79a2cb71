"""The demo: three public bodies from the seeds, their people and a register in every state.

Everything an officer would do goes through the services, so the activity log,
the SOP positions and the stored files are the real thing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.text import slugify

from lentera.documents.services import add_document
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.register.constants import Status
from lentera.register.services import create_item
from lentera.sop import services as engine
from lentera.sop.constants import CHECKING_KINDS
from lentera.sop.models import Sop
from lentera.sop.presets import load_presets

from .demo_data import BODIES, ITEMS, PEOPLE, DemoBody, DemoItem, DemoPerson

DEMO_PASSWORD = "lentera-demo"
SUPERUSER = "admin"
# Until the other seeds ship as presets, every demo body follows seed 003.
DEMO_SOP_KEY = "kalbar-diskominfo-2024"

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
        logins.append((person.username, f"{ROLE_TITLES[person.role]}, {where}"))
    return logins


def _load(stdout, stored: list[str]) -> None:
    bodies = [_ensure_body(spec) for spec in BODIES]
    # After the bodies, so that a preset finds the body it was written for.
    load_presets()
    sop = Sop.objects.filter(preset_key=DEMO_SOP_KEY).order_by("-version").first()
    if sop is None:
        raise RuntimeError(f"SOP preset {DEMO_SOP_KEY!r} is missing")
    # One hash for every account: the password is published anyway, and hashing
    # it per account would make the demo wait seconds for nothing.
    password = make_password(DEMO_PASSWORD)
    _ensure_user(SUPERUSER, "Administrator", "Lentera", password, is_staff=True, is_superuser=True)
    for spec, body in zip(BODIES, bodies, strict=True):
        if body.sop_id is None:
            body.sop = sop
            body.save(update_fields=["sop"])
        slugs = {unit.slug for unit in spec.units}
        people = [_ensure_person(p, password) for p in PEOPLE if p.unit in slugs]
        items = [_ensure_item(d, spec, stored) for d in ITEMS if d.unit in slugs]
        new = [item for item in items if item is not None]
        published = sum(item.status == Status.PUBLISHED for item in new)
        if stdout is not None:
            stdout.write(
                f"{body.name}: {len(spec.units)} units, {len(people)} people, "
                f"{len(new)} new items ({published} published)\n"
            )


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
    Membership.objects.get_or_create(user=user, unit=unit, role=person.role)
    return user


def _ensure_item(d: DemoItem, body: DemoBody, stored: list[str]):
    """Record one item and walk it to where it waits; None if it is already there."""
    unit = Unit.objects.select_related("body").get(slug=d.unit)
    if unit.items.filter(title=d.title).exists():
        return None
    officer = _member(unit, Role.OFFICER)
    item = create_item(
        officer,
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
    if d.has_soft_copy:
        version = add_document(item, officer, _pdf(d, body, unit), title=d.title)
        stored.append(version.file.name)
    return _walk(item, d)


def _walk(item, d: DemoItem):
    """Complete steps as their performers would, returning once if the item asks for it."""
    returned = not d.return_note
    while (step := item.current_step) is not None:
        if returned and step.kind == d.waits_at:
            break
        performer = _performer(item, step)
        if not returned and step.kind in CHECKING_KINDS:
            earlier = item.sop.steps.filter(number__lt=step.number).order_by("-number").first()
            item = engine.return_to_step(item, performer, earlier.number, d.return_note)
            returned = True
        else:
            item = engine.complete_step(item, performer)
    return item


def _performer(item, step):
    """A member who may perform `step` for `item`, separation of duties respected."""
    unit = engine.performer_unit(item, step)
    candidates = get_user_model().objects.filter(
        memberships__unit=unit, memberships__role=step.performer_role
    )
    for user in candidates.order_by("username"):
        if engine.is_separated(user, item, step):
            return user
    raise RuntimeError(f"demo data: nobody in {unit} may perform step {step.number} of {item}")


def _member(unit: Unit, role: str):
    members = get_user_model().objects.filter(memberships__unit=unit, memberships__role=role)
    user = members.order_by("username").first()
    if user is None:
        raise RuntimeError(f"demo data: {unit} has no {role}")
    return user


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
