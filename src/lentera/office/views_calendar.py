"""The body's working calendar, read-only: why a due time falls where it does."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from lentera.deadlines.calendar import national_holidays
from lentera.deadlines.models import Calendar, CalendarDay
from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import member_bodies

from .views import chosen_body

# The years the page shows; the holidays package knows them all.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class DayOff:
    date: datetime.date
    name: str
    source: str  # "national", "added" (by the body) or "worked" (a national day worked here)
    national_name: str = ""  # the national holiday the body's correction falls on
    estimate: bool = False  # a national date the decree has not fixed yet
    rest_day: bool = False  # falls on a day of the week that is not worked anyway


def days_off(body: PublicBody, settings: Calendar, year: int) -> list[DayOff]:
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
        )
    for row in rows.values():
        row.rest_day = row.date.weekday() not in settings.working_weekdays
    return [rows[day] for day in sorted(rows)]


def _year(request) -> int:
    text = request.GET.get("tahun", "")
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    return timezone.localdate().year


@login_required
def calendar(request):
    bodies = list(member_bodies(request.user))
    body = chosen_body(request, bodies)
    if body is None:
        raise Http404
    settings = Calendar.objects.filter(body=body).first() or Calendar(body=body)
    year = _year(request)
    days = days_off(body, settings, year)
    return render(
        request,
        "office/calendar.html",
        {
            "body": body,
            "bodies": bodies,
            "settings": settings,
            "weekdays": [WEEKDAYS[day] for day in sorted(settings.working_weekdays)],
            "year": year,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
            "days": days,
            "has_estimates": any(day.estimate for day in days),
        },
    )
