from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import PerformerRole, PerformerScope, StepKind, TimeUnit, Verb


class Sop(models.Model):
    """A documentation SOP with the header every seed shows; one row per version."""

    body = models.ForeignKey(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sops",
    )
    preset_key = models.SlugField(_("preset key"), max_length=80, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    number = models.CharField(_("SOP number"), max_length=120, blank=True)
    name = models.CharField(_("SOP name"), max_length=300)
    unit_name = models.CharField(_("issuing unit"), max_length=300, blank=True)
    made_on = models.CharField(_("date made"), max_length=60, blank=True)
    revised_on = models.CharField(_("date revised"), max_length=60, blank=True)
    effective_on = models.CharField(_("date effective"), max_length=60, blank=True)
    approved_by = models.TextField(_("approved by"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    qualifications = models.TextField(_("performer qualifications"), blank=True)
    related = models.TextField(_("related SOPs"), blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    warning = models.TextField(_("warning"), blank=True)
    records = models.TextField(_("records and data keeping"), blank=True)

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")
        constraints = [
            models.UniqueConstraint(
                fields=["preset_key", "version"],
                condition=~models.Q(preset_key=""),
                name="sop_preset_version_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def first_step(self) -> "SopStep":
        return self.steps.order_by("number").first()


class SopStep(models.Model):
    """One row of an SOP table: activity, performer and Mutu Baku."""

    sop = models.ForeignKey(
        Sop, verbose_name=_("SOP"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    activity = models.TextField(_("activity"))
    kind = models.CharField(_("kind"), max_length=20, choices=StepKind.choices)
    performer_label = models.CharField(_("performer (as in the SOP)"), max_length=120)
    performer_role = models.CharField(
        _("performer role"), max_length=20, choices=PerformerRole.choices
    )
    performer_scope = models.CharField(
        _("performer's unit"),
        max_length=20,
        choices=PerformerScope.choices,
        default=PerformerScope.ITEM_UNIT,
    )
    separate_from_submitter = models.BooleanField(
        _("not by the submitter"),
        default=False,
        help_text=_("The person who submitted the item may not perform this step."),
    )
    requirements = models.TextField(_("requirements (kelengkapan)"), blank=True)
    time_amount = models.PositiveIntegerField(_("time standard"), null=True, blank=True)
    time_unit = models.CharField(
        _("time unit"),
        max_length=20,
        choices=TimeUnit.choices,
        default=TimeUnit.NOT_STATED,
        blank=True,
    )
    output = models.CharField(_("output"), max_length=200, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)

    class Meta:
        ordering = ["sop", "number"]
        verbose_name = _("SOP step")
        verbose_name_plural = _("SOP steps")
        constraints = [models.UniqueConstraint(fields=["sop", "number"], name="step_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.activity[:60]}"

    @property
    def time_standard(self) -> str:
        if self.time_unit == TimeUnit.TENTATIVE:
            return str(TimeUnit.TENTATIVE.label).capitalize()
        if not self.time_unit or self.time_amount is None:
            return "—"
        n = self.time_amount
        labels = {
            TimeUnit.MINUTES: ngettext("%(n)d minute", "%(n)d minutes", n),
            TimeUnit.HOURS: ngettext("%(n)d hour", "%(n)d hours", n),
            TimeUnit.WORKING_DAYS: ngettext("%(n)d working day", "%(n)d working days", n),
            TimeUnit.WEEKS: ngettext("%(n)d week", "%(n)d weeks", n),
        }
        return labels[self.time_unit] % {"n": n}


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
    verb = models.CharField(_("action"), max_length=20, choices=Verb.choices)
    step = models.ForeignKey(
        SopStep, verbose_name=_("step"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_step = models.ForeignKey(
        SopStep, verbose_name=_("to step"), on_delete=models.PROTECT, null=True, related_name="+"
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
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.get_verb_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Activity events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Activity events are append-only.")
