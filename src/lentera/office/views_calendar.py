"""The body's working calendar: why a due time falls where it does, for its members;
its corrections (regional holidays, national days off worked), for its administrators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lentera.deadlines import services as deadlines
from lentera.deadlines.models import CalendarDay
from lentera.deadlines.selectors import calendar_days_off
from lentera.deadlines.services import calendar_settings
from lentera.errors import ActionRefused
from lentera.organizations.selectors import member_bodies
from lentera.sop import policy

from .actions import _refused
from .forms import DATE_INPUT
from .views import chosen_body
from .views_admin import administered

# The years the page shows; the holidays package knows them all.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(request) -> int:
    text = request.GET.get("tahun", "")
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    return timezone.localdate().year


class CorrectionForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)
    day_off = forms.TypedChoiceField(
        label=gettext_lazy("Correction"),
        choices=[("1", gettext_lazy("a day off for this body (e.g. a regional holiday)")),
                 ("0", gettext_lazy("a working day after all (a national day off or a weekend day "
                                    "that this body works)"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )  # fmt: skip
    name = forms.CharField(label=gettext_lazy("Name or reason"), max_length=200)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(_("Choose a date from 2000 to 2100."))
        return day


@login_required
def calendar(request):
    bodies = list(member_bodies(request.user))
    body = chosen_body(request, bodies)
    if body is None:
        raise Http404
    return _page(request, body, bodies, _year(request))


def _page(request, body, bodies, year: int, form=None, status: int = 200):
    settings = calendar_settings(body)
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
            "may_correct": policy.may_administer(request.user, body),
            "form": form or CorrectionForm(initial={"date": timezone.localdate()}),
        },
        status=status,
    )


def _back(body, year: int):
    return redirect(f"{reverse('office:calendar')}?badan={body.slug}&tahun={year}")


@require_POST
@login_required
def correction_add(request, slug: str):
    body = administered(request, slug)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        bodies = list(member_bodies(request.user))
        return _page(request, body, bodies, timezone.localdate().year, form, status=400)
    data = form.cleaned_data
    try:
        moved = deadlines.correct_day(
            request.user, body, date=data["date"], day_off=data["day_off"], name=data["name"]
        )
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The correction was saved.") + (
            " " + deadlines.moved_note(moved) if moved else ""))  # fmt: skip
    return _back(body, data["date"].year)


@require_POST
@login_required
def correction_remove(request, slug: str, pk: int):
    body = administered(request, slug)
    correction = get_object_or_404(CalendarDay.objects.select_related("body"), pk=pk, body=body)
    try:
        moved = deadlines.remove_day_correction(request.user, correction)
    except ActionRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The correction was removed.") + (
            " " + deadlines.moved_note(moved) if moved else ""))  # fmt: skip
    return _back(body, correction.date.year)
