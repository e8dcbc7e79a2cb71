from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """A soft copy of an information item; its content lives in versions."""

    item = models.ForeignKey(
        "register.InformationItem",
        verbose_name=_("information item"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def latest_version(self) -> "DocumentVersion | None":
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    """One stored file: immutable, identified by its SHA-256."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=120)
    original_name = models.CharField(_("original file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Set when the item's publish step completes with this version current.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"


class HardCopy(models.Model):
    """Where a physical copy of an item is kept."""

    item = models.ForeignKey(
        "register.InformationItem",
        verbose_name=_("information item"),
        on_delete=models.PROTECT,
        related_name="hardcopies",
    )
    building = models.CharField(_("building"), max_length=120)
    room = models.CharField(_("room"), max_length=120, blank=True)
    cabinet = models.CharField(_("cabinet or shelf"), max_length=120, blank=True)
    box = models.CharField(_("box or folder"), max_length=120, blank=True)
    custodian = models.CharField(_("custodian"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("hard copy")
        verbose_name_plural = _("hard copies")

    def __str__(self) -> str:
        return " / ".join(p for p in (self.building, self.room, self.cabinet, self.box) if p)
