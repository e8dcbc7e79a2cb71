from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """UU 14/2008 Pasal 9, 10, 11 and 17."""

    PERIODIC = "berkala", _("Periodic (berkala)")
    IMMEDIATE = "serta_merta", _("Immediate (serta merta)")
    ON_DEMAND = "setiap_saat", _("Available at any time (setiap saat)")
    EXEMPT = "dikecualikan", _("Exempt (dikecualikan)")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DOCUMENTED = "documented", _("Documented")
    PUBLISHED = "published", _("Published")


# Statuses whose metadata the public DIP lists.
LISTED_STATUSES = (Status.DOCUMENTED, Status.PUBLISHED)
