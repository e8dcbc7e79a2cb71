"""DIP editions (Penetapan DIP): a body's DIP frozen on the date of a decree."""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import memberships_of
from lentera.sop import activity
from lentera.sop.constants import Verb

from . import dip_table
from .models import DipEdition
from .selectors import filter_register, public_items

logger = logging.getLogger(__name__)

ISSUE_VERB = Verb.ISSUE_DIP  # the activity-log verb of an issued edition


def can_issue_edition(user, body: PublicBody) -> bool:
    """Only an approver (Kepala PPID) of the body's PPID Utama decides its DIP."""
    return any(
        m.role == Role.APPROVER and m.unit.body_id == body.pk and m.unit.ppid_role == PpidRole.MAIN
        for m in memberships_of(user)
    )


def issuing_bodies(user) -> QuerySet[PublicBody]:
    """The bodies whose DIP `user` may issue editions of."""
    ids = {
        m.unit.body_id
        for m in memberships_of(user)
        if m.role == Role.APPROVER and m.unit.ppid_role == PpidRole.MAIN
    }
    return PublicBody.objects.filter(pk__in=ids).order_by("name")


def edition_path(edition: DipEdition) -> str:
    """Where the edition's PDF is stored: editions/<body>/<decree>-<id>.pdf."""
    decree = slugify(edition.decree_number.replace("/", "-"))[:80].strip("-") or "sk"
    return f"editions/{edition.body.slug}/{decree}-{edition.pk}.pdf"


def _check(body: PublicBody, actor, decree_number: str, decided_on, signer: str) -> None:
    if not can_issue_edition(actor, body):
        raise NotAllowed(_("Only an approver of the PPID Utama can issue the body's DIP."))
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
                stored = default_storage.save(target, ContentFile(pdf))
            finally:
                # A storage that fails half-way may leave the bytes behind.
                stored = stored or (target if default_storage.exists(target) else None)
            edition.pdf.name = stored
            edition.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            edition.pdf_size = len(pdf)
            edition.save(update_fields=["pdf", "pdf_sha256", "pdf_size"])
            activity.record(
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
