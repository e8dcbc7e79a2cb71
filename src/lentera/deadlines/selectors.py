"""Reading deadlines: where an item stands against its step's time standard, and a
body's compliance figures (Mutu Baku: waiting, time taken, handling, on time, overdue)."""

import datetime
import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from lentera.organizations.models import PublicBody, Unit
from lentera.organizations.selectors import office_items_q
from lentera.sop.constants import PerformerRole, TimeUnit
from lentera.sop.models import SopStep

from .calendar import WorkCalendar, is_handling_standard, national_holidays
from .models import FINISHED, Calendar, CalendarDay, StepTiming
from .services import calendar_for


def body_zone(body_id: int) -> ZoneInfo:
    """The time zone of a body's working calendar (WIB, WITA or WIT): the one its pages
    give dates and times in, so that the public page, the office and the dashboard
    name the same day."""
    zone = Calendar.objects.filter(body_id=body_id).values_list("time_zone", flat=True).first()
    return ZoneInfo(zone or Calendar._meta.get_field("time_zone").default)


OVERDUE_LIST_LIMIT = 200


# The work queue and the item page


@dataclass(frozen=True)
class Due:
    """Where an item stands against its current step's time standard, at `now`."""

    at: datetime.datetime | None  # None: no time standard, or a handling time not opened
    entered_at: datetime.datetime | None
    tz: ZoneInfo
    now: datetime.datetime
    handling: bool = False  # the standard is in minutes or hours: due from the opening
    standard: str = ""  # the time standard as the SOP table prints it

    @property
    def not_opened(self) -> bool:
        """A handling time nobody has opened yet: the work waits, and is never late."""
        return self.handling and self.at is None

    @property
    def has_standard(self) -> bool:
        return self.at is not None

    @property
    def overdue(self) -> bool:
        return self.at is not None and self.at < self.now

    @property
    def late_by(self) -> datetime.timedelta | None:
        return self.now - self.at if self.overdue else None

    @property
    def age(self) -> datetime.timedelta | None:
        return self.now - self.entered_at if self.entered_at else None


def body_time_zones(body_ids) -> dict[int, ZoneInfo]:
    """Each body's time zone, in one query; bodies without a calendar get the default."""
    body_ids = set(body_ids)
    found = dict(Calendar.objects.filter(body_id__in=body_ids).values_list("body_id", "time_zone"))
    default = Calendar().time_zone
    return {pk: ZoneInfo(found.get(pk, default)) for pk in body_ids}


def with_due(items, now: datetime.datetime | None = None) -> list:
    """The items, each given `due` (a Due, or None when it is at no step). The items
    must come with their holding unit and current step loaded, as the register
    selectors give them."""
    items = list(items)
    now = now or timezone.now()
    zones = body_time_zones(item.holding_unit.body_id for item in items)
    for item in items:
        item.due = None
        if step := item.current_step:
            item.due = Due(
                item.step_due_at,
                item.step_entered_at,
                zones[item.holding_unit.body_id],
                now,
                handling=is_handling_standard(step.time_amount, step.time_unit),
                standard=step.time_standard,
            )
    return items


# The dashboard


@dataclass
class Figures:
    """Compliance figures of one group of step timings (a step, or a unit)."""

    label: str
    waiting: int = 0  # open timings now
    overdue: int = 0  # open timings past their due time now
    finished: int = 0  # finished timings in the period
    with_due: int = 0  # finished timings that had a due time
    on_time: int = 0  # ... and left the step by it
    elapsed: list[datetime.timedelta] = field(default_factory=list, repr=False)
    office_minutes: list[int] = field(default_factory=list, repr=False)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_due if self.with_due else None

    @property
    def on_time_percent(self) -> int | None:
        share = self.on_time_share
        return None if share is None else round(share * 100)

    @property
    def median_elapsed(self) -> datetime.timedelta | None:
        return statistics.median(self.elapsed) if self.elapsed else None

    @property
    def median_office_minutes(self) -> float | None:
        return statistics.median(self.office_minutes) if self.office_minutes else None


@dataclass
class StepFigures(Figures):
    sop_name: str = ""
    number: int = 0
    activity: str = ""
    standard: str = ""  # the time standard as the SOP table prints it
    time_unit: str = ""
    time_amount: int | None = None
    not_opened: int = 0  # open timings nobody has opened yet
    # Handling times only: office minutes from the opening to leaving the step, and
    # from the arrival to the opening (the wait, never counted as lateness).
    handling_minutes: list[float] = field(default_factory=list, repr=False)
    waiting_minutes: list[float] = field(default_factory=list, repr=False)

    @property
    def has_standard(self) -> bool:
        return self.time_amount is not None and self.time_unit not in (
            TimeUnit.TENTATIVE,
            TimeUnit.NOT_STATED,
        )

    @property
    def handling(self) -> bool:
        """Its standard (minutes or hours) is a handling time, judged from the opening."""
        return is_handling_standard(self.time_amount, self.time_unit)

    @property
    def median_handling_minutes(self) -> float | None:
        return statistics.median(self.handling_minutes) if self.handling_minutes else None

    @property
    def median_waiting_minutes(self) -> float | None:
        return statistics.median(self.waiting_minutes) if self.waiting_minutes else None


@dataclass
class OverdueWork:
    timing: StepTiming  # with its item, unit and step loaded
    late_by: datetime.timedelta
    late_office_minutes: int


@dataclass
class Dashboard:
    body: PublicBody
    calendar: WorkCalendar
    now: datetime.datetime
    since: datetime.datetime  # finished work counts when it arrived after this
    steps: list[StepFigures]
    units: list[Figures]
    overdue: list[OverdueWork]  # what the user may open in the office (the first ones)
    overdue_visible: int  # all the user may open
    overdue_total: int  # in the whole body

    @property
    def overdue_hidden(self) -> int:
        """Overdue work of units the user cannot open (counted, not listed)."""
        return self.overdue_total - self.overdue_visible

    @property
    def overdue_cut(self) -> int:
        """Overdue work the user may open beyond the listed ones."""
        return self.overdue_visible - len(self.overdue)

    @property
    def office_day_minutes(self) -> int:
        opens, closes = self.calendar.opens, self.calendar.closes
        return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)


def _step_key(step: SopStep) -> tuple:
    # Versions of one SOP share their steps' number, activity and standard: one row.
    return (step.sop.name, step.number, step.activity, step.time_amount, step.time_unit)


def _body_steps(body: PublicBody, step_ids) -> list[SopStep]:
    """The steps of the SOPs the body and its units follow, and of any step its
    items stayed at."""
    sop_ids = {body.sop_id} | set(
        Unit.objects.filter(body=body, sop__isnull=False).values_list("sop_id", flat=True)
    )
    return list(
        SopStep.objects.filter(Q(sop_id__in=sop_ids - {None}) | Q(pk__in=step_ids))
        .select_related("sop")
        .order_by("sop__name", "number", "-sop__version")
    )


def compliance(
    body: PublicBody, user, since: datetime.datetime, now: datetime.datetime | None = None
) -> Dashboard:
    """A body's figures per SOP step and per performing unit. Waiting and overdue work
    is counted as of `now`; time taken and on-time shares from the work that arrived
    since `since` and has left its step. A step in minutes or hours is judged on its
    handling time (opened to finished); its wait before the opening is kept apart."""
    now = now or timezone.now()
    calendar = calendar_for(body)
    timings = StepTiming.objects.filter(body=body)
    finished = _plain_rows(
        timings.filter(outcome__in=FINISHED, left_at__isnull=False, entered_at__gte=since)
        .values_list("step_id", "unit_id", "entered_at", "opened_at", "due_at", "left_at")
        .order_by()
    )
    waiting = list(
        timings.filter(left_at__isnull=True)
        .values("step_id", "unit_id")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(due_at__lt=now)),
            not_opened=Count("id", filter=Q(opened_at__isnull=True)),
        )
        .order_by()
    )
    step_ids = {row[0] for row in finished} | {row["step_id"] for row in waiting}
    steps = {}  # step id -> its row's figures
    by_key: dict[tuple, StepFigures] = {}
    for step in _body_steps(body, step_ids):
        key = _step_key(step)
        if key not in by_key:
            by_key[key] = StepFigures(
                label=f"{step.number}. {step.activity}",
                sop_name=step.sop.name,
                number=step.number,
                activity=step.activity,
                standard=step.time_standard,
                time_unit=step.time_unit,
                time_amount=step.time_amount,
            )
        steps[step.pk] = by_key[key]
    unit_ids = {row[1] for row in finished} | {row["unit_id"] for row in waiting}
    unit_names = dict(
        Unit.objects.filter(pk__in=unit_ids - {None}).values_list("pk", "name").order_by()
    )
    units: dict[int | None, Figures] = {}

    def unit_figures(unit_id) -> Figures:
        if unit_id not in units:
            # No unit: a step the application performs itself.
            name = unit_names.get(unit_id) or str(PerformerRole.SYSTEM.label)
            units[unit_id] = Figures(label=name)
        return units[unit_id]

    for step_id, unit_id, entered_at, opened_at, due_at, left_at in finished:
        minutes = calendar.office_minutes_between(entered_at, left_at)
        step = steps[step_id]
        if step.handling:
            opened = _opening(entered_at, opened_at, left_at)
            step.handling_minutes.append(_office_minutes(calendar, opened, left_at))
            if opened_at is not None:
                step.waiting_minutes.append(_office_minutes(calendar, entered_at, opened))
            due_at = calendar.due(opened, step.time_amount, step.time_unit)
        for figures in (step, unit_figures(unit_id)):
            figures.finished += 1
            figures.elapsed.append(left_at - entered_at)
            figures.office_minutes.append(minutes)
            if due_at is not None:
                figures.with_due += 1
                figures.on_time += left_at <= due_at
    for row in waiting:
        steps[row["step_id"]].not_opened += row["not_opened"]
        for figures in (steps[row["step_id"]], unit_figures(row["unit_id"])):
            figures.waiting += row["n"]
            figures.overdue += row["late"]
    return Dashboard(
        body=body,
        calendar=calendar,
        now=now,
        since=since,
        steps=sorted(by_key.values(), key=lambda s: (s.sop_name, s.number)),
        units=sorted(units.values(), key=lambda u: u.label),
        overdue=_overdue(timings, user, calendar, now),
        overdue_visible=timings.filter(office_items_q(user, prefix="item__"))
        .filter(left_at__isnull=True, due_at__lt=now)
        .count(),
        overdue_total=timings.filter(left_at__isnull=True, due_at__lt=now).count(),
    )


def _plain_rows(rows) -> list[tuple]:
    """(step, unit, entered, opened, due, left) rows of `rows` (a values_list), read
    without Django's converter per value, which costs more than the figures themselves
    (5,000 timings: about 40 ms on SQLite, 100 ms on PostgreSQL). SQLite's driver
    gives naive UTC moments."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own loader (in C; this cursor only): Django's runs Python for
            # every moment to attach its UTC object to the instant psycopg gives.
            from psycopg.types.datetime import TimestamptzLoader

            cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if connection.vendor != "sqlite":
        return found
    return [(step, unit, *(_utc(moment) for moment in moments)) for step, unit, *moments in found]


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    return None if moment is None else moment.replace(tzinfo=datetime.UTC)


def _opening(entered_at, opened_at, left_at) -> datetime.datetime:
    """When finished work was opened, within its stay; its arrival when that is not
    known (work finished before openings were recorded): the whole stay counts."""
    if opened_at is None:
        return entered_at
    return min(max(opened_at, entered_at), left_at)


def _office_minutes(calendar: WorkCalendar, start, end) -> float:
    """Office minutes between two moments, to the second: a handling time of 40
    seconds is not nothing."""
    return calendar.office_time_between(start, end).total_seconds() / 60


def _overdue(timings, user, calendar: WorkCalendar, now) -> list[OverdueWork]:
    """Open work past its due time, most overdue first, of items `user` may open."""
    late = (
        timings.filter(office_items_q(user, prefix="item__"))
        .filter(left_at__isnull=True, due_at__lt=now)
        .select_related("item", "unit", "step")
        .order_by("due_at", "id")[:OVERDUE_LIST_LIMIT]
    )
    return [
        OverdueWork(t, now - t.due_at, calendar.office_minutes_between(t.due_at, now)) for t in late
    ]


@dataclass
class DayOff:
    date: datetime.date
    name: str
    source: str  # "national", "added" (by the body) or "worked" (a national day worked here)
    national_name: str = ""  # the national holiday the body's correction falls on
    estimate: bool = False  # a national date the decree has not fixed yet
    rest_day: bool = False  # falls on a day of the week that is not worked anyway
    correction: int | None = None  # the body's CalendarDay behind it


def calendar_days_off(body: PublicBody, settings: Calendar, year: int) -> list[DayOff]:
    """The days off of `year` in `body`: national ones (when counted) and the body's
    corrections, in date order."""
    national = national_holidays(year) if settings.national_holidays else {}
    rows = {
        day: DayOff(day, name, "national", estimate="perkiraan" in name.lower())
        for day, name in national.items()
    }
    for correction in CalendarDay.objects.filter(body=body, date__year=year):
        rows[correction.date] = DayOff(
            correction.date,
            correction.name,
            "added" if correction.day_off else "worked",
            national_name=national.get(correction.date, ""),
            correction=correction.pk,
        )
    for row in rows.values():
        row.rest_day = row.date.weekday() not in settings.working_weekdays
    return [rows[day] for day in sorted(rows)]
