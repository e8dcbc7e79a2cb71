"""Storing soft copies: streamed, hashed, typed by content, never half-written."""

import hashlib
import logging
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.errors import ActionRefused, NotAllowed, Unavailable
from lentera.sop import policy
from lentera.sop.constants import Verb
from lentera.sop.policy import can_edit, lock_item

from .filetypes import ALLOWED_TYPES, detect_content_type
from .models import Document, DocumentVersion, HardCopy
from .tasks import extract_text
from .uploads import HEAD_BYTES

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024


def _digest(upload) -> tuple[str, int, bytes]:
    """SHA-256, size and first bytes of the upload.

    Uploads received over HTTP were hashed while they streamed in
    (uploads.HashingUploadHandler); anything else is read here, in chunks.
    """
    if digest := getattr(upload, "lentera_digest", None):
        return digest
    sha = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        sha.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha.hexdigest(), size, head


def clean_file_name(name: str) -> str:
    """The name to show and offer for download: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 254 - len(ext)] + dot + ext if dot and len(ext) < 16 else name[:255]
    return name or "file"


def _check_may_add(item, actor, document: Document | None, imported: bool = False) -> None:
    if imported:
        # An imported entry's files come with it, from its importer, before its batch's
        # fingerprint is taken (register.imports decided that `actor` may import).
        batch = item.import_batch if item.waits_for_import else None
        if batch is None or batch.fingerprint or batch.created_by_id != actor.pk or document:
            raise ActionRefused(_("Files come with an import only for its new entries."))
        return
    if item.current_step_id is None:
        raise ActionRefused(_("Files can only be added while the item is in its SOP."))
    if not can_edit(actor, item):
        raise NotAllowed(_("You cannot add files to this item."))
    policy.refuse_if_frozen(item)
    if document is not None and document.item_id != item.pk:
        raise ActionRefused(_("That document belongs to another item."))
    if document is not None and document.deleted_at is not None:
        raise ActionRefused(_("That document was deleted."))


def _refuse_twin(item, sha256: str) -> None:
    twin = DocumentVersion.objects.filter(
        document__item=item, document__deleted_at__isnull=True, sha256=sha256
    ).first()
    if twin is not None:
        raise ActionRefused(
            _("This file is already attached to the item as “%(name)s”.")
            % {"name": twin.original_name}
        )


def store(name: str, content) -> str:
    """Save `content` under `name` in the storage; the name it got. A storage that is
    full, read-only or unreachable is a clear, translated refusal, not a crash."""
    try:
        return default_storage.save(name, content)
    except Exception as exc:  # OSError on disk; botocore's errors on S3
        logger.exception("cannot store %s", name)
        raise Unavailable(
            _(
                "The file could not be stored: the storage is full, read-only or "
                "unreachable. Nothing was changed; tell the administrator."
            )
        ) from exc


@dataclass
class StoredUpload:
    """An upload checked and stored under a fresh name, waiting for its record."""

    name: str  # the file's own name, cleaned
    sha256: str
    size: int
    content_type: str
    stored_name: str


def store_upload(upload, *, item=None, others=()) -> StoredUpload:
    """Check `upload` (size, type; not a twin of `item`'s files nor of `others`, the
    files stored before it in the same request) and store its bytes under a fresh
    random name, outside any transaction: a large file must not hold the database's
    write lock while it is copied. The caller records it (record_upload) or discards it."""
    name = clean_file_name(getattr(upload, "name", ""))
    limit = settings.LENTERA_MAX_UPLOAD_BYTES
    too_big = _("“%(name)s” is larger than the limit of %(limit)s.") % {
        "name": name, "limit": filesizeformat(limit)
    }  # fmt: skip
    if upload.size is not None and upload.size > limit:
        raise ActionRefused(too_big)
    sha256, size, head = _digest(upload)
    if size == 0:
        raise ActionRefused(_("“%(name)s” is empty.") % {"name": name})
    if size > limit:
        raise ActionRefused(too_big)
    content_type = detect_content_type(head, name)
    if item is not None:
        _refuse_twin(item, sha256)  # before storing anything
    for other in others:
        if other.sha256 == sha256:
            raise ActionRefused(
                _("“%(name)s” is the same file as “%(other)s”.")
                % {"name": name, "other": other.name}
            )
    # The storage keeps the name as given, so a failure can remove it by that name.
    stored_name = (
        f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    )
    try:
        stored_name = store(stored_name, upload)
    except BaseException:
        discard(stored_name)  # a storage that failed half-way may have kept a part
        raise
    return StoredUpload(name, sha256, size, content_type, stored_name)


def record_upload(
    item, actor, stored: StoredUpload, *, title="", document=None, imported=False
) -> DocumentVersion:
    """The document version, its activity event and its text-extraction job for bytes
    store_upload() stored; call inside a transaction (the item's row is locked)."""
    # Re-check under the item's row lock: another action may have moved it on.
    item = lock_item(item, None)
    if document is not None:  # it may have been deleted while the bytes were stored
        document = Document.objects.select_for_update().get(pk=document.pk)
    _check_may_add(item, actor, document, imported)
    _refuse_twin(item, stored.sha256)
    if document is None:
        document = Document.objects.create(item=item, title=title.strip() or stored.name)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        file=stored.stored_name,
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        original_name=stored.name,
        uploaded_by=actor,
    )
    audit.record(
        Verb.UPLOAD,
        actor=actor,
        item=item,
        unit=item.holding_unit,
        changes={"file": stored.name, "sha256": stored.sha256, "size": stored.size,
                 "version": number},
    )  # fmt: skip
    item.lock_version += 1
    item.save(update_fields=["lock_version", "updated_at"])
    # Queued in the same transaction: no job without its version, and the other way round.
    extract_text.enqueue(version.pk)
    return version


def add_document(
    item,
    actor,
    upload,
    *,
    title: str = "",
    document: Document | None = None,
    imported: bool = False,
):
    """Attach `upload` to `item`, as a new document or a new version of `document`
    (`imported`: a file that came with a new entry of a DIP import)."""
    return add_documents(item, actor, [upload], title=title, document=document,
                         imported=imported)[0]  # fmt: skip


MAX_FILES_AT_ONCE = 20


def add_documents(
    item, actor, uploads: list, *, title: str = "", document=None, imported: bool = False
) -> list:
    """Attach several files at once, each as a new document of `item` (or one file as a
    new version of `document`): all or none. Every file is checked and stored first,
    outside any transaction (a large file must not hold the database's write lock);
    then one short transaction writes their records. A refused file leaves no record
    and no stored bytes of the others. `title` names a single file's document."""
    if not uploads:
        raise ActionRefused(_("Choose a file to upload."))
    if len(uploads) > MAX_FILES_AT_ONCE:
        raise ActionRefused(
            _("Upload at most %(count)d files at once.") % {"count": MAX_FILES_AT_ONCE}
        )
    if document is not None and len(uploads) > 1:
        raise ActionRefused(_("A new version is one file."))
    item = type(item).objects.select_related("current_step").get(pk=item.pk)  # not stale
    title = title if len(uploads) == 1 else ""
    stored: list[StoredUpload] = []
    try:
        for upload in uploads:
            _check_may_add(item, actor, document, imported)
            stored.append(store_upload(upload, item=item, others=stored))
        with transaction.atomic():
            return [
                record_upload(item, actor, one, title=title, document=document,
                              imported=imported)
                for one in stored
            ]  # fmt: skip
    except ActionRefused as exc:
        _discard_all(stored)
        if len(uploads) == 1:
            raise
        raise type(exc)(_("Nothing was stored: %(reason)s") % {"reason": exc.message}) from exc
    except BaseException:
        _discard_all(stored)  # no file without its record
        raise


def _discard_all(stored) -> None:
    for one in stored:
        discard(one.stored_name)


def discard(name: str) -> None:
    """Delete what a failed action stored; a storage that fails again is only logged
    (`lentera fixity --sweep` finds what is left)."""
    try:
        default_storage.delete(name)
    except Exception:  # noqa: BLE001 - the first failure is the one to report
        logger.exception("cannot remove %s after a failure", name)


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
        policy.refuse_if_frozen(item)
        hardcopy.item = item
        hardcopy.save()
        item.lock_version += 1
        item.save(update_fields=["lock_version", "updated_at"])
        audit.record(
            Verb.HARDCOPY,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={"hardcopy": hardcopy.pk, **{n: fields[n] for n in fields if fields[n]}},
        )
    return hardcopy


def delete_document(document: Document, actor, *, reason: str) -> Document:
    """Soft-delete a document: hidden everywhere, bytes kept until a disposal."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the file is deleted."))
    with transaction.atomic():
        item = lock_item(document.item, None)
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.deleted_at is not None:
            raise ActionRefused(_("This file was already deleted."))
        if item.current_step_id is None:
            raise ActionRefused(_("Files can only be deleted while the item is in its SOP."))
        if not can_edit(actor, item):
            raise NotAllowed(_("You cannot delete files of this item."))
        policy.refuse_if_frozen(item)
        record_deletion(document, actor, item, reason)
        item.lock_version += 1
        item.save(update_fields=["lock_version", "updated_at"])
    return document


def record_deletion(document: Document, actor, item, reason: str) -> None:
    """Mark `document` deleted and log it. The caller holds the locks and has decided
    who may (delete_document() for an editor; a disposal decision for its approver)."""
    document.deleted_at = timezone.now()
    document.deleted_by = actor
    document.delete_reason = reason[:300]
    document.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    audit.record(
        Verb.DELETE_FILE,
        actor=actor,
        item=item,
        unit=item.holding_unit,
        note=reason,
        changes={"document": document.title},
    )


def dispose_document(document: Document, actor, *, reason: str) -> Document:
    """Remove the bytes of a deleted document for good; the records stay, marked disposed."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say why the file's bytes are disposed of."))
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("item__holding_unit__body")
            .get(pk=document.pk)
        )
        if not policy.can_dispose(actor, document.item):
            raise NotAllowed(_("Only an approver can dispose of a file's bytes."))
        if document.deleted_at is None:
            raise ActionRefused(_("Only a deleted file can be disposed of."))
        if document.versions.filter(published_at__isnull=False, withdrawn_at__isnull=True).exists():
            raise ActionRefused(
                _(
                    "This file is still online until the item's update is published; "
                    "withdraw the item to take it offline first."
                )
            )
        if document.disposed_at is not None:
            raise ActionRefused(_("This file was already disposed of."))
        document.disposed_at = timezone.now()
        document.disposed_by = actor
        document.save(update_fields=["disposed_at", "disposed_by"])
        names = []
        for version in document.versions.all():
            names += [version.file.name] + ([version.thumbnail.name] if version.thumbnail else [])
        audit.record(
            Verb.DISPOSE_FILE,
            actor=actor,
            item=document.item,
            unit=document.item.holding_unit,
            note=reason,
            changes={
                "document": document.title,
                "sha256": [v.sha256 for v in document.versions.all()],
            },
        )
        # The record is the truth: bytes go once it is committed. Bytes left
        # behind by a crash show up as orphans in `lentera fixity`.
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])
    return document
