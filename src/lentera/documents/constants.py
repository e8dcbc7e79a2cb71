from django.db import models
from django.utils.translation import gettext_lazy as _


class TextStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    UNSUPPORTED = "unsupported", _("not supported for this file type")


class FixityStatus(models.TextChoices):
    OK = "ok", _("intact")
    MISSING = "missing", _("missing")
    CORRUPT = "corrupt", _("corrupt")
