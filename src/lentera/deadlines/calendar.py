"""Working time: which days are worked, office hours, and when a time standard ends.

The rules (docs/deadlines.md):
- minutes and hours are counted inside office hours on working days, from the
  moment counting starts, or from the next opening of the office when that is
  outside office hours; they are handling times, so counting starts when the
  performer opens the work, not when it arrives (see HANDLING_UNITS);
- n working days are counted from the first working day after the day the work
  arrives; the work is due at the close of office hours on the n-th;
- a week is five working days;
- tentative (and unstated) standards have no due time.
"""

import datetime
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

from lentera.sop.constants import TimeUnit

WORKING_DAYS_PER_WEEK = 5
# Standards in minutes or hours are handling times (seed 003: input 1 menit; seed 002:
# 1 jam): due from when a performer opens the work; waiting before that is never late.
HANDLING_UNITS = frozenset({TimeUnit.MINUTES, TimeUnit.HOURS})
_SEARCH_LIMIT = 3 * 366  # days; a calendar with no working day at all must not loop


def is_handling_standard(amount: int | None, unit: str) -> bool:
    """A time standard of minutes or hours: it counts from opening, not from arrival."""
    return amount is not None and unit in HANDLING_UNITS


@functools.lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[datetime.date, str]:
    """Indonesia's national holidays and cuti bersama of `year`, in Indonesian.

    Dates beyond the current year are estimates ("perkiraan"); administrators
    correct them with CalendarDay rows when the decree comes out."""
    found = holidays.country_holidays(
        "ID", categories=("public", "government"), language="id", years=year
    )
    return dict(found.items())


@dataclass(frozen=True)
class WorkCalendar:
    time_zone: str = "Asia/Jakarta"
    weekdays: frozenset[int] = frozenset(range(WORKING_DAYS_PER_WEEK))
    opens: datetime.time = datetime.time(8, 0)
    closes: datetime.time = datetime.time(16, 0)
    national: bool = True
    days_off: dict[datetime.date, str] = field(default_factory=dict)  # added by the body
    days_on: frozenset[datetime.date] = frozenset()  # worked here after all

    def __post_init__(self):
        if self.opens >= self.closes:
            raise ValueError("the office must open before it closes")
        if not self.weekdays and not self.days_on:
            raise ValueError("a calendar needs at least one working day")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # Days

    def holiday_name(self, day: datetime.date) -> str | None:
        """Why `day` is not worked although it is a working day of the week, if it is not."""
        if day in self.days_on:
            return None
        if day in self.days_off:
            return self.days_off[day]
        if self.national:
            return national_holidays(day.year).get(day)
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.days_on:  # worked after all: a holiday, or a weekend day in exchange
            return True
        return day.weekday() in self.weekdays and self.holiday_name(day) is None

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        for offset in range(1, _SEARCH_LIMIT):
            candidate = day + datetime.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("the calendar has no working day within three years")

    def working_days_after(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (n >= 1)."""
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    # Moments

    def _at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def next_opening(self, moment: datetime.datetime) -> datetime.datetime:
        """`moment` itself when the office is open then, else the next time it opens."""
        local = moment.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.opens:
                return self._at(day, self.opens)
            if local.time() < self.closes:
                return local
        return self._at(self.next_working_day(day), self.opens)

    def add_office_minutes(self, start: datetime.datetime, minutes: int) -> datetime.datetime:
        """The moment `minutes` of office time after `start`."""
        cursor = self.next_opening(start)
        remaining = datetime.timedelta(minutes=minutes)
        while True:
            closing = self._at(cursor.date(), self.closes)
            if remaining <= closing - cursor:
                return cursor + remaining
            remaining -= closing - cursor
            cursor = self._at(self.next_working_day(cursor.date()), self.opens)

    def due(self, start: datetime.datetime, amount: int | None, unit: str):
        """When work is due under a time standard that starts counting at `start` (its
        arrival; its opening for minutes and hours); None if it has none (tentative or
        not stated)."""
        if amount is None or unit in (TimeUnit.TENTATIVE, TimeUnit.NOT_STATED):
            return None
        if unit == TimeUnit.MINUTES:
            return self.add_office_minutes(start, amount)
        if unit == TimeUnit.HOURS:
            return self.add_office_minutes(start, amount * 60)
        days = amount * WORKING_DAYS_PER_WEEK if unit == TimeUnit.WEEKS else amount
        arrived_on = start.astimezone(self.tz).date()
        if days == 0:
            return self._at(self.next_opening(start).date(), self.closes)
        return self._at(self.working_days_after(arrived_on, days), self.closes)

    def office_time_between(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> datetime.timedelta:
        """Office time from `start` to `end`, to the second (none if `end` is not later)."""
        total = datetime.timedelta()
        cursor = self.next_opening(start)
        end = end.astimezone(self.tz)
        while cursor < end:
            closing = self._at(cursor.date(), self.closes)
            total += min(closing, end) - cursor
            cursor = self._at(self.next_working_day(cursor.date()), self.opens)
        return total

    def office_minutes_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Office minutes from `start` to `end` (0 if `end` is not later)."""
        return int(self.office_time_between(start, end).total_seconds() // 60)
