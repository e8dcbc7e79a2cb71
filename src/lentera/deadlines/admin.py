"""The working calendars, kept by administrators; every edit goes into the activity log
and moves the due times of the work waiting in the body."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import CALENDAR_FIELDS, DAY_FIELDS
from .models import Calendar, CalendarDay
from .services import delete_calendar_entry, moved_note, save_calendar_entry, works_anyway


class CalendarChangeAdmin(admin.ModelAdmin):
    """Saves and deletes go through deadlines.services: the waiting work moves and the
    change is logged, in one transaction."""

    def save_model(self, request, obj, form, change):
        self._moved(request, save_calendar_entry(obj, request.user))

    def delete_model(self, request, obj):
        self._moved(request, delete_calendar_entry(obj, request.user))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            moved = sum(
                delete_calendar_entry(obj, request.user) for obj in queryset.select_related("body")
            )
        self._moved(request, moved)

    def _moved(self, request, moved: int) -> None:
        if moved:
            messages.info(request, moved_note(moved))


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
class CalendarAdmin(CalendarChangeAdmin):
    form = CalendarForm
    fields_logged = CALENDAR_FIELDS
    list_display = ["body", "weekdays", "opens_at", "closes_at", "time_zone", "national_holidays"]
    list_select_related = ["body"]
    search_fields = ["body__name"]

    @admin.display(description=gettext_lazy("working days of the week"))
    def weekdays(self, obj):
        return ", ".join(str(WEEKDAYS[day]) for day in sorted(obj.working_weekdays))


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
            if works_anyway(body, day):
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
class CalendarDayAdmin(CalendarChangeAdmin):
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
