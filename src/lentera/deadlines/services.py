"""Due times of SOP steps, from each body's working calendar."""

import datetime

from django.db import transaction
from django.utils import timezone

from lentera.organizations.models import PublicBody
from lentera.register.models import InformationItem
from lentera.sop import services as engine

from .calendar import WorkCalendar
from .models import FINISHED, Calendar, CalendarDay, StepTiming


def calendar_for(body: PublicBody | int) -> WorkCalendar:
    """The body's working calendar: its settings (defaults if it has none) and its
    corrections to the national holidays."""
    body_id = body if isinstance(body, int) else body.pk
    settings = Calendar.objects.filter(body_id=body_id).first() or Calendar()
    days_off, days_on = {}, set()
    for day in CalendarDay.objects.filter(body_id=body_id):
        if day.day_off:
            days_off[day.date] = day.name
        else:
            days_on.add(day.date)
    return WorkCalendar(
        time_zone=settings.time_zone,
        weekdays=frozenset(settings.working_weekdays),
        opens=settings.opens_at,
        closes=settings.closes_at,
        national=settings.national_holidays,
        days_off=days_off,
        days_on=frozenset(days_on),
    )


def due_of(timing: StepTiming, calendar: WorkCalendar) -> datetime.datetime | None:
    """When the timing's step is due: its standard counted from the arrival, or for
    minutes and hours from the opening (None until someone opens the work)."""
    start = timing.counts_from
    if start is None:
        return None
    return calendar.due(start, timing.step.time_amount, timing.step.time_unit)


def record_step_change(item, step, at: datetime.datetime, outcome: str, *, actor=None):
    """Close the item's open step timing with `outcome`; open one for `step` (if any)
    and tell its performers, except `actor`, who moved the item there.

    Returns the new step's due time (None for no step, a tentative one, or one in
    minutes or hours, which is due from its opening). Called by the SOP engine inside
    the transaction that moves the item."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_step_change() must run inside the move's transaction")
    if item.pk is not None:
        _leave_open_step(item, at, outcome, actor)
    if step is None:
        return None
    from .notify import notify_arrival

    timing = StepTiming(item=item, step=step, unit=engine.performer_unit(item, step), entered_at=at)
    timing.due_at = due_of(timing, calendar_for(item.holding_unit.body_id))
    timing.save()
    notify_arrival(timing, actor=actor)
    return timing.due_at


def _leave_open_step(item, at: datetime.datetime, outcome: str, actor) -> None:
    """Close the item's open timing. Work completed or returned that nobody opened
    before counts as opened, by `actor`, when it left: handled in no time."""
    calendar = None
    for timing in StepTiming.objects.filter(item=item, left_at__isnull=True).select_related("step"):
        timing.left_at, timing.outcome = at, outcome
        fields = ["left_at", "outcome"]
        if timing.opened_at is None and outcome in FINISHED:
            timing.opened_at, timing.opened_by = at, actor
            fields += ["opened_at", "opened_by"]
            if timing.measures_handling:
                calendar = calendar or calendar_for(item.holding_unit.body_id)
                timing.due_at = due_of(timing, calendar)
                fields.append("due_at")
        timing.save(update_fields=fields)


def mark_opened(item, user) -> bool:
    """Record that `user` opened the work of the item's current step: the first time
    only, and only if they may perform it. A step in minutes or hours is due from now
    on. True when this was the first opening; one query when it was not."""
    step = item.current_step
    if not engine.can_perform(user, item, step):
        return False
    unopened = StepTiming.objects.filter(
        item=item, step=step, left_at__isnull=True, opened_at__isnull=True
    )
    if not unopened.exists():
        return False
    with transaction.atomic():
        # The item first, as the SOP engine locks it, then its timing: a move meanwhile
        # waits instead of deadlocking, and a moved item has no such step open.
        locked = InformationItem.objects.select_for_update().filter(pk=item.pk, current_step=step)
        if not locked.values_list("pk", flat=True):
            return False
        timing = unopened.select_related("step").first()
        if timing is None:
            return False
        timing.opened_at, timing.opened_by = timezone.now(), user
        fields = ["opened_at", "opened_by"]
        if timing.measures_handling:
            timing.due_at = due_of(timing, calendar_for(item.holding_unit.body_id))
            fields.append("due_at")
            # update() leaves updated_at alone: opening the work is not an edit of the item.
            InformationItem.objects.filter(pk=item.pk).update(step_due_at=timing.due_at)
            item.step_due_at = timing.due_at
        timing.save(update_fields=fields)
    return True


def reassign_open_step(item) -> None:
    """After the item moved to another unit: its open step belongs to the performing
    unit as it is now (reminders, escalations and the dashboard follow)."""
    if item.current_step_id is None:
        return
    StepTiming.objects.filter(item=item, left_at__isnull=True).update(
        unit=engine.performer_unit(item, item.current_step)
    )
