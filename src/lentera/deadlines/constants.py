from django.db import models
from django.utils.translation import gettext_lazy as _

# The fields of a body's calendar settings and of a day correction that an
# administrator edits, and that the activity log keeps of each change.
CALENDAR_FIELDS = [
    "body",
    "working_weekdays",
    "opens_at",
    "closes_at",
    "time_zone",
    "national_holidays",
]
DAY_FIELDS = ["body", "date", "day_off", "name"]


class Verb(models.TextChoices):
    """The deadlines' own entries in the activity log (registered in ready())."""

    CALENDAR = "calendar", _("corrected the working calendar")


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("completed")
    RETURNED = "returned", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Kind(models.TextChoices):
    ARRIVED = "arrived", _("work arrived")
    REMINDER = "reminder", _("due soon")
    OVERDUE = "overdue", _("overdue")
    BERKALA = "berkala", _("periodic information due for an update")
    EXEMPTION = "exemption", _("exemption period ended")
    IMPORT = "import", _("imported DIP waiting for confirmation")
