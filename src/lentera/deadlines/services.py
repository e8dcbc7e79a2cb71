"""Due times of SOP steps, from each body's working calendar; the calendar's
corrections, which move the due times of the work waiting in the body."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lentera.audit import services as audit
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.models import PublicBody
from lentera.register.models import InformationItem
from lentera.sop import policy

from .calendar import WorkCalendar, national_holidays
from .constants import CALENDAR_FIELDS, DAY_FIELDS, Verb
from .models import FINISHED, Calendar, CalendarDay, Notification, StepTiming

# Rows written per query when due times move.
_BATCH = 500


def calendar_settings(body: PublicBody | int) -> Calendar:
    """The body's calendar settings, or the defaults (unsaved) while it has none."""
    body_id = body if isinstance(body, int) else body.pk
    return Calendar.objects.filter(body_id=body_id).first() or Calendar(body_id=body_id)


def calendar_for(body: PublicBody | int) -> WorkCalendar:
    """The body's working calendar: its settings (defaults if it has none) and its
    corrections to the national holidays."""
    body_id = body if isinstance(body, int) else body.pk
    settings = calendar_settings(body_id)
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


def works_anyway(body: PublicBody, day: datetime.date) -> bool:
    """`day` is a working day of the body without any correction: one of its working
    weekdays and no national holiday (so marking it "worked after all" says nothing)."""
    settings = calendar_settings(body)
    usual = day.weekday() in settings.working_weekdays
    return usual and not (settings.national_holidays and day in national_holidays(day.year))


def due_of(timing: StepTiming, calendar: WorkCalendar) -> datetime.datetime | None:
    """When the timing's step is due: its standard counted from the arrival, or for
    minutes and hours from the opening (None until someone opens the work)."""
    start = timing.counts_from
    if start is None:
        return None
    return calendar.due(start, timing.step.time_amount, timing.step.time_unit)


def on_item_moved(sender, *, item, step, at, outcome, actor, **kwargs) -> None:
    """register.events.item_moved: time the step the item left and the one it entered,
    and keep the item's due time (the dashboard and the lists read it)."""
    due = record_step_change(item, step, at, outcome, actor=actor)
    if due is not None:
        type(item).objects.filter(pk=item.pk).update(step_due_at=due)
        item.step_due_at = due


def on_holding_unit_changed(sender, *, item, **kwargs) -> None:
    """register.events.holding_unit_changed."""
    reassign_open_step(item)


def record_step_change(item, step, at: datetime.datetime, outcome: str, *, actor=None):
    """Close the item's open step timing with `outcome`; open one for `step` (if any)
    and tell its performers, except `actor`, who moved the item there.

    Returns the new step's due time (None for no step, a tentative one, or one in
    minutes or hours, which is due from its opening). Runs inside the transaction
    that moves the item."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_step_change() must run inside the move's transaction")
    if item.pk is not None:
        _leave_open_step(item, at, outcome, actor)
    if step is None:
        return None
    from .notify import notify_arrival

    body_id = item.holding_unit.body_id
    unit = policy.performer_unit(item, step)
    timing = StepTiming(item=item, body_id=body_id, step=step, unit=unit, entered_at=at)
    timing.due_at = due_of(timing, calendar_for(body_id))
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
    if not policy.can_perform(user, item, step):
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
        unit=policy.performer_unit(item, item.current_step)
    )


_LOGGED = {Calendar: CALENDAR_FIELDS, CalendarDay: DAY_FIELDS}


def _plain(value):
    """A field value as the activity log keeps it (JSON)."""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _snapshot(entry) -> dict:
    return {name: _plain(getattr(entry, name)) for name in _LOGGED[type(entry)]}


def _changes(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for the fields that differ; None for a side that is absent."""
    names = list((before or after).keys())
    pairs = {name: [(before or {}).get(name), (after or {}).get(name)] for name in names}
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}


def _describe(entry, action: str) -> str:
    if isinstance(entry, Calendar):
        notes = {
            "added": _("Working calendar of %(body)s set."),
            "changed": _("Working calendar of %(body)s changed."),
            "deleted": _("Working calendar of %(body)s removed; the defaults apply."),
        }
    else:
        notes = {
            "added": _("Calendar correction %(day)s added for %(body)s."),
            "changed": _("Calendar correction %(day)s changed for %(body)s."),
            "deleted": _("Calendar correction %(day)s removed for %(body)s."),
        }
    return notes[action] % {"day": entry, "body": entry.body}


def _calendar_changed(body, actor, note: str, changes: dict) -> int:
    """Move the due times of the work waiting in the body and log the change (with how
    many moved) against its PPID Utama; returns how many moved."""
    moved = recompute_open_due_times(body)
    if moved:
        note += " " + moved_note(moved)
    audit.record(Verb.CALENDAR, actor=actor, unit=body.main_unit, note=note, changes=changes)
    return moved


def moved_note(moved: int) -> str:
    return ngettext(
        "The due time of %(count)d waiting step moved.",
        "The due times of %(count)d waiting steps moved.",
        moved,
    ) % {"count": moved}


def save_calendar_entry(entry: Calendar | CalendarDay, actor) -> int:
    """Save a body's calendar settings or one of its day corrections, as an
    administrator edited them: the work waiting in the body is due under the new
    calendar, and the change is logged. Returns how many due times moved."""
    with transaction.atomic():
        old = type(entry).objects.select_related("body").filter(pk=entry.pk).first()
        before = _snapshot(old) if old is not None else None
        if isinstance(entry, CalendarDay):
            entry.recorded_by = actor
        entry.save()
        changes = _changes(before, _snapshot(entry))
        if old is not None and not changes:
            return 0
        action = "changed" if old is not None else "added"
        moved = _calendar_changed(entry.body, actor, _describe(entry, action), changes)
        if old is not None and old.body_id != entry.body_id:
            moved += recompute_open_due_times(old.body)
        return moved


def delete_calendar_entry(entry: Calendar | CalendarDay, actor) -> int:
    """Remove calendar settings (the defaults apply) or a day correction; logged, and
    the waiting work moves. Returns how many due times moved."""
    with transaction.atomic():
        before = _snapshot(entry)
        body = entry.body
        note = _describe(entry, "deleted")
        entry.delete()
        return _calendar_changed(body, actor, note, _changes(before, None))


def correct_day(actor, body: PublicBody, *, date: datetime.date, day_off: bool, name: str) -> int:
    """An administrator of `body` adds a day off (a regional holiday) or a working day
    after all (a national day off or a weekend day worked). Returns how many due times
    moved."""
    if not policy.may_administer(actor, body):
        raise NotAllowed(_("Only the administrators of %(body)s do this.") % {"body": body})
    name = " ".join(name.split())[:200]
    if not name:
        raise ActionRefused(_("Say why: the holiday's name or the reason."))
    if not day_off and works_anyway(body, date):
        raise ActionRefused(
            _("%(date)s is a working day already.")
            % {"date": formats.date_format(date, "DATE_FORMAT")}
        )
    taken = ActionRefused(
        _("%(day)s already has a correction; remove it first.")
        % {"day": formats.date_format(date, "DATE_FORMAT")}
    )
    if CalendarDay.objects.filter(body=body, date=date).exists():
        raise taken
    try:
        with transaction.atomic():
            entry = CalendarDay(body=body, date=date, day_off=day_off, name=name)
            return save_calendar_entry(entry, actor)
    except IntegrityError as exc:  # another administrator was quicker
        raise taken from exc


def remove_day_correction(actor, correction: CalendarDay) -> int:
    """An administrator of the body removes one of its calendar corrections."""
    if not policy.may_administer(actor, correction.body):
        raise NotAllowed(
            _("Only the administrators of %(body)s do this.") % {"body": correction.body}
        )
    return delete_calendar_entry(correction, actor)


def recompute_open_due_times(body: PublicBody | int) -> int:
    """Recompute the due time of every open step timing (left_at null) of the body's
    items, and the items' step_due_at; return how many due times changed.

    Counts from when the work arrived (opened, for minutes and hours), so only the
    calendar's effect changes."""
    body_id = body if isinstance(body, int) else body.pk
    calendar = calendar_for(body_id)
    changed = []
    due_of_item = {}
    with transaction.atomic():
        # Items first, in primary-key order, as the SOP engine locks them (lock_item),
        # then their timings: a step move meanwhile waits instead of deadlocking.
        list(
            InformationItem.objects.select_for_update()
            .filter(holding_unit__body_id=body_id, current_step__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        timings = (
            StepTiming.objects.select_for_update(of=("self",))
            .filter(left_at__isnull=True, body_id=body_id)
            .select_related("step")
        )
        for timing in timings:
            due = due_of(timing, calendar)
            due_of_item[timing.item_id] = (timing.step_id, due)
            if due != timing.due_at:
                timing.due_at = due
                changed.append(timing)
        StepTiming.objects.bulk_update(changed, ["due_at"], batch_size=_BATCH)

        items = InformationItem.objects.filter(
            holding_unit__body_id=body_id, current_step__isnull=False
        ).only("pk", "current_step_id", "step_due_at")
        stale = []
        for item in items:
            step_id, due = due_of_item.get(item.pk, (None, None))
            if item.current_step_id == step_id and item.step_due_at != due:
                item.step_due_at = due
                stale.append(item)
        # bulk_update leaves updated_at alone: a calendar edit is not an edit of the item.
        InformationItem.objects.bulk_update(stale, ["step_due_at"], batch_size=_BATCH)
    return len(changed)


def mark_seen(user, *, item=None, import_batch=None) -> int:
    """Mark read the unread notifications of `user` about what they now see: an item's
    page, or a waiting import's; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if item is not None:
        unread = unread.filter(item=item)
    elif import_batch is not None:
        unread = unread.filter(import_batch=import_batch)
    else:
        return 0
    return unread.update(read_at=timezone.now())


def mark_read(user, notification: Notification | None = None) -> int:
    """Mark `notification` (or every unread one) of `user` read; returns how many. Someone
    else's notification is never touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
