"""The SOP engine: move an item through the steps of its SOP version."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.documents.models import DocumentVersion, HardCopy
from lentera.errors import ActionRefused, NotAllowed
from lentera.sop import policy
from lentera.sop import selectors as sop_selectors
from lentera.sop.constants import (
    CHECKING_KINDS,
    SUBMITTING_KINDS,
    Check,
    PerformerRole,
    StepKind,
    Verb,
)
from lentera.sop.models import SopStep

from . import events, fingerprint
from .constants import Category, Status
from .models import InformationItem, apply_changes, field_value, item_slug


def submit(item, actor, note: str = "", *, expected_version: int | None = None):
    """The intake of the current step (seed 004: the Petugas Layanan) has received and
    recapped the item and submits it to the step's performer."""
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        if not policy.intake_pending(item):
            raise ActionRefused(_("This item does not wait to be submitted."))
        if not policy.can_submit(actor, item):
            raise NotAllowed(
                _("Only the %(position)s submits this item at step %(number)s.")
                % {
                    "position": item.current_step.intake_position,
                    "number": item.current_step.number,
                }
            )
        audit.record(
            Verb.SUBMIT,
            actor=actor,
            item=item,
            unit=policy.performer_unit(item, item.current_step),
            step=item.current_step,
            note=(note or "").strip(),
        )
        item.step_submitted_at = timezone.now()
        item.lock_version += 1
        item.save(update_fields=["step_submitted_at", "lock_version", "updated_at"])
        events.item_submitted.send(type(item), item=item, actor=actor)
        return item


_DIP_COLUMNS = (
    "title",
    "summary",
    "responsible_official",
    "made_on",
    "made_place",
    "retention_period",
)


def columns_needed_later(sop) -> dict[str, int]:
    """The DIP columns a new entry may leave empty but a step of `sop` will ask for:
    name -> the number of the first such step."""
    for step in sop.steps.all():
        if Check.DIP_COMPLETE in (step.checks or []):
            return {
                name: step.number
                for name in _DIP_COLUMNS
                if InformationItem._meta.get_field(name).blank
            }
    return {}


def _dip_gaps(item) -> list[str]:
    gaps = [
        str(item._meta.get_field(name).verbose_name)
        for name in _DIP_COLUMNS
        if not getattr(item, name)
    ]
    if not (item.form_softcopy or item.form_hardcopy):
        gaps.append(_("forms available"))
    return gaps


def required_checks(item, step: SopStep) -> set[str]:
    """The step's own checks plus those the engine always applies."""
    checks = set(step.checks or [])
    later = [s for s in item.sop.steps.all() if s.number > step.number]
    if step.kind == StepKind.PUBLISH or (
        policy.is_checking(step) and policy.approves_publication(step, later)
    ):
        # Files go online at a publish step, and only as the last approval saw them.
        checks.add(Check.SOFTCOPY)
    if step.kind in CHECKING_KINDS or not later:
        # An exempt item passes no review, and ends no SOP, without a classification decision.
        checks.add(Check.CLASSIFICATION)
    return checks


def missing_requirements(
    item, step: SopStep, *, note: str = "", ticked=(), with_form: bool = True
) -> list[str]:
    """What the item (as it will read after its proposed changes) still lacks before
    `step` can be completed; empty when the step may be completed.

    With `with_form=False`, leave out what the completing form itself supplies
    (the note and the checklist ticks): what must be done before opening it."""
    proposed = item.working_copy()
    checks = required_checks(item, step)
    missing = _content_gaps(item, proposed, checks)
    if gap := policy.approval_gap(item, step, lambda: fingerprint.of(item)):
        missing.append(gap)
    if item.current_step_id == step.pk and policy.intake_pending(item):
        missing.append(_("the %(position)s has submitted it") % {"position": step.intake_position})
    if not with_form:
        return missing
    if Check.REVIEW_NOTE in checks and not note.strip():
        missing.append(str(Check.REVIEW_NOTE.label))
    ticked = set(ticked)
    missing += [
        _("ticked: %(item)s") % {"item": t} for t in step.checklist_items if t not in ticked
    ]
    return missing


def _content_gaps(item, proposed, checks) -> list[str]:
    """What the item's content lacks for `checks`: files, hard copy locations, DIP
    columns, a classification decision."""
    missing = []
    has_softcopy = item.documents.filter(deleted_at__isnull=True).exists()
    if Check.SOFTCOPY in checks and proposed.form_softcopy and not has_softcopy:
        missing.append(str(Check.SOFTCOPY.label))
    if (
        Check.HARDCOPY_LOCATION in checks
        and proposed.form_hardcopy
        and not HardCopy.objects.filter(item=item).exists()
    ):
        missing.append(str(Check.HARDCOPY_LOCATION.label))
    if Check.DIP_COMPLETE in checks and (gaps := _dip_gaps(proposed)):
        missing.append(
            _("every DIP column is filled in (empty: %(columns)s)") % {"columns": ", ".join(gaps)}
        )
    if (
        Check.CLASSIFICATION in checks
        and proposed.category == Category.EXEMPT
        and not item.classifications.filter(exempt_until__gt=timezone.localdate()).exists()
    ):
        missing.append(str(Check.CLASSIFICATION.label))
    return missing


def start(item, actor) -> None:
    """Place a new item on the first step of its SOP version."""
    _enter(item, item.sop.first_step(), actor)


def complete_step(item, actor, *, expected_version: int | None = None, note: str = "", ticked=()):
    """The performer completes the item's current step; the item moves on.

    `ticked` holds the checklist items of the step the performer has ticked."""
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        step = item.current_step
        if step is None:
            raise ActionRefused(_("This item has already gone through every step of its SOP."))
        if not policy.can_perform(actor, item, step):
            raise NotAllowed(
                _("Step %(number)s is performed by %(performer)s; you cannot complete it.")
                % {"number": step.number, "performer": step.performer_label}
            )
        if refusal := policy.four_eyes_refusal(actor, item, step):
            raise NotAllowed(refusal)
        _complete(item, step, actor, note=note.strip(), ticked=ticked)
        return item


def return_to_step(
    item, actor, to_step_number: int, note: str, *, expected_version: int | None = None
):
    """Send the item back to an earlier step; the note says what to correct."""
    note = (note or "").strip()
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        step = item.current_step
        if step is None:
            raise ActionRefused(_("This item has already gone through every step of its SOP."))
        if not (policy.can_perform(actor, item, step) or policy.can_submit(actor, item)):
            raise NotAllowed(_("Only the performer of the current step can return this item."))
        if not note:
            raise ActionRefused(_("Write a note saying what must be corrected."))
        target = item.sop.steps.filter(number=to_step_number).first()
        back_to_intake = target == step and step.intake_position and not policy.intake_pending(item)
        if target is None or (target.number >= step.number and not back_to_intake):
            raise ActionRefused(_("An item can only be returned to an earlier step of its SOP."))
        audit.record(
            Verb.RETURN,
            actor=actor,
            item=item,
            unit=policy.performer_unit(item, step),
            step=step,
            to_step=target,
            note=note,
        )
        _move(item, target, outcome="returned", actor=actor)
        return item


def withdraw(item, actor, note: str, *, expected_version: int | None = None):
    """Take an item out of the DIP (or out of its SOP); the note says why."""
    note = (note or "").strip()
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        if not policy.can_withdraw(actor, item):
            raise NotAllowed(_("You cannot withdraw this item."))
        if not note:
            raise ActionRefused(_("Write a note saying why the item is withdrawn."))
        _withdraw(item, actor, note)
        return item


def _withdraw(item, actor, note: str) -> None:
    audit.record(
        Verb.WITHDRAW,
        actor=actor,
        item=item,
        unit=item.holding_unit,
        step=item.current_step,
        note=note,
        changes={"status": [item.status, Status.WITHDRAWN]},
    )
    item.status = Status.WITHDRAWN
    item.in_update = False
    _take_offline(item, timezone.now())  # they stay offline; a new approval decides
    item.pending_changes = {}
    _move(item, None, outcome="withdrawn")


def withdraw_unlisted(item, actor, note: str) -> None:
    """An imported entry whose batch was rejected (register.imports decided who may,
    and holds the lock): withdrawn, never listed."""
    _withdraw(item, actor, note)


def list_confirmed(item, actor) -> bool:
    """An imported entry whose batch the head of the PPID confirmed (register.imports
    decided who may, and set the approval it lists under): published when its SOP has a
    publish step and it is not exempt, else documented, as its SOP's last step would.
    An entry that any step of its SOP would refuse for its content (an empty DIP
    column, a soft copy marked but no file, a hard copy without its location) is not
    listed: it enters its SOP's first step, to be completed, reviewed and approved
    there. True when it was listed."""
    checks = set().union(*(required_checks(item, step) for step in item.sop.steps.all()))
    if _content_gaps(item, item, checks):
        item.approved_fingerprint = ""
        start(item, actor)
        return False
    publishes = item.sop.steps.filter(kind=StepKind.PUBLISH).exists()
    if publishes and item.category != Category.EXEMPT:
        _publish(item, actor)
    _finish(item, actor)
    return True


def reopen(item, actor, note: str = "", *, expected_version: int | None = None):
    """Send a documented, published or withdrawn item through its unit's SOP again.

    A listed item stays as the public sees it; edits wait as proposed changes until
    the update passes the publish step (or the last step)."""
    with transaction.atomic():
        item = policy.lock_item(item, expected_version)
        if not policy.can_reopen(actor, item):
            raise NotAllowed(_("You cannot reopen this item."))
        send_through_again(item, actor, Verb.REOPEN, (note or "").strip())
        return item


def send_through_again(item, actor, verb: str, note: str) -> None:
    """Put a documented, published or withdrawn item on the first step of its unit's
    SOP in use, recording `verb`. The caller holds the item's lock and has decided
    who may ask (reopen() for a person; the application itself passes actor None)."""
    sop = sop_selectors.sop_to_follow(item.holding_unit)
    audit.record(
        verb,
        actor=actor,
        item=item,
        unit=item.holding_unit,
        note=note,
        changes={"sop": [item.sop_id, sop.pk]} if sop.pk != item.sop_id else {},
    )
    if item.status == Status.WITHDRAWN:
        item.status = Status.IN_PROGRESS
    else:
        item.in_update = True
    item.sop = sop
    item.submitted_by = actor  # who asked for the update may not approve it
    item.approved_fingerprint = ""  # a new pass: no approval covers it yet
    _enter(item, sop.first_step(), actor)


def _complete(item, step: SopStep, actor, note: str = "", ticked=()) -> None:
    """Complete `step` once its checks pass (steps the application performs included)."""
    system = step.performer_role == PerformerRole.SYSTEM
    if missing := missing_requirements(item, step, note=note, ticked=ticked):
        if system:
            raise ActionRefused(
                _("Step %(number)s, which the application performs, cannot be completed yet.")
                % {"number": step.number},
                missing=missing,
            )
        raise ActionRefused(_("This step cannot be completed yet."), missing=missing)
    actor = None if system else actor
    changes = {}
    if ticked := [t for t in step.checklist_items if t in set(ticked)]:
        changes["ticked"] = ticked
    if policy.is_checking(step):
        # What this approval covers: the publish and store steps hold the item to it.
        covered = fingerprint.content(item)
        item.approved_fingerprint = fingerprint.digest(covered)
        changes["fingerprint"] = item.approved_fingerprint
        changes["columns"] = fingerprint.digest(covered["columns"])
        changes["files"] = [{"name": f["name"], "sha256": f["sha256"]} for f in covered["files"]]
    next_step = item.sop.steps.filter(number__gt=step.number).order_by("number").first()
    audit.record(
        Verb.COMPLETE,
        actor=actor,
        item=item,
        unit=policy.performer_unit(item, step),
        step=step,
        to_step=next_step,
        note=note,
        changes=changes,
    )
    if step.kind in SUBMITTING_KINDS and actor is not None:
        item.submitted_by = actor
    if step.kind == StepKind.PUBLISH and (item.status != Status.PUBLISHED or item.in_update):
        if item.working_copy().category != Category.EXEMPT:  # exempt files never go online
            _publish(item, actor)
    if next_step is None:
        _finish(item, actor)
    else:
        _enter(item, next_step, actor)


def _enter(item, step: SopStep, actor) -> None:
    _move(item, step, actor=actor)
    if step.performer_role == PerformerRole.SYSTEM:
        # The application performs this step itself as soon as the item arrives.
        _complete(item, step, actor)


def _move(item, step: SopStep | None, outcome: str = "completed", *, actor=None) -> None:
    """Put the item on `step` (None: out of its SOP); the step it leaves ends with
    `outcome` in its timing, and the new step's due time is computed. `actor`, who
    moved it, is not told that the work arrived."""
    now = timezone.now()
    item.step_submitted_at = None  # a step with an intake waits for it again
    if policy.opens_content(step):
        item.approved_fingerprint = ""  # worked on again: the next approval covers it anew
    item.current_step = step
    item.step_entered_at = now
    item.step_due_at = None  # deadlines sets it, on hearing of the move
    item.lock_version += 1
    item.save()
    events.item_moved.send(type(item), item=item, step=step, at=now, outcome=outcome, actor=actor)


def _apply_update(item) -> dict:
    """The proposed changes of an update become the item's columns."""
    changes = {}
    if item.pending_changes:
        before = {name: field_value(item, name) for name in item.pending_changes}
        apply_changes(item, item.pending_changes)
        changes = {name: [before[name], value] for name, value in item.pending_changes.items()}
    item.pending_changes = {}
    item.in_update = False
    return changes


def _publish(item, actor) -> None:
    """Put online exactly what the last approval covered: the current version of each
    live document. Earlier public versions stay online as history unless withdrawn; a
    document deleted during an update goes offline now."""
    now = timezone.now()
    changes = _apply_update(item)
    item.status = Status.PUBLISHED
    item.published_at = now
    item.listed_at = now
    _first_listing(item, now)
    covered = [v.pk for v in fingerprint.current_versions(item)]
    DocumentVersion.objects.filter(pk__in=covered).filter(
        Q(published_at__isnull=True) | Q(withdrawn_at__isnull=False)
    ).update(published_at=now, withdrawn_at=None)
    _take_offline(item, now, document__deleted_at__isnull=False)
    audit.record(Verb.PUBLISH, actor=actor, item=item, unit=item.holding_unit, changes=changes)


def _first_listing(item, now) -> None:
    """When the entry is first listed: its date, and its CKAN name from the title the
    approval covered (never a draft's)."""
    item.first_listed_at = item.first_listed_at or now
    if not item.slug:
        item.slug = item_slug(item.title, item.uuid)


def _take_offline(item, now, **only) -> None:
    """Take the item's online versions (or those matching `only`) offline for good."""
    DocumentVersion.objects.filter(
        document__item=item, published_at__isnull=False, withdrawn_at__isnull=True, **only
    ).update(withdrawn_at=now)


def _finish(item, actor) -> None:
    if item.status == Status.IN_PROGRESS or item.in_update:
        changes = _apply_update(item)
        if item.category == Category.EXEMPT and item.status == Status.PUBLISHED:
            changes["status"] = [item.status, Status.DOCUMENTED]
        if item.status != Status.PUBLISHED or item.category == Category.EXEMPT:
            item.status = Status.DOCUMENTED
            item.listed_at = timezone.now()
            _first_listing(item, item.listed_at)
        if item.category == Category.EXEMPT:
            _take_offline(item, timezone.now())  # held back by the exemption, for good
        else:
            _take_offline(item, timezone.now(), document__deleted_at__isnull=False)
        audit.record(Verb.DOCUMENT, actor=actor, item=item, unit=item.holding_unit, changes=changes)
    _move(item, None)
