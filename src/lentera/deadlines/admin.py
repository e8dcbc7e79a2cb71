"""The working calendars, kept by administrators; every edit goes into the activity log
and moves the due times of the work waiting in the body."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lentera.sop import activity
from lentera.sop.constants import Verb

from .calendar import national_holidays
from .models import Calendar, CalendarDay
from .recompute import recompute_open_due_times

CALENDAR_FIELDS = [
    "body",
    "working_weekdays",
    "opens_at",
    "closes_at",
    "time_zone",
    "national_holidays",
]
DAY_FIELDS = ["body", "date", "day_off", "name"]


def _plain(value):
    """A field value as the activity log keeps it (JSON)."""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _snapshot(obj, fields: list[str]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _changes(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for the fields that differ; None for a side that is absent."""
    names = list((before or after).keys())
    pairs = {name: [(before or {}).get(name), (after or {}).get(name)] for name in names}
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}


def _record(request, body, note: str, changes: dict) -> None:
    """Move the due times of the work waiting in the body, and log the edit (with how
    many moved) against the body's PPID Utama."""
    moved = recompute_open_due_times(body)
    if moved:
        moved_note = ngettext(
            "The due time of %(count)d waiting step moved.",
            "The due times of %(count)d waiting steps moved.",
            moved,
        ) % {"count": moved}
        note = f"{note} {moved_note}"
        messages.info(request, moved_note)
    activity.record(
        Verb.CALENDAR,
        actor=request.user,
        item=None,
        unit=body.main_unit,
        note=note,
        changes=changes,
    )


class AuditedAdmin(admin.ModelAdmin):
    """Save and delete inside one transaction with the activity event they cause."""

    fields_logged: list[str] = []

    def describe(self, obj, action: str) -> str:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            old = type(obj).objects.select_related("body").get(pk=obj.pk) if change else None
            before = _snapshot(old, self.fields_logged) if old else None
            super().save_model(request, obj, form, change)
            after = _snapshot(obj, self.fields_logged)
            changes = _changes(before, after)
            if change and not changes:
                return
            _record(
                request, obj.body, self.describe(obj, "changed" if change else "added"), changes
            )
            if old is not None and old.body_id != obj.body_id:
                recompute_open_due_times(old.body)

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = _snapshot(obj, self.fields_logged)
            body = obj.body
            super().delete_model(request, obj)
            _record(request, body, self.describe(obj, "deleted"), _changes(before, None))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset.select_related("body"):
                self.delete_model(request, obj)


class CalendarForm(forms.ModelForm):
    working_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("working days of the week"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one working day.")},
    )

    class Meta:
        model = Calendar
        fields = CALENDAR_FIELDS

    def clean_working_weekdays(self):
        return sorted(set(self.cleaned_data["working_weekdays"]))

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("The office must close after it opens."))
        return cleaned


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin):
    form = CalendarForm
    fields_logged = CALENDAR_FIELDS
    list_display = ["body", "weekdays", "opens_at", "closes_at", "time_zone", "national_holidays"]
    list_select_related = ["body"]
    search_fields = ["body__name"]

    @admin.display(description=gettext_lazy("working days of the week"))
    def weekdays(self, obj):
        return ", ".join(str(WEEKDAYS[day]) for day in sorted(obj.working_weekdays))

    def describe(self, obj, action):
        notes = {
            "added": _("Working calendar of %(body)s set."),
            "changed": _("Working calendar of %(body)s changed."),
            "deleted": _("Working calendar of %(body)s removed; the defaults apply."),
        }
        return notes[action] % {"body": obj.body}


class CalendarDayForm(forms.ModelForm):
    day_off = forms.TypedChoiceField(
        label=gettext_lazy("this day is"),
        choices=[
            (True, gettext_lazy("a day off")),
            (False, gettext_lazy("a working day after all")),
        ],
        coerce=lambda value: value in (True, "True"),
        initial=True,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A day off: a regional holiday or joint leave added by decree. A working day "
            "after all: a national holiday or cuti bersama that this body works, or a "
            "weekend day worked in exchange for another."
        ),
    )

    class Meta:
        model = CalendarDay
        fields = DAY_FIELDS

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        body = cleaned.get("body")
        if day and body and cleaned.get("day_off") is False:
            calendar = Calendar.objects.filter(body=body).first() or Calendar()
            usual = day.weekday() in calendar.working_weekdays
            if usual and day not in national_holidays(day.year):
                self.add_error(
                    "day_off",
                    _("%(date)s is a working day already.") % {"date": day.isoformat()},
                )
        return cleaned


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Corrections to the national calendar: regional holidays, decrees on joint leave."""

    form = CalendarDayForm
    fields_logged = DAY_FIELDS
    list_display = ["date", "name", "kind", "body", "recorded_by", "recorded_at"]
    list_filter = ["body", YearFilter]
    list_select_related = ["body", "recorded_by"]
    search_fields = ["name"]
    readonly_fields = ["recorded_by", "recorded_at"]
    ordering = ["-date"]

    @admin.display(description=gettext_lazy("this day is"))
    def kind(self, obj):
        return _("a day off") if obj.day_off else _("a working day after all")

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def describe(self, obj, action):
        notes = {
            "added": _("Calendar correction %(day)s added for %(body)s."),
            "changed": _("Calendar correction %(day)s changed for %(body)s."),
            "deleted": _("Calendar correction %(day)s removed for %(body)s."),
        }
        return notes[action] % {"day": obj, "body": obj.body}
