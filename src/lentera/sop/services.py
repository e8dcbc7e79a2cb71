"""The SOP engine: move an item through the steps of its SOP version."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused, Conflict, NotAllowed
from lentera.organizations.constants import PpidRole
from lentera.organizations.selectors import memberships_of
from lentera.register.constants import Category, Status

from . import activity
from .constants import (
    CHECKING_KINDS,
    SUBMITTING_KINDS,
    PerformerRole,
    PerformerScope,
    StepKind,
    Verb,
)
from .models import SopStep


def performer_unit(item, step: SopStep):
    """The unit whose member performs `step` for `item`."""
    if step.performer_scope == PerformerScope.MAIN_UNIT:
        return item.holding_unit.body.units.filter(ppid_role=PpidRole.MAIN).first()
    return item.holding_unit


def can_perform(user, item, step: SopStep | None) -> bool:
    """Role and unit allow `user` to perform `step` (separation of duties aside)."""
    if step is None or step.performer_role == PerformerRole.SYSTEM:
        return False
    unit = performer_unit(item, step)
    return unit is not None and any(
        m.unit_id == unit.pk and m.role == step.performer_role for m in memberships_of(user)
    )


def is_separated(user, item, step: SopStep) -> bool:
    """False when separation of duties forbids `user` from performing `step`."""
    if step.kind in CHECKING_KINDS or step.separate_from_submitter:
        return user.pk not in {item.submitted_by_id, item.created_by_id}
    return True


def missing_requirements(item, step: SopStep) -> list[str]:
    """What the item still lacks before `step` can be completed."""
    missing = []
    if step.kind == StepKind.PUBLISH and item.form_softcopy and not item.documents.exists():
        missing.append(_("a soft copy is attached"))
    return missing


def lock_item(item, expected_version: int | None):
    """Re-read the item under a row lock and refuse a stale write."""
    fresh = (
        type(item)
        .objects.select_for_update(of=("self",))
        .select_related("current_step")
        .get(pk=item.pk)
    )
    if expected_version is not None and fresh.lock_version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this item while you were working on it. "
                "Reload the page to see their change, then try again."
            )
        )
    return fresh


def start(item, actor) -> None:
    """Place a new item on the first step of its SOP version."""
    _enter(item, item.sop.first_step(), actor)


def complete_step(item, actor, *, expected_version: int | None = None, note: str = ""):
    """The performer completes the item's current step; the item moves on."""
    with transaction.atomic():
        item = lock_item(item, expected_version)
        step = item.current_step
        if step is None:
            raise ActionRefused(_("This item has already gone through every step of its SOP."))
        if not can_perform(actor, item, step):
            raise NotAllowed(
                _("Step %(number)s is performed by %(performer)s; you cannot complete it.")
                % {"number": step.number, "performer": step.performer_label}
            )
        if not is_separated(actor, item, step):
            raise NotAllowed(
                _("You submitted this item, so someone else must perform step %(number)s.")
                % {"number": step.number}
            )
        if missing := missing_requirements(item, step):
            raise ActionRefused(_("This step cannot be completed yet."), missing=missing)
        _complete(item, step, actor, note=note.strip())
        return item


def return_to_step(
    item, actor, to_step_number: int, note: str, *, expected_version: int | None = None
):
    """Send the item back to an earlier step; the note says what to correct."""
    note = (note or "").strip()
    with transaction.atomic():
        item = lock_item(item, expected_version)
        step = item.current_step
        if step is None:
            raise ActionRefused(_("This item has already gone through every step of its SOP."))
        if not can_perform(actor, item, step):
            raise NotAllowed(_("Only the performer of the current step can return this item."))
        if not note:
            raise ActionRefused(_("Write a note saying what must be corrected."))
        target = item.sop.steps.filter(number=to_step_number).first()
        if target is None or target.number >= step.number:
            raise ActionRefused(_("An item can only be returned to an earlier step of its SOP."))
        activity.record(
            Verb.RETURN,
            actor=actor,
            item=item,
            unit=performer_unit(item, step),
            step=step,
            to_step=target,
            note=note,
        )
        _move(item, target)
        return item


def _complete(item, step: SopStep, actor, note: str = "") -> None:
    actor = actor if step.performer_role != PerformerRole.SYSTEM else None
    next_step = item.sop.steps.filter(number__gt=step.number).order_by("number").first()
    activity.record(
        Verb.COMPLETE,
        actor=actor,
        item=item,
        unit=performer_unit(item, step),
        step=step,
        to_step=next_step,
        note=note,
    )
    if step.kind in SUBMITTING_KINDS and actor is not None:
        item.submitted_by = actor
    if step.kind == StepKind.PUBLISH and item.status != Status.PUBLISHED:
        if item.category != Category.EXEMPT:  # exempt files never go online
            _publish(item, actor)
    if next_step is None:
        _finish(item, actor)
    else:
        _enter(item, next_step, actor)


def _enter(item, step: SopStep, actor) -> None:
    _move(item, step)
    if step.performer_role == PerformerRole.SYSTEM:
        # The application performs this step itself as soon as the item arrives.
        _complete(item, step, actor)


def _move(item, step: SopStep | None) -> None:
    item.current_step = step
    item.step_entered_at = timezone.now()
    item.lock_version += 1
    item.save()


def _publish(item, actor) -> None:
    from lentera.documents.models import DocumentVersion

    now = timezone.now()
    item.status = Status.PUBLISHED
    item.published_at = now
    DocumentVersion.objects.filter(document__item=item, published_at__isnull=True).update(
        published_at=now
    )
    activity.record(Verb.PUBLISH, actor=actor, item=item, unit=item.holding_unit)


def _finish(item, actor) -> None:
    if item.status == Status.IN_PROGRESS:
        item.status = Status.DOCUMENTED
        activity.record(Verb.DOCUMENT, actor=actor, item=item, unit=item.holding_unit)
    _move(item, None)
