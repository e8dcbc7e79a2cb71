"""DIP editions (Penetapan DIP): a body's DIP frozen on the date of a decree."""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.documents.services import store
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.models import PublicBody
from lentera.sop import policy
from lentera.sop.constants import Verb

from . import dip_table
from .constants import Category
from .models import DipEdition, InformationItem
from .selectors import filter_register, public_items

logger = logging.getLogger(__name__)

ISSUE_VERB = Verb.ISSUE_DIP  # the activity-log verb of an issued edition


def issuing_bodies(user) -> QuerySet[PublicBody]:
    """The bodies whose DIP `user` may issue editions of."""
    return PublicBody.objects.filter(pk__in=policy.issuing_body_ids(user)).order_by("name")


def edition_path(edition: DipEdition) -> str:
    """Where the edition's PDF is stored: editions/<body>/<decree>-<id>.pdf."""
    decree = slugify(edition.decree_number.replace("/", "-"))[:80].strip("-") or "sk"
    return f"editions/{edition.body.slug}/{decree}-{edition.pk}.pdf"


def _check(body: PublicBody, actor, decree_number: str, decided_on, signer: str) -> None:
    if not policy.can_issue_edition(actor, body):
        raise NotAllowed(
            _("Only the head of the PPID Utama and the body's administrators issue its DIP.")
        )
    if not decree_number:
        raise ActionRefused(_("Enter the number of the decree."))
    if not signer:
        raise ActionRefused(_("Enter who signed the decree."))
    if not isinstance(decided_on, datetime.date):
        raise ActionRefused(_("Enter the date of the decree."))
    if decided_on > timezone.localdate():
        raise ActionRefused(_("The date of the decree cannot be in the future."))
    if DipEdition.objects.filter(body=body, decree_number__iexact=decree_number).exists():
        raise ActionRefused(_duplicate(decree_number))


def _duplicate(decree_number: str) -> str:
    return _("An edition with decree number %(number)s already exists for this body.") % {
        "number": decree_number
    }


def issue_edition(
    body: PublicBody, actor, decree_number: str, decided_on: datetime.date, signer: str
) -> DipEdition:
    """Freeze the body's public DIP as decided by a decree; all or nothing."""
    decree_number, signer = (decree_number or "").strip(), (signer or "").strip()
    _check(body, actor, decree_number, decided_on, signer)
    entries = list(dip_table.rows(filter_register(public_items(), body=body)))
    edition = DipEdition(
        body=body,
        decree_number=decree_number,
        decided_on=decided_on,
        signer=signer,
        issued_by=actor,
        entries=entries,
        item_count=len(entries),
    )
    # Rendered before the transaction: a large DIP takes a while, and on SQLite a
    # write transaction would block every other writer meanwhile.
    pdf = dip_table.render_pdf(entries, body=body, edition=edition, site=settings.LENTERA_SITE_URL)
    stored = None
    try:
        with transaction.atomic():
            edition.save()
            target = edition_path(edition)
            try:
                stored = store(target, ContentFile(pdf))
            finally:
                # A storage that fails half-way may leave the bytes behind.
                stored = stored or (target if default_storage.exists(target) else None)
            edition.pdf.name = stored
            edition.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            edition.pdf_size = len(pdf)
            edition.save(update_fields=["pdf", "pdf_sha256", "pdf_size"])
            audit.record(
                ISSUE_VERB,
                actor=actor,
                unit=body.main_unit,
                note=decree_number,
                changes={
                    "edition": edition.pk,
                    "body": body.pk,
                    "decree_number": decree_number,
                    "decided_on": decided_on.isoformat(),
                    "signer": signer,
                    "items": edition.item_count,
                    "pdf_sha256": edition.pdf_sha256,
                },
            )
    except BaseException as exc:
        if stored:
            _remove(stored)
        edition.pk = None
        if isinstance(exc, IntegrityError):  # the same decree number, issued meanwhile
            raise ActionRefused(_duplicate(decree_number)) from exc
        raise
    return edition


def _remove(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:  # noqa: BLE001 - the original error matters more
        logger.exception("Could not remove %s after a failed DIP edition", name)


def previous_edition(edition: DipEdition) -> DipEdition | None:
    """The body's edition decided just before this one."""
    earlier = Q(decided_on__lt=edition.decided_on) | Q(
        decided_on=edition.decided_on, pk__lt=edition.pk
    )
    return (
        DipEdition.objects.filter(body_id=edition.body_id)
        .filter(earlier)
        .defer("entries")
        .order_by("-decided_on", "-pk")
        .first()
    )


@dataclass
class Change:
    entry: dict  # the entry as it stands in the newer edition
    columns: list[tuple[str, object, object]]  # (column name, old, new)


@dataclass
class EditionDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_editions(old: DipEdition, new: DipEdition) -> EditionDiff:
    """What changed from `old` to `new`, entry by entry (keyed by item id)."""
    before = {entry["id"]: entry for entry in old.entries}
    after = {entry["id"]: entry for entry in new.entries}
    diff = EditionDiff(
        added=[entry for key, entry in after.items() if key not in before],
        removed=[entry for key, entry in before.items() if key not in after],
    )
    for key, entry in after.items():
        if key not in before:
            continue
        columns = [
            (name, _shown(column, before[key].get(column)), _shown(column, entry.get(column)))
            for column, name in dip_table.COMPARED.items()
            if before[key].get(column) != entry.get(column)
        ]
        if columns:
            diff.changed.append(Change(entry=entry, columns=columns))
    return diff


def _shown(column: str, value):
    if column == "category":
        return dip_table.CATEGORY_NAMES.get(value, value)
    return value


# Items made exempt after an edition was issued (UU 14/2008 Pasal 17): the public no
# longer reads their summaries there, neither on the pages nor in the PDF.


@dataclass(frozen=True)
class ExemptSince:
    """Shown in place of the summary of an entry whose item is exempt now."""

    date: datetime.date | None  # of the newest classification decision, if any

    def __str__(self) -> str:
        if self.date is None:
            return _("exempt")
        return _("exempt since %(date)s") % {"date": date_format(self.date, "j F Y")}

    @property
    def official(self) -> str:
        """The fixed Indonesian wording of the redacted PDF (an official document)."""
        if self.date is None:
            return "dikecualikan"
        return f"dikecualikan sejak {dip_table.indonesian_date(self.date)}"


def exempt_entries(*editions: DipEdition) -> dict[int, ExemptSince]:
    """The items listed by `editions` that are exempt now, in one query; each dated by
    its newest classification decision (the one in force)."""
    ids = {entry["id"] for edition in editions for entry in edition.entries}
    if not ids:
        return {}
    # A range, not a list of ids: an edition may list more entries than one query may
    # carry parameters (SQLite), while exempt items are few.
    found = (
        InformationItem.objects.filter(category=Category.EXEMPT, pk__range=(min(ids), max(ids)))
        .annotate(since=Max("classifications__decided_on"))
        .values_list("pk", "since")
    )
    return {pk: ExemptSince(since) for pk, since in found if pk in ids}


def _hidden(entry: dict, since: ExemptSince | None, summary: str = "") -> dict:
    return entry if since is None else {**entry, "summary": summary, "exempt": since}


def public_entries(edition: DipEdition, exempt: dict | None = None) -> list[dict]:
    """The entries as the public may read them: an exempt item's summary is replaced by
    `entry["exempt"]` (an ExemptSince)."""
    exempt = exempt_entries(edition) if exempt is None else exempt
    return [_hidden(entry, exempt.get(entry["id"])) for entry in edition.entries]


def public_diff(old: DipEdition, new: DipEdition) -> EditionDiff:
    """diff_editions() as the public may read it: entries of exempt items carry
    `exempt`, and a change of their summary shows it in place of both values."""
    exempt = exempt_entries(old, new)
    diff = diff_editions(old, new)
    summary = dip_table.COMPARED["summary"]
    diff.added = [_hidden(entry, exempt.get(entry["id"])) for entry in diff.added]
    diff.removed = [_hidden(entry, exempt.get(entry["id"])) for entry in diff.removed]
    for change in diff.changed:
        if since := exempt.get(change.entry["id"]):
            change.entry = _hidden(change.entry, since)
            change.columns = [
                (name, since, since) if name == summary else (name, before, after)
                for name, before, after in change.columns
            ]
    return diff


@dataclass(frozen=True)
class PublicPdf:
    """The file the public downloads for an edition."""

    name: str
    storage: object
    sha256: str
    size: int
    modified: datetime.datetime
    redacted: bool


class RedactionInProgress(Exception):
    """Another process is rendering the edition's redacted copy; ask again shortly."""


# How long a process may take to render a redacted copy before another may take over.
REDACTION_LEASE = datetime.timedelta(minutes=15)


def public_pdf(edition: DipEdition, exempt: dict | None = None) -> PublicPdf:
    """The edition's PDF as the public may read it: the original while none of its
    items is exempt, otherwise a redacted copy, rendered once per set of exempt entries
    (lazily, by the first request that needs it) and stored beside the original."""
    exempt = exempt_entries(edition) if exempt is None else exempt
    if not exempt:
        if edition.redacted_pdf:  # its items are public again
            _drop_redacted(edition)
        return PublicPdf(
            edition.pdf.name,
            edition.pdf.storage,
            edition.pdf_sha256,
            edition.pdf_size,
            edition.issued_at,
            redacted=False,
        )
    wanted = {str(pk): since.date and since.date.isoformat() for pk, since in exempt.items()}
    if edition.redacted_for != wanted or not edition.redacted_pdf:
        edition = _redact(edition, exempt, wanted)
    return PublicPdf(
        edition.redacted_pdf.name,
        edition.redacted_pdf.storage,
        edition.redacted_sha256,
        edition.redacted_size,
        edition.redacted_at,
        redacted=True,
    )


def redacted_path(edition: DipEdition, sha256: str) -> str:
    """editions/<body>/<decree>-<id>-disamarkan-<sha256 prefix>.pdf"""
    return edition_path(edition).removesuffix(".pdf") + f"-disamarkan-{sha256[:12]}.pdf"


def _redact(edition: DipEdition, exempt: dict, wanted: dict) -> DipEdition:
    # The lease is one UPDATE, not a row lock held while rendering: on SQLite a write
    # transaction that long would block every other writer.
    started = timezone.now()
    stale = started - REDACTION_LEASE
    claimed = (
        DipEdition.objects.filter(pk=edition.pk)
        .filter(Q(redacting_since__isnull=True) | Q(redacting_since__lt=stale))
        .update(redacting_since=started)
    )
    ours = DipEdition.objects.filter(pk=edition.pk, redacting_since=started)
    fresh = DipEdition.objects.select_related("body").get(pk=edition.pk)
    if fresh.redacted_for == wanted and fresh.redacted_pdf:  # built meanwhile
        ours.update(redacting_since=None)
        return fresh
    if not claimed:
        raise RedactionInProgress
    stored = None
    try:
        pdf = _render_redacted(fresh, exempt)
        sha256 = hashlib.sha256(pdf).hexdigest()
        stored = store(redacted_path(fresh, sha256), ContentFile(pdf))
        done = ours.update(
            redacted_pdf=stored,
            redacted_sha256=sha256,
            redacted_size=len(pdf),
            redacted_at=timezone.now(),
            redacted_for=wanted,
            redacting_since=None,
        )
    except BaseException:
        ours.update(redacting_since=None)
        if stored:
            _remove(stored)
        raise
    if not done:  # took longer than the lease and another process took over
        _remove(stored)
        raise RedactionInProgress
    if fresh.redacted_pdf and fresh.redacted_pdf.name != stored:
        _remove(fresh.redacted_pdf.name)  # the copy for an earlier set of exempt entries
    return DipEdition.objects.get(pk=edition.pk)


def _drop_redacted(edition: DipEdition) -> None:
    name = edition.redacted_pdf.name
    dropped = DipEdition.objects.filter(
        pk=edition.pk, redacted_pdf=name, redacting_since__isnull=True
    ).update(
        redacted_pdf="", redacted_sha256="", redacted_size=0, redacted_at=None, redacted_for={}
    )
    if dropped:
        _remove(name)


@dataclass(frozen=True)
class _RedactedDecree:
    """What the PDF template reads of an edition, plus the original's SHA-256."""

    decree_number: str
    decided_on: datetime.date
    signer: str
    original_sha256: str


def _render_redacted(edition: DipEdition, exempt: dict) -> bytes:
    entries = [
        _hidden(entry, since, since.official) if (since := exempt.get(entry["id"])) else entry
        for entry in edition.entries
    ]
    decree = _RedactedDecree(
        edition.decree_number, edition.decided_on, edition.signer, edition.pdf_sha256
    )
    return dip_table.render_pdf(
        entries, body=edition.body, edition=decree, site=settings.LENTERA_SITE_URL
    )


def record_original_download(edition: DipEdition, user, exempt: dict) -> None:
    """Log a download of the original while it lists summaries no longer public."""
    if not exempt:
        return
    with transaction.atomic():
        audit.record(
            Verb.DOWNLOAD,
            actor=user,
            unit=edition.body.main_unit,
            changes={
                "edition": edition.pk,
                "pdf_sha256": edition.pdf_sha256,
                "exempt_items": sorted(exempt),
            },
        )
