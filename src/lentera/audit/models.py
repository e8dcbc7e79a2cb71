"""The activity log: one append-only table, each row chained to the one before by its
hash. It refers to what it records (items, units, SOP steps) by name only, so the log
stays on the ground floor."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import verbs


class ActivityEvent(models.Model):
    """One recorded action; append-only and chained by hashes."""

    item = models.ForeignKey(
        "register.InformationItem",
        verbose_name=_("information item"),
        on_delete=models.PROTECT,
        null=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # A verb an app registered (audit.verbs); the word only, so new verbs need no migration.
    verb = models.CharField(_("action"), max_length=verbs.VERB_LENGTH)
    step = models.ForeignKey(
        "sop.SopStep",
        verbose_name=_("step"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    to_step = models.ForeignKey(
        "sop.SopStep",
        verbose_name=_("to step"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.verb_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Activity events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Activity events are append-only.")

    @property
    def verb_label(self) -> str:
        return verbs.label(self.verb)
