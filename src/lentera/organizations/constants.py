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
