"""Storing soft copies: streamed, hashed, typed by content, never half-written."""

import hashlib
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused, NotAllowed
from lentera.register.services import can_edit
from lentera.sop import activity
from lentera.sop.constants import Verb
from lentera.sop.services import lock_item

from .filetypes import ALLOWED_TYPES, detect_content_type
from .models import Document, DocumentVersion, HardCopy

CHUNK = 1024 * 1024


def _digest(upload) -> tuple[str, int, bytes]:
    """SHA-256, size and first bytes, read in chunks from the upload's stream."""
    sha = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        sha.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha.hexdigest(), size, head


def _check_may_add(item, actor, document: Document | None) -> None:
    if item.current_step_id is None:
        raise ActionRefused(_("Files can only be added while the item is in its SOP."))
    if not can_edit(actor, item):
        raise NotAllowed(_("You cannot add files to this item."))
    if document is not None and document.item_id != item.pk:
        raise ActionRefused(_("That document belongs to another item."))


def _refuse_twin(item, sha256: str) -> None:
    twin = DocumentVersion.objects.filter(document__item=item, sha256=sha256).first()
    if twin is not None:
        raise ActionRefused(
            _("This file is already attached to the item as “%(name)s”.")
            % {"name": twin.original_name}
        )


def add_document(item, actor, upload, *, title: str = "", document: Document | None = None):
    """Attach `upload` to `item`, as a new document or a new version of `document`."""
    item = type(item).objects.select_related("current_step").get(pk=item.pk)  # not stale
    _check_may_add(item, actor, document)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255] or "file"
    limit = settings.LENTERA_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ActionRefused(
            _("“%(name)s” is larger than the limit of %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    sha256, size, head = _digest(upload)
    if size == 0:
        raise ActionRefused(_("“%(name)s” is empty.") % {"name": name})
    if size > limit:
        raise ActionRefused(
            _("“%(name)s” is larger than the limit of %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    content_type = detect_content_type(head, name)
    _refuse_twin(item, sha256)  # before storing anything

    ext = ALLOWED_TYPES[content_type]
    stored_name = default_storage.save(
        f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}", upload
    )
    try:
        with transaction.atomic():
            # Re-check under the item's row lock: another action may have moved it on.
            item = lock_item(item, None)
            _check_may_add(item, actor, document)
            _refuse_twin(item, sha256)
            if document is None:
                document = Document.objects.create(item=item, title=title.strip() or name)
            number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = DocumentVersion.objects.create(
                document=document,
                number=number,
                file=stored_name,
                sha256=sha256,
                size=size,
                content_type=content_type,
                original_name=name,
                uploaded_by=actor,
            )
            activity.record(
                Verb.UPLOAD,
                actor=actor,
                item=item,
                unit=item.holding_unit,
                changes={"file": name, "sha256": sha256, "size": size, "version": number},
            )
            item.lock_version += 1
            item.save(update_fields=["lock_version", "updated_at"])
    except BaseException:
        # No file without its record.
        default_storage.delete(stored_name)
        raise
    return version


HARDCOPY_FIELDS = ("building", "room", "cabinet", "box", "custodian", "note")


def record_hardcopy(item, actor, *, expected_version: int | None = None, **fields) -> HardCopy:
    """Record where a physical copy of `item` is kept (while the item is in its SOP)."""
    unknown = set(fields) - set(HARDCOPY_FIELDS)
    if unknown:
        raise TypeError(f"not a hard copy field: {sorted(unknown)}")
    hardcopy = HardCopy(item=item, recorded_by=actor, **fields)
    hardcopy.full_clean(exclude=["item", "recorded_by"])
    with transaction.atomic():
        item = lock_item(item, expected_version)
        if item.current_step_id is None:
            raise ActionRefused(_("A hard copy can only be recorded while the item is in its SOP."))
        if not can_edit(actor, item):
            raise NotAllowed(_("You cannot record a hard copy for this item."))
        hardcopy.item = item
        hardcopy.save()
        item.lock_version += 1
        item.save(update_fields=["lock_version", "updated_at"])
        activity.record(
            Verb.HARDCOPY,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={"hardcopy": hardcopy.pk, **{n: fields[n] for n in fields if fields[n]}},
        )
    return hardcopy
