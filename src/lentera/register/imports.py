"""Writing an imported DIP (register.dip_import reads it): new entries wait together in
one batch, out of any SOP step and public nowhere, until the head of the body's PPID
(never the importer) confirms exactly the list they were shown; entries imported
before and changed in the file are edited through the usual rules."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.documents.services import add_document, discard
from lentera.errors import ActionRefused, Conflict, NotAllowed
from lentera.organizations.models import PublicBody
from lentera.sop import policy
from lentera.sop.constants import Verb
from lentera.sop.selectors import sop_to_follow

from . import events, fingerprint
from . import workflow as engine
from .constants import EDITABLE_FIELDS, EXEMPTION_GROUND, EXEMPTION_STATUTE
from .dip_import import Plan, Problem, imported_meanwhile
from .models import ImportBatch, InformationItem
from .services import ENGINE_FIELDS, propose_update, snapshot


def apply(plan: Plan, actor, progress=None) -> ImportBatch | None:
    """Save `plan` as `actor`, all or nothing: its new entries in one waiting batch
    (returned; None when there are none), its changed ones edited. Any refusal adds its
    problem to the plan and undoes everything. `progress` is called after each row."""
    if plan.errors:
        return None
    if not policy.may_import(actor, plan.body):
        raise NotAllowed(
            _("Only officers of the PPID Utama and administrators of %(body)s import its DIP.")
            % {"body": plan.body}
        )
    note = _("Imported from %(file)s (SHA-256 %(digest)s).") % {
        "file": plan.file_name,
        "digest": plan.sha256,
    }
    stored: list[str] = []  # files saved, removed again if the import is undone
    try:
        with transaction.atomic():
            # One import of a body at a time; a row saved meanwhile (the same sheet sent
            # twice at once) is not saved again.
            PublicBody.objects.select_for_update().filter(pk=plan.body.pk).first()
            for row in imported_meanwhile(plan):
                message = _("This row was imported meanwhile: show the preview again.")
                title = row.fields["title"]
                plan.problems.append(Problem(row.sheet, row.number, "", title, message))
            if plan.errors:
                raise _Undo
            batch, sops = None, {}
            if plan.count("new"):
                batch = ImportBatch.objects.create(
                    body=plan.body,
                    file_name=" ".join(plan.file_name.split())[:255],
                    sha256=plan.sha256,
                    created_by=actor,
                )
            for row in plan.rows:
                try:
                    if row.outcome == "new":
                        row.item = _new_entry(row, actor, batch, note, sops)
                        for entry in row.files:
                            stored.append(_attach(plan.files, entry, row.item, actor))
                    elif row.outcome == "changed":
                        _change(row.item, actor, row.changes, note)
                except ActionRefused as exc:
                    message = exc.message
                except ValidationError as exc:
                    message = " ".join(exc.messages)
                else:
                    if progress:
                        progress()
                    continue
                problem = Problem(row.sheet, row.number, "", row.fields["title"], message)
                plan.problems.append(problem)
            if plan.errors:
                raise _Undo
            if batch is not None:
                batch.fingerprint = entries_digest(*_entries(batch))
                batch.save(update_fields=["fingerprint"])
                events.import_waiting.send(ImportBatch, batch=batch)
    except BaseException as exc:
        for name in stored:
            discard(name)  # no file without its record
        if isinstance(exc, _Undo):
            return None
        raise
    return batch


def _attach(files, entry, item: InformationItem, actor) -> str:
    """Store one file of an imported entry like an upload; the name it is stored as."""
    with files.open(entry) as upload:
        version = add_document(item, actor, upload, imported=True)
    return version.file.name


class _Undo(Exception):
    pass


def _new_entry(row, actor, batch: ImportBatch, note: str, sops: dict) -> InformationItem:
    unit = row.fields["holding_unit"]
    if unit.pk not in sops:
        sops[unit.pk] = sop_to_follow(unit)
    item = InformationItem(
        **row.fields,
        retention_rule=row.retention_rule,
        sop=sops[unit.pk],
        created_by=actor,
        import_batch=batch,
    )
    # The unit and SOP were just read; the identifier is a fresh random one.
    item.full_clean(
        exclude=(*ENGINE_FIELDS, "holding_unit", "retention_rule"), validate_unique=False
    )
    item.save()
    changes = snapshot(item, EDITABLE_FIELDS)
    if row.ground:  # the Penetapan Klasifikasi is recorded in the SOP, starting from it
        changes |= {EXEMPTION_GROUND: row.ground, EXEMPTION_STATUTE: row.ground_text}
    audit.record(Verb.CREATE, actor=actor, item=item, unit=unit, note=note, changes=changes)
    return item


def _change(item: InformationItem, actor, changes: dict, note: str) -> None:
    if item.waits_for_import:
        raise ActionRefused(
            _("This entry waits for the confirmation of an earlier import of %(file)s.")
            % {"file": item.import_batch.file_name}
        )
    if item.current_step_id is None and item.is_listed:
        propose_update(item, actor, note=note, **changes)
    elif item.current_step_id is not None:
        raise ActionRefused(
            _("This entry is at step %(number)s of its SOP: edit it there.")
            % {"number": item.current_step.number}
        )
    else:
        raise ActionRefused(_("This entry was withdrawn: reopen it in the office."))


def entries_digest(items, digests: dict[int, str]) -> str:
    """What a confirmation covers: each entry's id, status, step and content fingerprint."""
    return fingerprint.digest(
        {
            "entries": [
                [item.pk, item.status, item.current_step_id, digests[item.pk]] for item in items
            ]
        }
    )


def _entries(batch: ImportBatch, *, lock: bool = False) -> tuple[list, dict[int, str]]:
    items = batch.items.select_related("holding_unit", "sop").order_by("pk")
    items = list(items.select_for_update(of=("self",)) if lock else items)
    return items, fingerprint.of_many(items)


def confirm(
    batch: ImportBatch, actor, shown: str, note: str = "", *, queued: bool = False
) -> tuple[int, int]:
    """The head of the PPID confirms a waiting batch whose fingerprint they were shown
    (`shown`): each complete entry is listed as its SOP's last step would list it,
    under an approval of exactly its imported content; an entry lacking a DIP column
    enters its SOP to be completed there. Returns (listed, sent into their SOP)."""
    with transaction.atomic():
        batch = _decidable(batch, actor, queued=queued)
        items, digests = _entries(batch, lock=True)
        if shown != batch.fingerprint or entries_digest(items, digests) != batch.fingerprint:
            raise _changed_since_shown()
        confirmed = _("Import of %(file)s confirmed.") % {"file": batch.file_name}
        listed = 0
        for item in items:
            item.approved_fingerprint = digests[item.pk]
            audit.record(
                Verb.CONFIRM_IMPORT,
                actor=actor,
                item=item,
                unit=item.holding_unit,
                note=" ".join(filter(None, [confirmed, note.strip()])),
                changes={"batch": batch.pk, "fingerprint": item.approved_fingerprint},
            )
            listed += engine.list_confirmed(item, actor)
        _decide(batch, actor, ImportBatch.State.CONFIRMED, note)
        return listed, len(items) - listed


def confirm_later(batch: ImportBatch, actor, shown: str, note: str = "") -> None:
    """Have the worker confirm a large batch (register.tasks.confirm_import), after the
    same checks as confirm(); the batch says meanwhile that it is being confirmed."""
    from .tasks import confirm_import

    with transaction.atomic():
        batch = _decidable(batch, actor)
        if shown != batch.fingerprint:
            raise _changed_since_shown()
        batch.confirming_since, batch.confirm_failure = timezone.now(), ""
        batch.save(update_fields=["confirming_since", "confirm_failure"])
        confirm_import.enqueue(batch.pk, actor.pk, shown, note)


def confirm_failed(batch: ImportBatch, reason: str) -> None:
    """The worker could not confirm: the batch waits again, saying why."""
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.WAITING).update(
        confirming_since=None, confirm_failure=reason[:300]
    )


def reject(batch: ImportBatch, actor, note: str) -> ImportBatch:
    """The head of the PPID rejects a waiting batch: its entries are withdrawn unlisted
    (an officer may still reopen one into its SOP)."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused(_("Write a note saying why the import is rejected."))
    with transaction.atomic():
        batch = _decidable(batch, actor)
        for item in batch.items.select_for_update().order_by("pk"):
            if item.waits_for_import:  # the batch decides only what still waits in it
                engine.withdraw_unlisted(item, actor, note)
        return _decide(batch, actor, ImportBatch.State.REJECTED, note)


def _decidable(batch: ImportBatch, actor, *, queued: bool = False) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().select_related("body").get(pk=batch.pk)
    if batch.state != ImportBatch.State.WAITING:
        raise ActionRefused(_("This import was already confirmed or rejected."))
    if batch.is_confirming and not queued:
        raise ActionRefused(_("This import is being confirmed."))
    if refusal := policy.import_refusal(actor, batch):
        raise NotAllowed(refusal)
    return batch


def _changed_since_shown() -> Conflict:
    return Conflict(
        _(
            "Entries of this import changed after they were shown; open the import again, "
            "or reject it and import again."
        )
    )


def _decide(batch: ImportBatch, actor, state: str, note: str) -> ImportBatch:
    batch.state, batch.decided_by, batch.decided_at = state, actor, timezone.now()
    batch.note, batch.confirming_since = (note or "").strip(), None
    batch.save(update_fields=["state", "decided_by", "decided_at", "note", "confirming_since"])
    return batch
