"""A past for the demo's register, so that its dashboard has something to measure.

The demo walks every item through its SOP in a second, so each step timing would
last no time at all. backdate_history() spreads the timings of the new items back
over the past weeks with plausible durations, deterministically: most steps finish
on time, some late, and a few items wait past their due time now. A couple of
published berkala items get an older publication, so they are due for an update.

Only step timings and the items' step, publication and listing times move; the activity
log keeps the moments the actions were really recorded (it is hash-chained).
"""

import datetime
import random
import zlib
from itertools import pairwise

from django.utils import timezone

from lentera.deadlines.calendar import WorkCalendar, is_handling_standard
from lentera.deadlines.constants import Outcome
from lentera.deadlines.models import StepTiming
from lentera.deadlines.services import calendar_for, due_of
from lentera.register.constants import Category, Status
from lentera.sop.constants import PerformerRole, StepKind, TimeUnit

LATE_SHARE = 0.3  # of finished steps with a time standard
OVERDUE_EVERY = 2  # every second item waiting at a step with a time standard is overdue
STALE_BERKALA = 2  # published berkala items per body whose update is due
STALE_AGE_DAYS = 140  # working days back: about seven months


def backdate_history(now: datetime.datetime, items) -> int:
    """Move the step timings of `items` (just loaded) into the past before `now`;
    return how many timings moved."""
    items = sorted(items, key=lambda item: item.pk)
    calendars: dict[int, WorkCalendar] = {}
    waiting_with_standard = 0
    stale_left: dict[int, int] = {}
    moved = 0
    for item in items:
        body_id = item.holding_unit.body_id
        calendar = calendars.setdefault(body_id, calendar_for(body_id))
        rng = random.Random(zlib.crc32(item.title.encode()))
        timings = list(item.step_timings.select_related("step").order_by("entered_at", "id"))
        if not timings:
            continue
        open_timing = timings[-1] if timings[-1].left_at is None else None
        if open_timing is not None:
            overdue = False
            if _standard_minutes(calendar, open_timing.step) is not None:
                overdue = waiting_with_standard % OVERDUE_EVERY == OVERDUE_EVERY - 1
                waiting_with_standard += 1
            end = _before(calendar, now, _open_age(calendar, open_timing.step, overdue, rng))
        else:
            stale = _may_go_stale(item) and stale_left.setdefault(body_id, STALE_BERKALA) > 0
            if stale:
                stale_left[body_id] -= 1
            days = STALE_AGE_DAYS + rng.randint(0, 20) if stale else rng.randint(1, 15)
            end = _before(calendar, now, days * _day_minutes(calendar) + rng.randint(0, 300))
        _rewrite(item, timings, end, calendar, rng, opened=overdue if open_timing else False)
        moved += len(timings)
    return moved


def _rewrite(item, timings, end, calendar: WorkCalendar, rng: random.Random, opened: bool) -> None:
    """Walk back from `end`: each timing ends where the next one began. A step in
    minutes or hours is due from its opening: finished ones waited before it; the open
    one was opened on arrival only if it is to be overdue now (`opened`)."""
    # Where the item left its SOP and came back later (reopened for an update).
    gaps = [t.left_at != after.entered_at for t, after in pairwise(timings)] + [False]
    cursor = end
    for index in range(len(timings) - 1, -1, -1):
        timing = timings[index]
        handling = is_handling_standard(timing.step.time_amount, timing.step.time_unit)
        if timing.left_at is None:
            timing.entered_at = cursor
            timing.opened_at = cursor if handling and opened else None
        else:
            if gaps[index]:
                cursor = _before(calendar, cursor, rng.randint(5, 30) * _day_minutes(calendar))
            timing.left_at = cursor
            start = _before(calendar, cursor, _duration(calendar, timing, rng))
            timing.opened_at = start
            if handling:  # the drawn duration is the handling; the wait comes before it
                start = _before(calendar, start, rng.uniform(0, 2 * _day_minutes(calendar)))
            timing.entered_at = start
        timing.due_at = due_of(timing, calendar)
        cursor = timing.entered_at
    StepTiming.objects.bulk_update(timings, ["entered_at", "opened_at", "due_at", "left_at"])
    last = timings[-1]
    item.step_entered_at = last.entered_at if last.left_at is None else last.left_at
    item.step_due_at = last.due_at if last.left_at is None else None
    fields = ["step_entered_at", "step_due_at"]
    if item.published_at is not None:
        published_at = _published_at(timings) or item.published_at
        if item.listed_at == item.published_at:
            # Published, it entered the DIP then: the berkala reminder counts from there.
            item.listed_at = published_at
            fields.append("listed_at")
        item.published_at = published_at
        fields.append("published_at")
    # update() leaves updated_at alone: it keeps the moment the item was really saved.
    type(item).objects.filter(pk=item.pk).update(**{name: getattr(item, name) for name in fields})


def _published_at(timings) -> datetime.datetime | None:
    """When the item was last published: the first completed publish step of the
    last run of publish steps."""
    found, previous = None, False
    for timing in timings:
        current = timing.step.kind == StepKind.PUBLISH and timing.outcome == Outcome.COMPLETED
        if current and not previous:
            found = timing.left_at
        previous = current
    return found


def _may_go_stale(item) -> bool:
    return (
        item.category == Category.PERIODIC
        and item.status == Status.PUBLISHED
        and not item.in_update
        and item.current_step_id is None
    )


def _day_minutes(calendar: WorkCalendar) -> int:
    opens, closes = calendar.opens, calendar.closes
    return (closes.hour - opens.hour) * 60 + closes.minute - opens.minute


def _standard_minutes(calendar: WorkCalendar, step) -> int | None:
    """The step's time standard in office minutes; None without one."""
    amount, unit = step.time_amount, step.time_unit
    if amount is None:
        return None
    return {
        TimeUnit.MINUTES: amount,
        TimeUnit.HOURS: amount * 60,
        TimeUnit.WORKING_DAYS: amount * _day_minutes(calendar),
        TimeUnit.WEEKS: amount * 5 * _day_minutes(calendar),
    }.get(unit)


def _duration(calendar: WorkCalendar, timing, rng: random.Random) -> float:
    """Office minutes a finished stay took: within the standard, or past it."""
    step = timing.step
    if step.performer_role == PerformerRole.SYSTEM:
        return 0  # the application performs its steps as the work arrives
    standard = _standard_minutes(calendar, step)
    day = _day_minutes(calendar)
    if standard is None:  # tentative: anything from an hour to a working week
        return rng.uniform(60, 5 * day)
    if rng.random() >= LATE_SHARE:
        return standard * rng.uniform(0.1, 0.9)
    # Late for sure: a standard in days ends at the close of its last day, which can
    # be up to a day more than the standard itself.
    slack = day if step.time_unit in (TimeUnit.WORKING_DAYS, TimeUnit.WEEKS) else 0
    return standard + slack + max(standard, 30) * rng.uniform(0.2, 2.0)


def _open_age(calendar: WorkCalendar, step, overdue: bool, rng: random.Random) -> float:
    """Office minutes the work has waited at its current step by now."""
    standard = _standard_minutes(calendar, step)
    day = _day_minutes(calendar)
    if standard is None:
        return rng.uniform(30, 8 * day)
    if overdue:
        slack = day if step.time_unit in (TimeUnit.WORKING_DAYS, TimeUnit.WEEKS) else 0
        return standard + slack + max(standard, 60) * rng.uniform(0.3, 1.5)
    return standard * rng.uniform(0.05, 0.5)


def _before(calendar: WorkCalendar, end: datetime.datetime, minutes: float) -> datetime.datetime:
    """The moment `minutes` of office time before `end` (inside office hours)."""
    remaining = datetime.timedelta(minutes=minutes)
    cursor = _last_office_moment(calendar, end)
    while True:
        opening = datetime.datetime.combine(cursor.date(), calendar.opens, tzinfo=calendar.tz)
        if remaining <= cursor - opening:
            return cursor - remaining
        remaining -= cursor - opening
        cursor = _closing_of_working_day_before(calendar, cursor.date())


def _last_office_moment(calendar: WorkCalendar, moment: datetime.datetime) -> datetime.datetime:
    """`moment` if the office is open then, else the last closing before it."""
    local = timezone.localtime(moment, calendar.tz)
    day = local.date()
    if calendar.is_working_day(day):
        closing = datetime.datetime.combine(day, calendar.closes, tzinfo=calendar.tz)
        if local.time() >= calendar.closes:
            return closing
        if local.time() > calendar.opens:
            return local
    return _closing_of_working_day_before(calendar, day)


def _closing_of_working_day_before(calendar: WorkCalendar, day: datetime.date):
    for offset in range(1, 3 * 366):
        candidate = day - datetime.timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return datetime.datetime.combine(candidate, calendar.closes, tzinfo=calendar.tz)
    raise ValueError("the calendar has no working day within three years")
