from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import LISTED_STATUSES, Category, Status


class InformationItem(models.Model):
    """One entry of the Daftar Informasi Publik, with every column of Perki 1/2021."""

    # Ringkasan isi informasi
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary of content"))
    # Pejabat atau unit yang menguasai informasi
    holding_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("holding unit"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    # Penanggung jawab pembuatan atau penerbitan informasi
    responsible_official = models.CharField(
        _("official responsible for making or issuing"), max_length=200
    )
    # Waktu dan tempat pembuatan informasi
    made_on = models.DateField(_("date made"), null=True, blank=True)
    made_place = models.CharField(_("place made"), max_length=120, blank=True)
    # Bentuk informasi yang tersedia
    form_softcopy = models.BooleanField(_("available as soft copy"), default=True)
    form_hardcopy = models.BooleanField(_("available as hard copy"), default=False)
    # Jangka waktu penyimpanan atau retensi arsip
    retention_period = models.CharField(_("retention period"), max_length=120)

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    sop = models.ForeignKey(
        "sop.Sop", verbose_name=_("SOP"), on_delete=models.PROTECT, related_name="items"
    )
    current_step = models.ForeignKey(
        "sop.SopStep",
        verbose_name=_("current step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    step_entered_at = models.DateTimeField(_("entered current step at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Optimistic locking: every write bumps it; a stale write is refused.
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["holding_unit", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def available_forms(self) -> str:
        forms = []
        if self.form_softcopy:
            forms.append(str(_("soft copy")))
        if self.form_hardcopy:
            forms.append(str(_("hard copy")))
        return ", ".join(forms) or "—"

    @property
    def is_public(self) -> bool:
        # The same rule as register.selectors.public_q(), for one loaded item.
        return self.status in LISTED_STATUSES and self.category != Category.EXEMPT
