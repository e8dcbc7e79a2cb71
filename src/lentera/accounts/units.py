"""A body's units, kept by its administrators in the office (office.views_admin): new
PPID Pelaksana units, renamed units, units moved in the body's tree. A unit's name and
short name name no other unit of its body; every change enters the activity log."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.errors import ActionRefused
from lentera.organizations.constants import PpidRole
from lentera.organizations.models import PublicBody, Unit, fold_name

from .administration import refuse_unless_admin
from .constants import Verb


def _free_slug(body: PublicBody, name: str) -> str:
    base = slugify(f"{body.slug}-{name}")[:70].strip("-") or body.slug
    slug, number = base, 2
    while Unit.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_unit(unit: Unit) -> None:
    """A unit's name and short name name no other unit of its body (case and spacing
    aside, other names included), and its parent is a unit of the same body that is not
    the unit itself or one below it; only the PPID Utama has none."""
    if unit.parent is None and not unit.is_main:
        raise ActionRefused(_("Choose the unit above this one."))
    taken = unit.names_of_others()
    if fold_name(unit.name) in taken or (unit.short_name and fold_name(unit.short_name) in taken):
        raise ActionRefused(_("Another unit of this body already goes by this name."))
    parent, seen = unit.parent, set()
    while parent is not None:
        if parent.body_id != unit.body_id:
            raise ActionRefused(_("The parent unit must belong to the same body."))
        if parent.pk == unit.pk or parent.pk in seen:
            raise ActionRefused(_("A unit cannot sit below itself."))
        seen.add(parent.pk)
        parent = parent.parent
    try:
        unit.full_clean(exclude=["slug", "sop", "parent"])
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from exc


def _save_unit(unit: Unit) -> None:
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:  # another administrator was quicker with the name
        raise ActionRefused(_("Another unit of this body already has this name.")) from exc


def add_unit(actor, body: PublicBody, *, name: str, short_name: str = "", parent=None) -> Unit:
    """A new PPID Pelaksana unit of `body` (the PPID Utama exists from the start)."""
    refuse_unless_admin(actor, body)
    name, short_name = " ".join(name.split()), " ".join(short_name.split())
    with transaction.atomic():
        PublicBody.objects.select_for_update().get(pk=body.pk)  # one new slug at a time
        unit = Unit(
            body=body,
            name=name,
            short_name=short_name,
            parent=parent or body.main_unit,
            ppid_role=PpidRole.IMPLEMENTING,
            slug=_free_slug(body, short_name or name),
        )
        _check_unit(unit)
        _save_unit(unit)
        audit.record(
            Verb.UNIT_ADDED,
            actor=actor,
            unit=unit,
            note=unit.name,
            changes={"short_name": short_name, "parent": str(unit.parent or "")},
        )
    return unit


def change_unit(actor, unit: Unit, *, name: str, short_name: str, parent) -> Unit:
    """Rename a unit or move it in the body's tree; its items and people stay."""
    refuse_unless_admin(actor, unit.body)
    fields = {
        "name": " ".join(name.split()),
        "short_name": " ".join(short_name.split()),
        "parent": parent,
    }
    with transaction.atomic():
        PublicBody.objects.select_for_update().get(pk=unit.body_id)  # one change at a time
        unit = Unit.objects.get(pk=unit.pk)
        before = {key: getattr(unit, key) for key in fields}
        for key, value in fields.items():
            setattr(unit, key, value)
        if unit.is_main and parent is not None:
            raise ActionRefused(_("The PPID Utama is the top of the body's tree."))
        _check_unit(unit)
        changes = {
            key: [str(before[key] or ""), str(value or "")]
            for key, value in fields.items()
            if before[key] != value
        }
        if not changes:
            return unit
        _save_unit(unit)
        audit.record(Verb.UNIT_CHANGED, actor=actor, unit=unit, note=unit.name, changes=changes)
    return unit
