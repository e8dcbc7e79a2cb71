import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import FixityStatus, TextStatus


class Document(models.Model):
    """A soft copy of an information item; its content lives in versions."""

    item = models.ForeignKey(
        "register.InformationItem",
        verbose_name=_("information item"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    # The resource's identity for harvesters and linked data, kept through new versions.
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Deleting is soft: the document disappears from lists but keeps its bytes...
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    delete_reason = models.CharField(_("reason for deleting"), max_length=300, blank=True)
    # ...until an explicit, recorded disposal removes them.
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


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
    # Taken offline: by a withdrawal, or by a publication that no longer holds its
    # document. A withdrawn version comes back only if a later approval covers it.
    withdrawn_at = models.DateTimeField(_("taken offline at"), null=True, blank=True)

    # Text extraction (background job): the text is kept for search.
    text_status = models.CharField(
        _("text extraction"), max_length=20, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_method = models.CharField(_("extracted by"), max_length=10, blank=True)  # text|ocr
    text_error = models.CharField(_("extraction problem"), max_length=300, blank=True)
    text_at = models.DateTimeField(_("text extracted at"), null=True, blank=True)
    # While a job runs: when it is given up for lost (a killed worker) and queued again.
    text_lease_until = models.DateTimeField(_("extraction lease until"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    thumbnail = models.FileField(_("thumbnail"), max_length=300, blank=True)

    # Fixity: the last time `lentera fixity` re-hashed the stored bytes.
    fixity_checked_at = models.DateTimeField(_("fixity checked at"), null=True, blank=True)
    fixity_status = models.CharField(
        _("fixity"), max_length=20, choices=FixityStatus.choices, blank=True
    )

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


class HardCopyMovement(models.Model):
    """A hard copy taken out of its place, and when it came back."""

    hardcopy = models.ForeignKey(
        HardCopy, verbose_name=_("hard copy"), on_delete=models.PROTECT, related_name="movements"
    )
    taken_by = models.CharField(_("taken by"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    due_back_on = models.DateField(_("due back on"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("return recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["hardcopy", "-taken_at", "-id"]
        verbose_name = _("hard copy movement")
        verbose_name_plural = _("hard copy movements")
        constraints = [
            # At most one open movement per hard copy.
            models.UniqueConstraint(
                fields=["hardcopy"],
                condition=models.Q(returned_at__isnull=True),
                name="hardcopy_one_open_movement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hardcopy} → {self.taken_by}"


class FixityRun(models.Model):
    """One run of `lentera fixity`; an unfinished run can be resumed."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    sample = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    total = models.PositiveIntegerField(_("files to check"), default=0)
    checked = models.PositiveIntegerField(_("files checked"), default=0)
    last_version_id = models.PositiveBigIntegerField(default=0)
    # Version ids in the sample (when sampling), so a resumed run checks the same files.
    planned = models.JSONField(default=list, blank=True)
    missing = models.JSONField(default=list, blank=True)
    corrupt = models.JSONField(default=list, blank=True)
    orphans = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fixity run")
        verbose_name_plural = _("fixity runs")

    def __str__(self) -> str:
        return f"fixity {self.started_at:%Y-%m-%d %H:%M}"
