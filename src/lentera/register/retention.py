"""Retention from the Jadwal Retensi Arsip (JRA): the DIP column, due dates and disposal."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.documents.models import Document
from lentera.documents.services import dispose_document, record_deletion
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import office_items_q
from lentera.register import workflow as engine
from lentera.sop import policy
from lentera.sop.constants import Verb

from .constants import DisposalChoice, Disposition, Status
from .models import DisposalDecision, InformationItem, RetentionRule
from .services import update_item

# The DIP is an official register published in Indonesian (Perki 1/2021), and this
# text is stored as the item's data, not shown as interface text: it must read the
# same whoever set it, whatever their interface language. So it is fixed Indonesian,
# not gettext.
_DISPOSITION_ID = {
    Disposition.DESTROY: "musnah",
    Disposition.PERMANENT: "permanen",
    Disposition.REVIEW: "dinilai kembali",
}
# Decisions that end an item's retention for good.
FINAL_CHOICES = (DisposalChoice.DESTROY, DisposalChoice.PERMANENT)


def retention_text(rule: RetentionRule) -> str:
    """The DIP retention column as it follows from a JRA line."""
    return (
        f"Aktif {rule.active_years} tahun, inaktif {rule.inactive_years} tahun; "
        f"{_DISPOSITION_ID[rule.disposition]} (JRA {rule.code})"
    )


def set_retention(
    item: InformationItem, actor, rule: RetentionRule, *, expected_version: int | None = None
) -> InformationItem:
    """Link an item to a line of its body's JRA; its DIP retention column follows.

    The column changes through update_item, so for a listed item in an update it is a
    proposed change like any other column. The link itself is not a public column and
    is set at once: it is what the disposal decisions are judged by."""
    if rule.body_id != item.holding_unit.body_id:
        raise ActionRefused(_("That retention schedule code belongs to another public body."))
    if not policy.can_edit(actor, item):
        raise NotAllowed(_("You cannot edit this item now."))
    with transaction.atomic():
        item = update_item(
            item, actor, expected_version=expected_version, retention_period=retention_text(rule)
        )
        if rule.body_id != item.holding_unit.body_id:  # re-checked under the row lock
            raise ActionRefused(_("That retention schedule code belongs to another public body."))
        if item.retention_rule_id == rule.pk:
            return item
        before = item.retention_rule.code if item.retention_rule_id else None
        item.retention_rule = rule
        item.lock_version += 1
        item.save(update_fields=["retention_rule", "lock_version", "updated_at"])
        audit.record(
            Verb.RETENTION,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            changes={"retention_rule": [before, rule.code]},
        )
    return item


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _due_on(item: InformationItem, approved: list[DisposalDecision]) -> datetime.date | None:
    if item.retention_rule_id is None:
        return None
    if any(d.decision in FINAL_CHOICES for d in approved):
        return None
    extensions = [d for d in approved if d.decision == DisposalChoice.EXTEND and d.review_on]
    if extensions:
        return max(extensions, key=lambda d: (d.decided_at, d.pk)).review_on
    reference = item.made_on or datetime.date(item.year, 1, 1)
    return _add_years(reference, item.retention_rule.total_years)


def _approved(item: InformationItem) -> list[DisposalDecision]:
    cached = getattr(item, "approved_disposals", None)
    if cached is not None:
        return cached
    return list(item.disposal_decisions.filter(state=DisposalDecision.State.APPROVED))


def retention_due_on(item: InformationItem) -> datetime.date | None:
    """When the item's retention ends: its date made (or 1 January of its year) plus the
    JRA's active and inactive years, or the review date of an approved extension; None
    without a JRA code or once its destruction or permanent keeping was approved."""
    return _due_on(item, _approved(item))


def items_due_for_disposal(user_or_body, today: datetime.date | None = None) -> list:
    """Items past their retention that wait for a proposal: no open proposal and no
    approved destruction or permanent keeping. For a user, only what they see in the
    office; each item carries `due_on` and `last_decision`."""
    today = today or timezone.localdate()
    if isinstance(user_or_body, PublicBody):
        scope = Q(holding_unit__body=user_or_body)
    else:
        scope = office_items_q(user_or_body)
    decisions = DisposalDecision.objects.filter(item=OuterRef("pk"))
    approved = DisposalDecision.objects.filter(state=DisposalDecision.State.APPROVED)
    candidates = (
        InformationItem.objects.filter(scope, retention_rule__isnull=False)
        .exclude(Exists(decisions.filter(state=DisposalDecision.State.PROPOSED)))
        .exclude(Exists(approved.filter(item=OuterRef("pk"), decision__in=FINAL_CHOICES)))
        # A bound in SQL: the base due date falls in or before this year, or an
        # extension decides; the exact date is checked below.
        .alias(
            due_year=Coalesce(ExtractYear("made_on"), F("year"), output_field=IntegerField())
            + F("retention_rule__active_years")
            + F("retention_rule__inactive_years"),
        )
        .filter(
            Q(due_year__lte=today.year)
            | Exists(approved.filter(item=OuterRef("pk"), decision=DisposalChoice.EXTEND))
        )
        .select_related("retention_rule", "holding_unit__body")
        .prefetch_related(
            Prefetch("disposal_decisions", queryset=approved, to_attr="approved_disposals"),
            Prefetch(
                "disposal_decisions",
                queryset=DisposalDecision.objects.select_related("decided_by"),
                to_attr="all_disposals",
            ),
        )
        .order_by("holding_unit__name", "retention_rule__code", "year", "pk")
    )
    due = []
    for item in candidates:
        item.due_on = retention_due_on(item)
        if item.due_on is not None and item.due_on <= today:
            item.last_decision = item.all_disposals[0] if item.all_disposals else None
            due.append(item)
    return due


def open_proposals(user):
    """Disposal proposals waiting for a decision on items `user` sees in the office."""
    return (
        DisposalDecision.objects.filter(state=DisposalDecision.State.PROPOSED)
        .filter(office_items_q(user, prefix="item__"))
        .select_related("item__holding_unit__body", "rule", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def propose_disposal(
    item: InformationItem,
    actor,
    *,
    decision: str,
    reason: str,
    review_on: datetime.date | None = None,
) -> DisposalDecision:
    """Propose what happens to an item past its retention; an approver decides."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    if decision not in DisposalChoice.values:
        raise ActionRefused(_("Choose destroy, keep permanently or keep longer."))
    if not reason:
        raise ActionRefused(_("Say why you propose this decision."))
    if decision == DisposalChoice.EXTEND:
        if review_on is None or review_on <= today:
            raise ActionRefused(_("Keeping longer needs a review date in the future."))
    else:
        review_on = None
    with transaction.atomic():
        item = policy.lock_item(item, None)  # one proposal at a time per item
        if not policy.can_propose(actor, item):
            raise NotAllowed(
                _("Only a member of the holding unit or of the PPID Utama can propose this.")
            )
        rule = item.retention_rule
        _check_disposal_allowed(item, rule, decision, today)
        if item.disposal_decisions.filter(state=DisposalDecision.State.PROPOSED).exists():
            raise ActionRefused(_("A proposal for this item is already waiting for a decision."))
        proposal = DisposalDecision.objects.create(
            item=item,
            rule=rule,
            decision=decision,
            review_on=review_on,
            reason=reason,
            proposed_by=actor,
        )
        audit.record(
            Verb.PROPOSE_DISPOSAL,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            note=reason,
            changes=_decision_changes(proposal),
        )
    return proposal


def refresh_retention_texts(rule: RetentionRule, actor) -> int:
    """After a JRA line changed, re-derive the retention column of the items that follow
    it (and of their proposed changes), each change recorded. Returns how many changed."""
    text = retention_text(rule)
    note = _("The retention schedule line %(code)s changed.") % {"code": rule.code}
    changed = 0
    with transaction.atomic():
        items = InformationItem.objects.select_for_update(of=("self",)).select_related(
            "current_step", "holding_unit__body"
        )
        for item in items.filter(retention_rule=rule):
            # During an update the rule's text is a proposed change; the published
            # column keeps the previous rule's text until the update is published.
            pending = item.pending_changes.get("retention_period")
            before = item.retention_period if pending is None else pending
            if before == text:
                continue
            if item.is_listed and item.current_step_id is None:
                # A public column changes only as its SOP's approvers approve it: the new
                # text is proposed and the item goes through its SOP again.
                item.pending_changes = {"retention_period": text}
                engine.send_through_again(item, actor, Verb.RETENTION_CHANGED, note)
                changed += 1
                continue
            if pending is None:
                item.retention_period = text
            else:
                item.pending_changes["retention_period"] = text
            item.lock_version += 1
            item.save(
                update_fields=["retention_period", "pending_changes", "lock_version", "updated_at"]
            )
            audit.record(
                Verb.RETENTION,
                actor=actor,
                item=item,
                unit=item.holding_unit,
                note=note,
                changes={"retention_period": [before, text]},
            )
            changed += 1
    return changed


def _check_disposal_allowed(item, rule, decision: str, today: datetime.date) -> None:
    """What the item's current JRA line allows: checked when proposing and again when
    deciding, since the item's code or the schedule may change in between."""
    if rule is None:
        raise ActionRefused(_("This item has no retention schedule code."))
    due_on = retention_due_on(item)
    if due_on is None or due_on > today:
        raise ActionRefused(_("This item has not reached the end of its retention."))
    if decision == DisposalChoice.DESTROY and rule.disposition == Disposition.PERMANENT:
        raise ActionRefused(
            _("The retention schedule keeps records of code %(code)s permanently.")
            % {"code": rule.code}
        )


def decide_disposal(
    decision: DisposalDecision, actor, *, approve: bool, note: str = ""
) -> DisposalDecision:
    """An approver other than the proposer approves or rejects a disposal proposal.

    An approved destruction withdraws the item from the DIP and deletes and disposes of
    its soft copies in the same transaction: the decision is the recorded disposal."""
    note = (note or "").strip()
    with transaction.atomic():
        item = policy.lock_item(decision.item, None)
        decision = DisposalDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.state != DisposalDecision.State.PROPOSED:
            raise ActionRefused(_("This proposal was already decided."))
        if not policy.can_decide(actor, item):
            raise NotAllowed(
                _("Only an approver of the holding unit or of the PPID Utama can decide this.")
            )
        if actor.pk == decision.proposed_by_id:
            raise NotAllowed(_("You proposed this decision, so someone else must decide it."))
        if not approve and not note:
            raise ActionRefused(_("Say why the proposal is rejected."))
        if approve:
            if item.retention_rule_id != decision.rule_id:
                raise ActionRefused(
                    _(
                        "The item's retention schedule code changed after this proposal; "
                        "reject it and propose again."
                    )
                )
            _check_disposal_allowed(
                item, item.retention_rule, decision.decision, timezone.localdate()
            )
        decision.state = (
            DisposalDecision.State.APPROVED if approve else DisposalDecision.State.REJECTED
        )
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.decision_note = note
        decision.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(
            Verb.DECIDE_DISPOSAL,
            actor=actor,
            item=item,
            unit=item.holding_unit,
            note=note,
            changes=_decision_changes(decision),
        )
        if approve and decision.decision == DisposalChoice.DESTROY:
            _destroy(item, actor, decision)
    return decision


def _destroy(item: InformationItem, actor, decision: DisposalDecision) -> None:
    why = _("Destroyed under retention schedule code %(code)s (disposal decision %(id)s).") % {
        "code": decision.rule.code,
        "id": decision.pk,
    }
    if item.status != Status.WITHDRAWN:
        # The decider is an approver, so engine.withdraw's own check lets them; it
        # also takes the item out of an SOP pass it may be in.
        item = engine.withdraw(item, actor, why)
    # delete_document() is for an editor while the item is in its SOP; a destroyed
    # item is neither, and the approved decision is the permission.
    documents = list(Document.objects.select_for_update().filter(item=item))
    for document in documents:
        if document.deleted_at is None:
            record_deletion(document, actor, item, why)
    for document in documents:
        if document.disposed_at is None:
            dispose_document(document, actor, reason=why)


def _decision_changes(decision: DisposalDecision) -> dict:
    changes = {
        "disposal_decision": decision.pk,
        "decision": decision.decision,
        "state": decision.state,
        "retention_rule": decision.rule.code,
    }
    if decision.review_on:
        changes["review_on"] = decision.review_on.isoformat()
    return changes


SCHEDULE_COLUMNS = ("code", "record_type", "active_years", "inactive_years", "disposition")
# Besides the codes, the words of the JRA itself are understood.
_DISPOSITION_WORDS = {
    "musnah": Disposition.DESTROY,
    "permanen": Disposition.PERMANENT,
    "dinilai kembali": Disposition.REVIEW,
}


def import_schedule(body: PublicBody, rows) -> tuple[int, int]:
    """Create or update a body's JRA lines from `rows` (dicts keyed by SCHEDULE_COLUMNS,
    optionally `note`), numbered from line 2 as in a CSV file with a header.

    All or nothing: the first bad row is refused with its line number and nothing is
    saved. Returns how many lines were created and how many updated."""
    created = updated = 0
    seen: dict[str, int] = {}
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            values = {k: (row.get(k) or "").strip() for k in (*SCHEDULE_COLUMNS, "note")}
            code = values["code"]
            if code in seen:
                raise ActionRefused(
                    _("Line %(line)s: code %(code)s already appears on line %(first)s.")
                    % {"line": line, "code": code, "first": seen[code]}
                )
            seen[code] = line
            rule = RetentionRule.objects.filter(body=body, code=code).first() if code else None
            is_new = rule is None
            rule = rule or RetentionRule(body=body, code=code)
            rule.record_type = values["record_type"]
            rule.note = values["note"] or (rule.note if not is_new else "")
            rule.disposition = _DISPOSITION_WORDS.get(
                values["disposition"].lower(), values["disposition"].lower()
            )
            try:
                rule.active_years = _years(values, "active_years")
                rule.inactive_years = _years(values, "inactive_years")
                rule.full_clean()
            except ValidationError as exc:
                problems = "; ".join(
                    f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                    for name, messages in exc.message_dict.items()
                )
                raise ActionRefused(
                    _("Line %(line)s: %(problems)s") % {"line": line, "problems": problems}
                ) from exc
            rule.save()
            if not is_new:
                refresh_retention_texts(rule, None)
            created, updated = (created + 1, updated) if is_new else (created, updated + 1)
    return created, updated


def _years(values: dict, column: str) -> int:
    text = values[column]
    if not (text.isascii() and text.isdigit()) or int(text) > 999:
        raise ValidationError(
            {column: _("“%(value)s” is not a number of years from 0 to 999.") % {"value": text}}
        )
    return int(text)
