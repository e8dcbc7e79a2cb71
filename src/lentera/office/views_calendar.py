"""The body's working calendar, read-only: why a due time falls where it does."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from lentera.deadlines.selectors import calendar_days_off
from lentera.deadlines.services import calendar_settings
from lentera.organizations.selectors import member_bodies

from .views import chosen_body

# The years the page shows; the holidays package knows them all.
FIRST_YEAR, LAST_YEAR = 2000, 2100


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
    settings = calendar_settings(body)
    year = _year(request)
    days = calendar_days_off(body, settings, year)
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
