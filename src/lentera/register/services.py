"""Writing information items: every face (office, API, CLI, demo) calls these."""

from django.db import transaction
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.selectors import has_role, memberships_of
from lentera.sop import activity
from lentera.sop import services as engine
from lentera.sop.constants import Verb

from .constants import Status
from .models import InformationItem

# Fields a person fills in; the rest belong to the engine.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "holding_unit",
    "responsible_official",
    "made_on",
    "made_place",
    "form_softcopy",
    "form_hardcopy",
    "retention_period",
    "category",
    "legal_basis",
    "year",
)
_ENGINE_FIELDS = ("sop", "current_step", "created_by", "submitted_by", "status", "lock_version")


def create_item(actor, **fields) -> InformationItem:
    """An officer of the holding unit records a new item; it enters its body's SOP."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    unit = fields.get("holding_unit")
    if unit is None or not has_role(actor, unit, Role.OFFICER):
        raise NotAllowed(_("Only an officer of the holding unit can record its information."))
    sop = unit.body.sop
    if sop is None:
        raise ActionRefused(
            _("%(body)s has no SOP yet; an administrator must choose one first.")
            % {"body": unit.body}
        )
    item = InformationItem(**fields, sop=sop, created_by=actor)
    item.full_clean(exclude=_ENGINE_FIELDS)
    with transaction.atomic():
        item.save()
        activity.record(
            Verb.CREATE, actor=actor, item=item, unit=unit, changes=_snapshot(item, EDITABLE_FIELDS)
        )
        engine.start(item, actor)
    return item


def can_edit(user, item: InformationItem) -> bool:
    if item.status != Status.IN_PROGRESS:
        return False
    return has_role(user, item.holding_unit, Role.OFFICER) or engine.can_perform(
        user, item, item.current_step
    )


def update_item(item: InformationItem, actor, *, expected_version: int | None = None, **fields):
    """Change an item's DIP columns while it is in its SOP; the log keeps before and after."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        item = engine.lock_item(item, expected_version)
        if not can_edit(actor, item):
            raise NotAllowed(_("You cannot edit this item now."))
        new_unit = fields.get("holding_unit")
        if new_unit is not None and new_unit != item.holding_unit:
            if (
                not has_role(actor, new_unit, Role.OFFICER)
                or new_unit.body_id != item.holding_unit.body_id
            ):
                raise NotAllowed(_("You can only move an item to another unit of yours."))
        before = _snapshot(item, fields)
        for name, value in fields.items():
            setattr(item, name, value)
        item.full_clean(exclude=_ENGINE_FIELDS)
        after = _snapshot(item, fields)
        changes = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
        if not changes:
            return item
        item.lock_version += 1
        item.save()
        activity.record(Verb.EDIT, actor=actor, item=item, unit=item.holding_unit, changes=changes)
    return item


def _snapshot(item: InformationItem, names) -> dict:
    values = {}
    for name in names:
        value = getattr(item, name + "_id" if name == "holding_unit" else name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def actor_units(user):
    """The units in which `user` may record items."""
    return [m.unit for m in memberships_of(user) if m.role == Role.OFFICER]
