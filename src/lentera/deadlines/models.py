import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import is_handling_standard
from .constants import Kind, Outcome, TimeZone

# Monday is 0, as in datetime.date.weekday().
MONDAY_TO_FRIDAY = [0, 1, 2, 3, 4]


def monday_to_friday() -> list[int]:
    return list(MONDAY_TO_FRIDAY)


class Calendar(models.Model):
    """A body's working week, office hours and time zone; its holidays are the national
    ones (the `holidays` package) with the body's own CalendarDay edits on top."""

    body = models.OneToOneField(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.CASCADE,
        related_name="calendar",
    )
    working_weekdays = models.JSONField(
        _("working days of the week"),
        default=monday_to_friday,
        help_text=_("Numbers of the working days: 0 is Monday, 6 is Sunday."),
    )
    opens_at = models.TimeField(_("office opens"), default=datetime.time(8, 0))
    closes_at = models.TimeField(_("office closes"), default=datetime.time(16, 0))
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TimeZone.choices, default=TimeZone.WIB
    )
    national_holidays = models.BooleanField(
        _("national holidays and cuti bersama"),
        default=True,
        help_text=_("Count Indonesia's national holidays and joint leave days as days off."),
    )

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="calendar_opens_before_closing",
            )
        ]

    def __str__(self) -> str:
        return str(self.body)


class CalendarDay(models.Model):
    """An administrator's correction to a body's calendar: a day off added (a regional
    holiday, joint leave added by decree) or a national day off worked after all."""

    body = models.ForeignKey(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )
    date = models.DateField(_("date"))
    day_off = models.BooleanField(
        _("day off"),
        default=True,
        help_text=_("Ticked: no work on this day. Not ticked: a working day after all."),
    )
    name = models.CharField(_("name or reason"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["body", "date"]
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        constraints = [models.UniqueConstraint(fields=["body", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


# A return is the performer's decision on the step, so it counts as finished work.
FINISHED = (Outcome.COMPLETED, Outcome.RETURNED)


class StepTiming(models.Model):
    """One stay of an item at one SOP step: when the work arrived, when a performer
    opened it, when it was due (none for a tentative step, nor for a step in minutes
    or hours that nobody has opened yet) and when it left the step."""

    item = models.ForeignKey(
        "register.InformationItem",
        verbose_name=_("information item"),
        on_delete=models.CASCADE,
        related_name="step_timings",
    )
    # The body holding the item (an item moves only among its body's units): a body's
    # figures are read without reading its items.
    body = models.ForeignKey(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    step = models.ForeignKey(
        "sop.SopStep", verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("performing unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    entered_at = models.DateTimeField(_("arrived at"))
    # The first time someone who may perform the step opened its work (the office's
    # item page), or the moment it was completed or returned if nobody had.
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["item", "entered_at", "id"]
        verbose_name = _("step timing")
        verbose_name_plural = _("step timings")
        indexes = [
            models.Index(fields=["left_at", "due_at"]),
            models.Index(fields=["body", "left_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.step_id}"

    @property
    def on_time(self) -> bool | None:
        if self.due_at is None or self.left_at is None:
            return None
        return self.left_at <= self.due_at

    @property
    def measures_handling(self) -> bool:
        """Its standard (minutes or hours) is a handling time, due from the opening."""
        return is_handling_standard(self.step.time_amount, self.step.time_unit)

    @property
    def counts_from(self) -> datetime.datetime | None:
        """When its time standard starts counting: the opening for a handling time
        (None until opened), else the arrival."""
        return self.opened_at if self.measures_handling else self.entered_at


class Notification(models.Model):
    """A message to one person, shown in the office and sent by email once.

    `key` names the occasion (e.g. "reminder:<timing id>"); it is unique per user,
    so the same reminder is never created twice, even by concurrent runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120)
    item = models.ForeignKey(
        "register.InformationItem",
        verbose_name=_("information item"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    timing = models.ForeignKey(
        StepTiming, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    import_batch = models.ForeignKey(
        "register.ImportBatch",
        verbose_name=_("import batch"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    # A sender claims a row before mailing it; a claim older than the lease is stale
    # (its sender died) and the row is mailed by a later run.
    claimed_at = models.DateTimeField(null=True, blank=True)
    mail_error = models.CharField(_("mail problem"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject
