from django.db import models
from django.utils.translation import gettext_lazy as _


class PpidRole(models.TextChoices):
    MAIN = "main", _("PPID Utama")
    IMPLEMENTING = "implementing", _("PPID Pelaksana")


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Administrator")


class Verb(models.TextChoices):
    """The organizations' entries in the activity log (registered in ready())."""

    FACE_CHANGED = "face_changed", _("changed the body's public contact details")
