from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import (
    CHECKING_KINDS,
    Check,
    PerformerRole,
    PerformerScope,
    StepKind,
    TimeUnit,
)


class SopInUse(Exception):
    """A version that items follow is frozen; revise it into a new version instead."""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


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
    performer_columns = models.TextField(
        _("performer columns"),
        blank=True,
        help_text=_(
            "The Pelaksana column headings of the SOP table, one per line, in order. "
            "Leave empty to use the performers of the steps."
        ),
    )
    revised_from = models.ForeignKey(
        "self",
        verbose_name=_("revised from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

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

    @property
    def in_use(self) -> bool:
        """True once an item follows this version: its steps are then frozen."""
        return self.pk is not None and self.items.exists()

    def columns(self, steps=None) -> list[str]:
        """The performer columns of the SOP table, as printed or from the steps."""
        columns = _lines(self.performer_columns)
        for step in steps if steps is not None else self.steps.all():
            for label in [step.performer_label, *step.marked_also]:
                if label not in columns:
                    columns.append(label)
        return columns


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
    performer_position = models.CharField(
        _("performer's position (jabatan)"),
        max_length=120,
        blank=True,
        help_text=_(
            "Only members holding this position in the performer's unit perform the step. "
            "Empty: any member with the performer role."
        ),
    )
    # Seed 004: the Petugas Layanan receives what the unit hands over, recaps it and
    # submits it to the PPID, and corrections go back to them. A member of the
    # performer's unit holding this position submits (ajukan) the item before the
    # performer acts, and a return from this step goes back to them.
    intake_position = models.CharField(
        _("received and submitted first by (position)"),
        max_length=120,
        blank=True,
        help_text=_(
            "An officer of the performer's unit holding this position receives the item and "
            "submits it before the performer acts; a return from this step goes back to them."
        ),
    )
    # The seed's performer cell was empty: the performer is read from the activity text.
    performer_inferred = models.BooleanField(
        _("performer inferred from the activity text"), default=False
    )
    separate_from_submitter = models.BooleanField(
        _("not by the submitter"),
        null=True,
        blank=True,
        help_text=_(
            "Whether the person who submitted the item is barred from this step. "
            "Unknown means: barred from review and approve steps only."
        ),
    )
    also_marked = models.TextField(
        _("other performers marked"),
        blank=True,
        help_text=_("Other performer columns marked on this row of the SOP table, one per line."),
    )
    requirements = models.TextField(_("requirements (kelengkapan)"), blank=True)
    checks = models.JSONField(
        _("checked requirements"),
        default=list,
        blank=True,
        help_text=_("What the application checks before the step can be completed."),
    )
    checklist = models.TextField(
        _("checklist"),
        blank=True,
        help_text=_("Items the performer must tick before completing the step, one per line."),
    )
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

    def save(self, *args, **kwargs):
        if self.sop.in_use:
            raise SopInUse(f"SOP {self.sop_id} is in use; revise it into a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.sop.in_use:
            raise SopInUse(f"SOP {self.sop_id} is in use; revise it into a new version")
        return super().delete(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        unknown = [c for c in self.checks or [] if c not in Check.values]
        if unknown:
            raise ValidationError(
                {"checks": _("Unknown check: %(names)s") % {"names": ", ".join(unknown)}}
            )

    @property
    def separation_required(self) -> bool:
        if self.separate_from_submitter is None:
            return self.kind in CHECKING_KINDS
        return self.separate_from_submitter

    @property
    def marked_also(self) -> list[str]:
        return _lines(self.also_marked)

    @property
    def checklist_items(self) -> list[str]:
        return _lines(self.checklist)

    def check_labels(self) -> list[str]:
        return [str(Check(c).label) for c in self.checks or [] if c in Check.values]

    @property
    def time_standard(self) -> str:
        if self.time_unit == TimeUnit.TENTATIVE:
            return str(TimeUnit.TENTATIVE.label).capitalize()
        if not self.time_unit or self.time_amount is None:
            return "—"
        n, unit = self.time_amount, self.time_unit  # (one translation looked up: lists show many)
        if unit == TimeUnit.MINUTES:
            label = ngettext("%(n)d minute", "%(n)d minutes", n)
        elif unit == TimeUnit.HOURS:
            label = ngettext("%(n)d hour", "%(n)d hours", n)
        elif unit == TimeUnit.WORKING_DAYS:
            label = ngettext("%(n)d working day", "%(n)d working days", n)
        elif unit == TimeUnit.WEEKS:
            label = ngettext("%(n)d week", "%(n)d weeks", n)
        else:
            raise KeyError(unit)
        return label % {"n": n}
