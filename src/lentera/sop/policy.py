"""Who may check what, and when content may change: the rules that keep an approval
covering exactly what the public gets (docs/sop.md, "Approval covers exact content").

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

from . import fingerprint
from .constants import CHECKING_KINDS, SUBMITTING_KINDS, StepKind, Verb

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


def approval_gap(item, step) -> str | None:
    """Why `step` may not put the content out: no approval of this pass covers it, or
    the content no longer has the approved fingerprint. None when all is well."""
    if step.kind not in RELEASING_KINDS:
        return None
    checked_before = any(is_checking(s) for s in item.sop.steps.all() if s.number < step.number)
    if item.approved_fingerprint:
        if fingerprint.of(item) != item.approved_fingerprint:
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
