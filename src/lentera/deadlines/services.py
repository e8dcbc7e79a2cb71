"""Due times of SOP steps, from each body's working calendar."""

import datetime

from django.db import transaction

from lentera.organizations.models import PublicBody

from .calendar import WorkCalendar
from .models import Calendar, CalendarDay, StepTiming


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


def record_step_change(item, step, at: datetime.datetime, outcome: str, *, actor=None):
    """Close the item's open step timing with `outcome`; open one for `step` (if any)
    and tell its performers, except `actor`, who moved the item there.

    Returns the new step's due time (None for no step or a tentative one). Called by
    the SOP engine inside the transaction that moves the item."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_step_change() must run inside the move's transaction")
    if item.pk is not None:
        StepTiming.objects.filter(item=item, left_at__isnull=True).update(
            left_at=at, outcome=outcome
        )
    if step is None:
        return None
    from lentera.sop.services import performer_unit

    from .notify import notify_arrival

    due_at = calendar_for(item.holding_unit.body_id).due(at, step.time_amount, step.time_unit)
    timing = StepTiming.objects.create(
        item=item,
        step=step,
        unit=performer_unit(item, step),
        entered_at=at,
        due_at=due_at,
    )
    notify_arrival(timing, actor=actor)
    return due_at


def reassign_open_step(item) -> None:
    """After the item moved to another unit: its open step belongs to the performing
    unit as it is now (reminders, escalations and the dashboard follow)."""
    if item.current_step_id is None:
        return
    from lentera.sop.services import performer_unit

    StepTiming.objects.filter(item=item, left_at__isnull=True).update(
        unit=performer_unit(item, item.current_step)
    )
