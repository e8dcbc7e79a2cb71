"""Writing information items: every face (office, API, CLI, demo) calls these."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.documents.services import discard, record_upload, store_upload
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Unit
from lentera.organizations.selectors import memberships_of
from lentera.sop import policy
from lentera.sop.constants import Verb
from lentera.sop.selectors import sop_to_follow

from . import events
from . import workflow as engine
from .constants import EDITABLE_FIELDS
from .models import ClassificationDecision, InformationItem, PublicState, copy_item, field_value
from .selectors import public_versions

# The columns the engine keeps (no person fills them in).
ENGINE_FIELDS = ("sop", "current_step", "created_by", "submitted_by", "status", "lock_version")


def create_item(actor, *, first_file=None, note: str = "", **fields) -> InformationItem:
    """An officer of the holding unit records a new item; it enters its body's SOP.
    With `first_file` (an upload) its first soft copy is stored too: the item and its
    file, or neither. `note` goes with the record of its creation (where it came from)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    unit = fields.get("holding_unit")
    sop = unit.sop_in_use() if unit is not None else None
    item = InformationItem(**fields, sop=sop, created_by=actor)
    if unit is None or not policy.may_start(actor, item, sop):
        raise NotAllowed(_("Only an officer of the holding unit can record its information."))
    item.sop = sop_to_follow(unit)
    item.full_clean(exclude=ENGINE_FIELDS)
    # The file's bytes first, outside the transaction (a form may give False: no file).
    stored = store_upload(first_file) if first_file else None
    try:
        with transaction.atomic():
            item.save()
            audit.record(
                Verb.CREATE,
                actor=actor,
                item=item,
                unit=unit,
                note=note,
                changes=snapshot(item, EDITABLE_FIELDS),
            )
            engine.start(item, actor)
            if stored is not None:
                record_upload(item, actor, stored)
    except BaseException:
        if stored is not None:
            discard(stored.stored_name)  # no file without its record
        raise
    return item


def update_item(
    item: InformationItem,
    actor,
    *,
    expected_version: int | None = None,
    note: str = "",
    **fields,
):
    """Change an item's DIP columns while it is in its SOP; the log keeps before and after.

    A listed item being updated keeps its public columns: the change is proposed and
    applies when the update passes the publish (or last) step."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        if not policy.can_edit(actor, item):
            raise NotAllowed(_("You cannot edit this item now."))
        policy.refuse_if_frozen(item)
        new_unit = fields.get("holding_unit")
        if new_unit is not None and new_unit != item.holding_unit:
            if not policy.may_move_to(actor, item, new_unit):
                raise NotAllowed(_("You can only move an item to another unit of yours."))
        return _edit(item, actor, fields, note)


def propose_update(item: InformationItem, actor, *, note: str = "", **fields):
    """Changes to a listed entry from an imported DIP, by someone who may import the
    body's DIP: the entry goes through its unit's SOP again, and the public keeps its
    listed columns until the update passes."""
    if not policy.may_import(actor, item.holding_unit.body):
        raise NotAllowed(_("You cannot import this body's DIP."))
    with transaction.atomic():
        item = policy.lock_item(item, None)
        if item.current_step_id is not None or not item.is_listed:
            raise ActionRefused(_("Only a listed entry that is not in its SOP is updated so."))
        engine.send_through_again(item, actor, Verb.REOPEN, note)
        return _edit(item, actor, fields, note)


def _edit(item: InformationItem, actor, fields: dict, note: str) -> InformationItem:
    """Set `fields` (the caller holds the lock and decided who may); an item being
    updated gets them as proposed changes."""
    # During an update the edit applies to the proposed version, not the public one.
    target = copy_item(item.working_copy()) if item.in_update else item
    before = snapshot(target, fields)
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean(exclude=ENGINE_FIELDS)
    after = snapshot(target, fields)
    changes = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
    if not changes:
        return item
    if item.in_update:
        published = snapshot(item, EDITABLE_FIELDS)
        proposed = {**item.pending_changes, **{k: v[1] for k, v in changes.items()}}
        item.pending_changes = {k: v for k, v in proposed.items() if v != published[k]}
    item.lock_version += 1
    item.save()
    audit.record(
        Verb.EDIT, actor=actor, item=item, unit=item.holding_unit, note=note, changes=changes
    )
    if "holding_unit" in changes and not item.in_update:
        # The work at the current step now belongs to the new unit's people.
        events.holding_unit_changed.send(InformationItem, item=item)
    return item


def snapshot(item: InformationItem, names) -> dict:
    return {name: field_value(item, name) for name in names}


CLASSIFICATION_FIELDS = (
    "ground",
    "statute",
    "consequence_test",
    "public_interest_test",
    "participants",
    "decided_by",
    "approved_by",
    "decree_number",
    "decided_on",
    "exempt_until",
)


def record_classification(
    item: InformationItem, actor, *, expected_version: int | None = None, **fields
) -> ClassificationDecision:
    """Record a Penetapan Klasifikasi for an item; the decision enters the activity log."""
    unknown = set(fields) - set(CLASSIFICATION_FIELDS)
    if unknown:
        raise TypeError(f"not a classification field: {sorted(unknown)}")
    refusal = NotAllowed(
        _("Only a reviewer or approver of the unit or of the PPID Utama can classify.")
    )
    if not policy.can_classify(actor, item):
        raise refusal
    decision = ClassificationDecision(item=item, recorded_by=actor, **fields)
    decision.full_clean(exclude=["item", "recorded_by"])
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        if not policy.can_classify(actor, item):  # the item may have moved to another unit
            raise refusal
        if item.current_step_id is None:
            # The DIK shows the decision in force: it changes only in a pass that the
            # SOP's reviewers and approvers see through.
            raise ActionRefused(
                _(
                    "A classification decision can only be recorded while the item is in "
                    "its SOP; reopen it for an update first."
                )
            )
        policy.refuse_if_frozen(item)
        decision.item = item
        decision.save()
        item.lock_version += 1  # a decision changes what the next step will accept
        item.save(update_fields=["lock_version", "updated_at"])
        values = {
            name: (v.isoformat() if hasattr(v, "isoformat") else v)
            for name in CLASSIFICATION_FIELDS
            if (v := getattr(decision, name)) not in ("", None)
        }
        audit.record(
            Verb.CLASSIFY,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={"decision": decision.pk, **values},
        )
    return decision


def actor_units(user):
    """The units in which `user` is an officer (and may move items to)."""
    return [m.unit for m in memberships_of(user) if m.role == Role.OFFICER]


def recording_units(user) -> list:
    """The units for which `user` may record a new item: their own as an officer, and,
    for members of a PPID Utama, each unit of the body whose SOP starts with them."""
    units = {unit.pk: unit for unit in actor_units(user)}
    bodies = {m.unit.body_id for m in memberships_of(user) if m.unit.is_main}
    others = Unit.objects.filter(body_id__in=bodies).exclude(pk__in=units)
    first_steps = {}  # of each SOP, read once
    for unit in others.select_related("sop", "parent__sop", "body__sop"):
        sop = unit.sop_in_use()
        if sop is not None and sop.pk not in first_steps:
            first_steps[sop.pk] = sop.first_step()
        item = InformationItem(holding_unit=unit, sop=sop)
        if policy.may_start(user, item, sop, sop and first_steps[sop.pk]):
            units[unit.pk] = unit
    return list(units.values())


def record_download(version, actor) -> bool:
    """An officer downloaded a stored file: logged unless the public may download it too.
    True when an event was recorded."""
    if public_versions().filter(pk=version.pk).exists():
        return False
    item = version.document.item
    with transaction.atomic():
        audit.record(
            Verb.DOWNLOAD,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={"file": version.original_name, "version": version.number},
        )
    return True


def public_changed() -> None:
    """Count a change the public pages show that no recorded action announces (a unit
    edited in the admin, a file's text extracted, the search index refreshed); call it
    in the transaction of the change. It keys the kept public pages (register_state)."""
    if not PublicState.objects.filter(pk=1).update(number=F("number") + 1):
        PublicState.objects.get_or_create(pk=1, defaults={"number": 1})
