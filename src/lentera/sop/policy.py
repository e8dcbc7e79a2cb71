"""The policy: who may do what to which item, and when its content may change. Every
service and face asks here; nobody else decides.

- Who acts: the performer of a step holds its role (and position) in its unit; the
  holding unit's officers record and edit; approvers withdraw and decide disposals.
- Who checks, and when content may change: the rules that keep an approval covering
  exactly what the public gets (docs/sop.md, "Approval covers exact content").

- A review or approve step (or any step marked not-by-the-submitter) records the
  fingerprint of the content it covered; from then on the content is frozen until
  the item stands at a collect or input step again (by moving on to one, or by being
  returned to one for correction).
- A publish or store step completes only while the content still has the
  fingerprint of the last approval.
- Four eyes: nobody completes a checking step of a pass in which they recorded,
  submitted, performed a collect/input/store/publish step, or changed the content.
"""

from django.db.models import Subquery
from django.utils.translation import gettext as _

from lentera.errors import Conflict
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.selectors import (
    administered_bodies,
    has_role,
    head_body_ids,
    memberships_of,
)

from .constants import (
    CHECKING_KINDS,
    SUBMITTING_KINDS,
    PerformerRole,
    PerformerScope,
    StepKind,
    Verb,
)
from .models import SopStep

# Events that begin a pass of an item through its SOP.
PASS_START_VERBS = (Verb.CREATE, Verb.REOPEN, Verb.EXEMPTION_ENDED, Verb.RETENTION_CHANGED)
# Events that change what an approval covers. A classification decision is the
# reviewer's own act (seed 004 step 4, seed 003 step 3 require it at the checking
# step), covered by the fingerprint and frozen after approval like the rest, but it
# does not bar the person who recorded it from the step it belongs to.
CONTENT_VERBS = (Verb.EDIT, Verb.UPLOAD, Verb.DELETE_FILE, Verb.HARDCOPY)
# Steps after which an approval must cover the content before it goes out.
RELEASING_KINDS = frozenset({StepKind.PUBLISH, StepKind.STORE})


def is_checking(step) -> bool:
    """A review or approve step, or any step marked not-by-the-submitter: completing
    it approves the content as it stands."""
    return step.kind in CHECKING_KINDS or step.separation_required


def approves_publication(step, later_steps) -> bool:
    """`step` is the last checking step before a publish step: what goes online is what
    it approves, so the soft copy must be there when it is completed."""
    for later in sorted(later_steps, key=lambda s: s.number):
        if later.kind == StepKind.PUBLISH:
            return True
        if is_checking(later):
            return False
    return False


def intake_pending(item) -> bool:
    """The current step waits for its intake (seed 004's Petugas Layanan) to submit."""
    step = item.current_step
    return step is not None and bool(step.intake_position) and item.step_submitted_at is None


def opens_content(step) -> bool:
    """At a collect or input step the content is worked on again."""
    return step is None or step.kind in SUBMITTING_KINDS


def is_frozen(item) -> bool:
    """The content was approved in this pass and may not change until a return."""
    return item.current_step_id is not None and bool(item.approved_fingerprint)


def refuse_if_frozen(item) -> None:
    """Refuse a change to columns, category, files, classification or hard copies of
    an item whose content an approval of this pass covers."""
    if not is_frozen(item):
        return
    event = (
        item.events.filter(verb=Verb.COMPLETE, changes__has_key="fingerprint")
        .select_related("step")
        .order_by("-id")
        .first()
    )
    number = event.step.number if event is not None and event.step else "?"
    raise Conflict(
        _(
            "Step %(number)s approved this content, so it cannot change now. To correct "
            "it, the performer of the current step returns the item for correction "
            "(kembalikan untuk perbaikan) to an earlier step."
        )
        % {"number": number}
    )


def approval_gap(item, step, fingerprint_now) -> str | None:
    """Why `step` may not put the content out: no approval of this pass covers it, or
    the content no longer has the approved fingerprint (`fingerprint_now()` gives the
    content's fingerprint as it stands: register.fingerprint.of). None when all is well."""
    if step.kind not in RELEASING_KINDS:
        return None
    checked_before = any(is_checking(s) for s in item.sop.steps.all() if s.number < step.number)
    if item.approved_fingerprint:
        if fingerprint_now() != item.approved_fingerprint:
            return _(
                "the content is exactly as approved (it changed after the approval; "
                "return the item for correction and approve it again)"
            )
    elif checked_before:
        return _(
            "an approval covers the current content (return the item to its review "
            "or approval step)"
        )
    return None


def four_eyes_refusal(user, item, step) -> str | None:
    """Why separation of duties bars `user` from performing `step`; None if it does not."""
    if not is_checking(step):
        return None
    number = {"number": step.number}
    if step.separation_required and user.pk in (item.created_by_id, item.submitted_by_id):
        return _("You submitted this item, so someone else must perform step %(number)s.") % number
    start = item.events.filter(verb__in=PASS_START_VERBS).order_by("-id").values("id")[:1]
    mine = item.events.filter(actor=user, id__gte=Subquery(start)).values_list(
        "verb", "step__number", "step__kind", "step__separate_from_submitter"
    )
    for verb, number_done, kind, separate in mine:
        if verb in CONTENT_VERBS:
            return (
                _(
                    "You changed this item's content during this pass, so someone else "
                    "must perform step %(number)s (four eyes)."
                )
                % number
            )
        if verb == Verb.SUBMIT:
            return _(
                "You submitted this item at step %(done)s of this pass, so someone else must "
                "perform step %(number)s (four eyes)."
            ) % {"done": number_done, **number}
        if verb == Verb.COMPLETE and not (kind in CHECKING_KINDS or separate):
            return _(
                "You performed step %(done)s of this pass, so someone else must perform "
                "step %(number)s (four eyes)."
            ) % {"done": number_done, **number}
    return None


def main_unit(item):
    """The PPID Utama of the item's body (looked up once per loaded body)."""
    body = item.holding_unit.body
    if not hasattr(body, "_lentera_main_unit"):
        body._lentera_main_unit = body.units.filter(ppid_role=PpidRole.MAIN).first()
    return body._lentera_main_unit


def is_member_for(user, item) -> bool:
    """A member (any role) of the item's holding unit or of its body's PPID Utama."""
    main = main_unit(item)
    units = {item.holding_unit_id, main.pk if main is not None else None}
    return any(m.unit_id in units for m in memberships_of(user))


def is_approver_for(user, item) -> bool:
    """An approver (Kepala PPID) of the item's holding unit or of the PPID Utama."""
    main = main_unit(item)
    return has_role(user, item.holding_unit, Role.APPROVER) or (
        main is not None and has_role(user, main, Role.APPROVER)
    )


def performer_unit(item, step: SopStep):
    """The unit whose member performs `step` for `item`."""
    if step.performer_scope == PerformerScope.MAIN_UNIT:
        return main_unit(item)
    return item.holding_unit


def can_perform(user, item, step: SopStep | None) -> bool:
    """Role and unit allow `user` to perform `step` (separation of duties aside)."""
    if step is None or step.performer_role == PerformerRole.SYSTEM:
        return False
    unit = performer_unit(item, step)
    return unit is not None and any(
        m.unit_id == unit.pk
        and m.role == step.performer_role
        and (not step.performer_position or m.position == step.performer_position)
        for m in memberships_of(user)
    )


def can_submit(user, item) -> bool:
    """An officer of the performer's unit holding the current step's intake position may
    submit the item while it waits for them."""
    step = item.current_step
    if not intake_pending(item):
        return False
    unit = performer_unit(item, step)
    return unit is not None and any(
        m.unit_id == unit.pk and m.role == Role.OFFICER and m.position == step.intake_position
        for m in memberships_of(user)
    )


def is_separated(user, item, step: SopStep) -> bool:
    """False when separation of duties forbids `user` from performing `step`."""
    return four_eyes_refusal(user, item, step) is None


def lock_item(item, expected_version: int | None):
    """Re-read the item under a row lock and refuse a stale write."""
    fresh = (
        type(item)
        .objects.select_for_update(of=("self",))
        .select_related("current_step", "holding_unit__body")
        .get(pk=item.pk)
    )
    if expected_version is not None and fresh.lock_version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this item while you were working on it. "
                "Reload the page to see their change, then try again."
            )
        )
    return fresh


def can_withdraw(user, item) -> bool:
    """Approvers of the holding unit and the PPID Utama may take an item out of the DIP;
    officers of the holding unit may also drop an item that was never listed."""
    if item.is_withdrawn or item.waits_for_import:
        return False  # a waiting import is decided as a whole, by its batch
    main = main_unit(item)
    if has_role(user, item.holding_unit, Role.APPROVER):
        return True
    if main is not None and (
        has_role(user, main, Role.APPROVER) or has_role(user, main, Role.REVIEWER)
    ):
        return True
    return item.in_first_pass and has_role(user, item.holding_unit, Role.OFFICER)


def may_start(user, item, sop, first_step=None) -> bool:
    """Who may put `item` on `sop`'s first step: officers of the holding unit, and
    whoever performs that first step (`first_step`, when the caller read it already)."""
    if has_role(user, item.holding_unit, Role.OFFICER):
        return True
    return sop is not None and can_perform(user, item, first_step or sop.first_step())


def can_reopen(user, item) -> bool:
    """A documented, published or withdrawn item may go through its SOP again."""
    if item.current_step_id is not None or item.in_first_pass:
        return False
    if (
        item.is_withdrawn
        and item.disposal_decisions.filter(decision="destroy", state="approved").exists()
    ):
        return False  # destroyed under the JRA: its record stays, it does not come back
    return may_start(user, item, item.holding_unit.sop_in_use())


def can_edit(user, item) -> bool:
    """While the item is in its SOP, its unit's officers and the current performer edit it."""
    if item.current_step_id is None:
        return False
    step = item.current_step
    if has_role(user, item.holding_unit, Role.OFFICER) or can_submit(user, item):
        return True  # the intake recaps the item before it submits it
    # Whoever checks returns the item for correction instead: an edit would bar them
    # from their own step (four eyes).
    return can_perform(user, item, step) and not is_checking(step)


def can_classify(user, item) -> bool:
    """Reviewers and approvers of the holding unit or of the PPID Utama."""
    units = [item.holding_unit, main_unit(item)]
    return any(
        unit is not None
        and (has_role(user, unit, Role.REVIEWER) or has_role(user, unit, Role.APPROVER))
        for unit in units
    )


def can_propose(user, item) -> bool:
    """Members of the holding unit and of the PPID Utama propose disposal decisions."""
    return is_member_for(user, item)


def can_decide(user, item) -> bool:
    """Approvers of the holding unit or of the PPID Utama decide (proposer aside)."""
    return is_approver_for(user, item)


def can_dispose(actor, item) -> bool:
    """Disposing of bytes is for an approver of the item's unit or of the PPID Utama."""
    return actor.is_superuser or is_approver_for(actor, item)


def can_handle_hardcopies(actor, item) -> bool:
    """Members (any role) of the item's holding unit or of its body's PPID Utama
    keep its hard copies, whatever the item's status."""
    return getattr(actor, "is_superuser", False) or is_member_for(actor, item)


def issuing_body_ids(user) -> set[int]:
    """The bodies whose editions (Penetapan DIP) `user` records: the head of its PPID,
    who decides the list, and its administrators, who keep the body's papers. An
    edition freezes what is already public, so it publishes nothing new."""
    return head_body_ids(user) | {
        m.unit.body_id for m in memberships_of(user) if m.role == Role.ADMIN
    }


def can_issue_edition(user, body) -> bool:
    return body.pk in issuing_body_ids(user)


def can_read_original(user, edition) -> bool:
    """Members of the body's PPID Utama (who see all its items in the office) and
    superusers may download the original PDF, whatever became exempt since."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        m.unit.body_id == edition.body_id and m.unit.ppid_role == PpidRole.MAIN
        for m in memberships_of(user)
    )


def may_administer(user, body) -> bool:
    """A body's administrators (and superusers) keep its face (logo, PPID contact,
    hours, notice, licence), its people, units and calendar corrections, and see its
    API tokens."""
    return body.pk in administered_bodies(user)


def may_import(user, body) -> bool:
    """Officers of a body's PPID Utama and its administrators import an existing DIP."""
    return any(
        m.unit.body_id == body.pk
        and (m.role == Role.ADMIN or (m.role == Role.OFFICER and m.unit.ppid_role == PpidRole.MAIN))
        for m in memberships_of(user)
    )


def import_body_ids(user) -> set[int]:
    """The bodies whose imports `user` makes or decides (their office page shows them)."""
    return {
        m.unit.body_id
        for m in memberships_of(user)
        if m.role == Role.ADMIN
        or (m.unit.ppid_role == PpidRole.MAIN and m.role in (Role.OFFICER, Role.APPROVER))
    }


def import_refusal(user, batch) -> str | None:
    """Why `user` may not confirm or reject an import batch (None: they may). It is
    decided by whoever issues the body's DIP, and never by its importer (four eyes)."""
    if batch.body_id not in head_body_ids(user):
        return _("Only the head of the body's PPID confirms an imported DIP.")
    if batch.created_by_id == user.pk:
        return _("You imported this file, so someone else must confirm it (four eyes).")
    return None


def may_move_to(user, item, unit) -> bool:
    """An item moves only to another unit of its body in which `user` is an officer."""
    return has_role(user, unit, Role.OFFICER) and unit.body_id == item.holding_unit.body_id
