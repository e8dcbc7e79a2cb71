import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lentera.dates import add_months

from .constants import (
    LISTED_STATUSES,
    MAX_UPDATE_INTERVAL_MONTHS,
    Category,
    DisposalChoice,
    Disposition,
    ExemptionGround,
    Status,
)


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
    # The JRA classification the retention period follows from (optional).
    retention_rule = models.ForeignKey(
        "register.RetentionRule",
        verbose_name=_("retention schedule code"),
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
    )

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
    # When the current step is due (deadlines app); none for a tentative step.
    step_due_at = models.DateTimeField(_("current step due at"), null=True, blank=True)
    # Berkala items are updated at least this often (UU 14/2008 Pasal 9(3): six months).
    update_interval_months = models.PositiveSmallIntegerField(
        _("update interval (months)"),
        default=6,
        validators=[MaxValueValidator(MAX_UPDATE_INTERVAL_MONTHS)],
        help_text=_("For periodic (berkala) information: how often it is updated; 0 for none."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # When the DIP entry last changed: published, or documented without files online.
    # Feeds, the sitemap and "newest first" read it.
    listed_at = models.DateTimeField(_("listed in the DIP at"), null=True, blank=True)
    # When the entry was first listed: the CKAN and DCAT creation date of the dataset.
    first_listed_at = models.DateTimeField(
        _("first listed in the DIP at"), null=True, blank=True, editable=False
    )
    # Identity for harvesters and linked data (the CKAN id, the DCAT identifier), given
    # at creation, and the CKAN name, made from the approved title when the entry is
    # first listed (a draft title may be what the review removed); both kept after.
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("name"), max_length=100, blank=True, editable=False)
    # Optimistic locking: every write bumps it; a stale write is refused.
    lock_version = models.PositiveIntegerField(default=0)
    # Edits to a listed item that is going through its SOP again: the public keeps
    # seeing the columns above until the update passes the publish (or last) step.
    in_update = models.BooleanField(_("update in progress"), default=False)
    pending_changes = models.JSONField(_("proposed changes"), default=dict, blank=True)
    # The fingerprint of the content the last review or approval of this pass covered
    # (register.fingerprint); while it is set the content is frozen, and a publish or store
    # step refuses unless the content still has it. Cleared when the item next stands
    # at a collect or input step, and when a pass starts or ends.
    # When the current step's intake (sop.SopStep.intake_position) submitted the item.
    step_submitted_at = models.DateTimeField(
        _("submitted at the current step at"), null=True, blank=True, editable=False
    )
    approved_fingerprint = models.CharField(
        _("fingerprint of the approved content"), max_length=64, blank=True, editable=False
    )
    # An imported entry waits, out of any step, until an approver confirms its batch.
    import_batch = models.ForeignKey(
        "register.ImportBatch",
        verbose_name=_("import batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="items",
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["holding_unit", "status"]),
            models.Index(fields=["status", "listed_at"]),
            # Newest first without sorting the register: the feed, the home page, the API.
            models.Index(fields=["listed_at", "id"], name="item_listed_order"),
            models.Index(fields=["updated_at", "id"], name="item_updated_order"),
            # The DIP's groups counted by one index scan (register.dip_table.DipRows).
            models.Index(
                fields=["holding_unit", "category", "year", "status"], name="item_dip_groups"
            ),
            # The work lists: the items at a step, longest waiting first, without
            # reading the finished ones.
            models.Index(
                fields=["step_entered_at"],
                condition=models.Q(current_step__isnull=False),
                name="item_open_steps",
            ),
            # Periodic items due for an update, longest since their listing first
            # (the dashboard; notify.stale_berkala_items).
            models.Index(
                fields=["category", "listed_at", "id"],
                condition=models.Q(current_step__isnull=True),
                name="item_stale_berkala",
            ),
            # An officer's recently changed items, newest first, per unit.
            models.Index(fields=["holding_unit", "updated_at"], name="item_unit_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def first_listed(self):
        """When the entry was first listed (the dataset's creation), never after its
        last listing."""
        moments = [m for m in (self.first_listed_at, self.listed_at) if m]
        return min(moments) if moments else None

    @property
    def last_updated(self):
        """When the entry was last listed in the DIP (documented or published): what the
        public page, the office and the dashboard call "last updated", and where a
        berkala entry's period begins. Every listed entry has it (the workflow sets it;
        migrations register.0007 and 0014 filled it in for older ones)."""
        return self.listed_at or self.published_at

    def next_update_on(self, tz=None) -> datetime.date | None:
        """The day a listed berkala entry is due for its next update (UU 14/2008 Pasal 9
        ayat 3): its interval after it was last updated, in `tz` (the current time zone
        when None); None for any other entry."""
        if self.category != Category.PERIODIC or not self.update_interval_months:
            return None
        if self.last_updated is None:
            return None
        listed = timezone.localdate(self.last_updated, tz)
        return add_months(listed, self.update_interval_months)

    @property
    def next_update(self) -> datetime.date | None:
        """next_update_on() in the current time zone, for templates."""
        return self.next_update_on()

    @property
    def name(self) -> str:
        """The stable name harvesters know the entry by (CKAN's `name`)."""
        return self.slug or item_slug("", self.uuid)

    def clean(self) -> None:
        """Berkala information is updated at least every six months (UU 14/2008 Pasal 9(3))."""
        months = self.update_interval_months
        if self.category == Category.PERIODIC and months is not None and not 1 <= months <= 6:
            message = _(
                "Periodic (berkala) information must be updated at least every six months "
                "(UU 14/2008 Pasal 9 ayat 3): enter 1 to 6 months."
            )
            error = ValidationError(message, code="berkala_interval")
            raise ValidationError({"update_interval_months": error})

    @property
    def available_forms(self) -> str:
        forms = []
        if self.form_softcopy:
            forms.append(str(_("soft copy")))
        if self.form_hardcopy:
            forms.append(str(_("hard copy")))
        return ", ".join(forms) or "—"

    def working_copy(self) -> "InformationItem":
        """The item as it will read once its proposed changes apply (unsaved)."""
        if not self.pending_changes:
            return self
        copy = copy_item(self)
        apply_changes(copy, self.pending_changes)
        return copy

    @property
    def is_listed(self) -> bool:
        return self.status in LISTED_STATUSES

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def in_first_pass(self) -> bool:
        """Never documented nor published: still on its first way through its SOP."""
        return self.status == Status.IN_PROGRESS

    @property
    def waits_for_import(self) -> bool:
        """Imported, out of any step, until its batch is confirmed or rejected."""
        return (
            self.import_batch_id is not None
            and self.status == Status.IN_PROGRESS
            and self.current_step_id is None
            and self.import_batch.state == ImportBatch.State.WAITING
        )

    @property
    def is_public(self) -> bool:
        # The same rule as register.selectors.public_q(), for one loaded item.
        return self.status in LISTED_STATUSES and self.category != Category.EXEMPT


def item_slug(title: str, identifier: uuid.UUID) -> str:
    """The title's words and the start of the identifier: readable, and unique across
    every register harvested into one portal."""
    words = slugify(title)[:80].strip("-_")
    return f"{words}-{identifier.hex[:12]}" if words else f"informasi-{identifier.hex[:12]}"


def copy_item(item: InformationItem) -> InformationItem:
    import copy

    clone = copy.copy(item)
    clone._state = copy.copy(item._state)
    clone._state.fields_cache = dict(item._state.fields_cache)
    return clone


def field_value(item: InformationItem, name: str):
    """A column's value as the activity log and proposed changes store it."""
    value = getattr(item, name + "_id" if name == "holding_unit" else name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def apply_changes(item: InformationItem, changes: dict) -> None:
    """Set columns from values stored by field_value()."""
    for name, value in changes.items():
        field = InformationItem._meta.get_field(name)
        if name == "holding_unit":
            if item.holding_unit_id != value:
                item.holding_unit = field.related_model.objects.get(pk=value)
        else:
            setattr(item, name, field.to_python(value))


class ClassificationDecision(models.Model):
    """Penetapan Klasifikasi: why an item is exempt (UU 14/2008 Pasal 17 to 20)."""

    item = models.ForeignKey(
        InformationItem,
        verbose_name=_("information item"),
        on_delete=models.PROTECT,
        related_name="classifications",
    )
    ground = models.CharField(
        _("exemption ground (Pasal 17)"), max_length=1, choices=ExemptionGround.choices
    )
    statute = models.TextField(
        _("statute relied on"),
        help_text=_("The law and article that make the information exempt."),
    )
    consequence_test = models.TextField(
        _("consequence test"),
        help_text=_("The harm that disclosure would cause (uji konsekuensi)."),
    )
    public_interest_test = models.TextField(
        _("public-interest test"),
        help_text=_("Why withholding serves a greater public interest than disclosure."),
    )
    participants = models.TextField(_("participants in the test"))
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("The PPID who made the decision.")
    )
    approved_by = models.CharField(
        _("approved by"), max_length=200, help_text=_("The head of the public body.")
    )
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    decided_on = models.DateField(_("date of decision"))
    exempt_until = models.DateField(_("exempt until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "-decided_on", "-id"]
        get_latest_by = ["decided_on", "id"]
        verbose_name = _("classification decision")
        verbose_name_plural = _("classification decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exempt_until__gt=models.F("decided_on")),
                name="exemption_ends_after_decision",
                violation_error_message=_("The exemption must end after the date of decision."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · Pasal 17 {self.ground}"

    @property
    def ground_reason(self) -> str:
        """The ground's reason without the letter its label opens with: the DIK writes
        "Pasal 17 huruf h" and this beneath it."""
        return str(self.get_ground_display()).split(". ", 1)[-1]


class RetentionRule(models.Model):
    """One line of a body's Jadwal Retensi Arsip (JRA)."""

    body = models.ForeignKey(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.CASCADE,
        related_name="retention_rules",
    )
    code = models.CharField(_("classification code"), max_length=40)
    record_type = models.CharField(_("record type"), max_length=300)
    active_years = models.PositiveSmallIntegerField(_("active retention (years)"))
    inactive_years = models.PositiveSmallIntegerField(_("inactive retention (years)"))
    disposition = models.CharField(
        _("final disposition"), max_length=20, choices=Disposition.choices
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["body", "code"]
        verbose_name = _("retention schedule line")
        verbose_name_plural = _("retention schedule (JRA)")
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="retention_rule_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.record_type}"

    @property
    def total_years(self) -> int:
        return self.active_years + self.inactive_years


class DisposalDecision(models.Model):
    """A decision on an item past its retention: proposed by one person, approved by another."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    item = models.ForeignKey(
        InformationItem,
        verbose_name=_("information item"),
        on_delete=models.PROTECT,
        related_name="disposal_decisions",
    )
    rule = models.ForeignKey(
        RetentionRule,
        verbose_name=_("retention schedule line"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=DisposalChoice.choices)
    review_on = models.DateField(_("review again on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_note = models.TextField(_("approver's note"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("disposal decision")
        verbose_name_plural = _("disposal decisions")

    def __str__(self) -> str:
        return f"{self.item} – {self.get_decision_display()}"


class DipEdition(models.Model):
    """Penetapan DIP: the register of a body as decided on a date, frozen.

    `entries` holds the rows as they stood when the edition was issued; the PDF is
    rendered from them once and kept with its SHA-256, so the edition never changes.
    When items it lists are made exempt later, the public gets a redacted copy instead
    (`redacted_*`, built by `register.editions.public_pdf`); the original stays as is."""

    body = models.ForeignKey(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.PROTECT,
        related_name="dip_editions",
    )
    decree_number = models.CharField(_("decree number"), max_length=120)
    decided_on = models.DateField(_("date of decree"))
    signer = models.CharField(_("signed by"), max_length=200)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    entries = models.JSONField(_("entries"), default=list)
    item_count = models.PositiveIntegerField(_("number of entries"), default=0)
    pdf = models.FileField(_("PDF"), max_length=300, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(_("size of the PDF in bytes"), default=0)
    redacted_pdf = models.FileField(_("redacted PDF"), max_length=300, blank=True)
    redacted_sha256 = models.CharField(_("SHA-256 of the redacted PDF"), max_length=64, blank=True)
    redacted_size = models.PositiveBigIntegerField(
        _("size of the redacted PDF in bytes"), default=0
    )
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True)
    # {item id: date it became exempt or null}: the entries the redacted copy hides.
    # The copy is rebuilt when the exempt entries (or their dates) differ from these.
    redacted_for = models.JSONField(
        _("exempt entries of the redacted PDF"), default=dict, blank=True
    )
    # A lease: while set (and younger than editions.REDACTION_LEASE), one process is
    # rendering the redacted copy and nobody else starts.
    redacting_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("DIP edition")
        verbose_name_plural = _("DIP editions")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "decree_number"], name="dip_edition_decree_unique_per_body"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} – {self.decree_number}"


class PublicState(models.Model):
    """One row that counts the changes to what the public pages show which no recorded
    action announces: units and bodies edited in the admin, the text and thumbnail of
    a file made by the background job, the search index refreshed after a commit.
    Bumped in the transaction of the change (services.public_changed); with the newest
    activity event it keys the public pages kept per register state
    (selectors.register_state). A counter, not a timestamp: commits on
    several servers and workers need not follow their clocks."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("public state")
        verbose_name_plural = _("public state")

    def __str__(self) -> str:
        return str(self.number)


CONFIRMING_FOR = datetime.timedelta(hours=1)


class ImportBatch(models.Model):
    """The new entries of one imported DIP sheet (register.dip_import). They wait out
    of any SOP step, public nowhere, until an approver who issues the body's DIP (not
    the importer: four eyes) confirms exactly the list they were shown, or rejects it."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    body = models.ForeignKey(
        "organizations.PublicBody",
        verbose_name=_("public body"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    # SHA-256 over each entry's content fingerprint: what the confirmation covers.
    fingerprint = models.CharField(_("fingerprint of the entries"), max_length=64)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed or rejected by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("confirmed or rejected at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A large batch is confirmed by the worker: asked when, and why it last failed.
    confirming_since = models.DateTimeField(_("being confirmed since"), null=True, blank=True)
    confirm_failure = models.CharField(_("why the confirmation failed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.body} – {self.file_name} ({self.created_at:%Y-%m-%d})"

    @property
    def is_confirming(self) -> bool:
        """The worker was asked to confirm it within the hour (a request older than that
        died with its worker: the head may confirm again)."""
        since = self.confirming_since
        return since is not None and timezone.now() - since < CONFIRMING_FOR
