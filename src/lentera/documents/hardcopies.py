"""Hard copies after their place is recorded: lent out, brought back, moved elsewhere."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, F, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.selectors import office_items_q
from lentera.sop import policy
from lentera.sop.constants import Verb

from .models import HardCopy, HardCopyMovement
from .services import HARDCOPY_FIELDS


def _locked(hardcopy_id: int) -> HardCopy:
    """The hard copy under a row lock, with what the permission check reads."""
    return (
        HardCopy.objects.select_for_update(of=("self",))
        .select_related("item__holding_unit__body")
        .get(pk=hardcopy_id)
    )


def _check_may_handle(actor, hardcopy: HardCopy) -> None:
    if not policy.can_handle_hardcopies(actor, hardcopy.item):
        raise NotAllowed(_("You cannot record movements of this hard copy."))


def _aware(moment: datetime.datetime | None) -> datetime.datetime:
    if moment is None:
        return timezone.now()
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


def open_movement(hardcopy: HardCopy) -> HardCopyMovement | None:
    """The movement of a copy that is out now, or None when it is in its place."""
    return hardcopy.movements.filter(returned_at__isnull=True).first()


def take_out(
    hardcopy: HardCopy,
    actor,
    *,
    taken_by: str,
    purpose: str = "",
    due_back_on: datetime.date | None = None,
    taken_at: datetime.datetime | None = None,
) -> HardCopyMovement:
    """Record that `taken_by` took the hard copy out of its place."""
    taken_by, purpose = (taken_by or "").strip(), (purpose or "").strip()
    taken_at = _aware(taken_at)
    if not taken_by:
        raise ActionRefused(_("Say who took the hard copy."), missing=[_("taken by")])
    if taken_at > timezone.now():
        raise ActionRefused(_("The time the hard copy was taken cannot be in the future."))
    if due_back_on is not None and due_back_on < timezone.localdate(taken_at):
        raise ActionRefused(_("The hard copy cannot be due back before the day it was taken."))
    movement = HardCopyMovement(
        taken_by=taken_by, purpose=purpose, taken_at=taken_at, due_back_on=due_back_on
    )
    movement.full_clean(exclude=["hardcopy", "recorded_by"])
    with transaction.atomic():
        hardcopy = _locked(hardcopy.pk)
        _check_may_handle(actor, hardcopy)
        if (out := open_movement(hardcopy)) is not None:
            raise ActionRefused(
                _("This hard copy is already out: %(who)s took it on %(when)s.")
                % {"who": out.taken_by, "when": _when(out.taken_at)}
            )
        last = hardcopy.movements.exclude(returned_at=None).order_by("-returned_at").first()
        if last is not None and taken_at < last.returned_at:
            raise ActionRefused(
                _("The hard copy was back in its place on %(when)s; it cannot be taken out before.")
                % {"when": _when(last.returned_at)}
            )
        movement.hardcopy = hardcopy
        movement.recorded_by = actor
        try:
            with transaction.atomic():
                movement.save()
        except IntegrityError as exc:  # another take-out won the race
            raise ActionRefused(_("This hard copy is already out.")) from exc
        item = hardcopy.item
        audit.record(
            Verb.HARDCOPY_OUT,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            note=purpose,
            changes={
                "hardcopy": hardcopy.pk,
                "taken_by": taken_by,
                "taken_at": taken_at.isoformat(),
                "due_back_on": due_back_on.isoformat() if due_back_on else None,
            },
        )
    return movement


def bring_back(
    movement_or_hardcopy: HardCopyMovement | HardCopy,
    actor,
    *,
    returned_at: datetime.datetime | None = None,
) -> HardCopyMovement:
    """Record that a hard copy that was out is back in its place."""
    given = movement_or_hardcopy
    is_movement = isinstance(given, HardCopyMovement)
    returned_at = _aware(returned_at)
    with transaction.atomic():
        hardcopy = _locked(given.hardcopy_id if is_movement else given.pk)
        _check_may_handle(actor, hardcopy)
        movement = open_movement(hardcopy)
        if movement is None or (is_movement and movement.pk != given.pk):
            raise ActionRefused(_("This hard copy is not out; there is nothing to bring back."))
        if returned_at > timezone.now():
            raise ActionRefused(_("The time the hard copy came back cannot be in the future."))
        if returned_at < movement.taken_at:
            raise ActionRefused(
                _("The hard copy cannot come back before it was taken out (%(when)s).")
                % {"when": _when(movement.taken_at)}
            )
        movement.returned_at = returned_at
        movement.return_recorded_by = actor
        movement.save(update_fields=["returned_at", "return_recorded_by"])
        item = hardcopy.item
        audit.record(
            Verb.HARDCOPY_BACK,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={
                "hardcopy": hardcopy.pk,
                "taken_by": movement.taken_by,
                "returned_at": returned_at.isoformat(),
            },
        )
    return movement


def update_hardcopy_location(hardcopy: HardCopy, actor, **fields) -> HardCopy:
    """Record that a hard copy now lives elsewhere (another room, cabinet or box);
    changing nothing records nothing."""
    unknown = set(fields) - set(HARDCOPY_FIELDS)
    if unknown:
        raise TypeError(f"not a hard copy field: {sorted(unknown)}")
    fields = {name: (value or "").strip() for name, value in fields.items()}
    with transaction.atomic():
        hardcopy = _locked(hardcopy.pk)
        _check_may_handle(actor, hardcopy)
        changes = {
            name: [getattr(hardcopy, name), value]
            for name, value in fields.items()
            if getattr(hardcopy, name) != value
        }
        if not changes:
            return hardcopy
        for name, (_before, after) in changes.items():
            setattr(hardcopy, name, after)
        hardcopy.full_clean(exclude=["item", "recorded_by"])
        hardcopy.save(update_fields=list(changes))
        item = hardcopy.item
        audit.record(
            Verb.HARDCOPY_MOVE,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={"hardcopy": hardcopy.pk, **changes},
        )
    return hardcopy


# Reads


def hardcopies_out(user) -> QuerySet[HardCopyMovement]:
    """Hard copies out of their place now, of the items `user` sees in the office;
    each with `overdue` (due back before today), the longest overdue first."""
    today = timezone.localdate()
    return (
        HardCopyMovement.objects.filter(returned_at__isnull=True)
        .filter(office_items_q(user, prefix="hardcopy__item__"))
        .select_related("hardcopy__item__holding_unit", "recorded_by")
        .annotate(
            overdue=Case(
                When(due_back_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(F("due_back_on").asc(nulls_last=True), "taken_at", "id")
    )


def overdue_hardcopies(user) -> QuerySet[HardCopyMovement]:
    """Hard copies out whose due date has passed."""
    return hardcopies_out(user).filter(due_back_on__lt=timezone.localdate())


def office_hardcopies(user) -> QuerySet[HardCopy]:
    """Hard copies of the items `user` sees in the office."""
    return HardCopy.objects.filter(office_items_q(user, prefix="item__")).select_related(
        "item__holding_unit__body"
    )
