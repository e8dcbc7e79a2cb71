"""Due times follow the calendar: after an administrator changes a body's calendar,
the work currently waiting at a step is due under the new one."""

from django.db import transaction

from lentera.organizations.models import PublicBody
from lentera.register.models import InformationItem

from .models import StepTiming
from .services import calendar_for, due_of

_BATCH = 500


def recompute_open_due_times(body: PublicBody | int) -> int:
    """Recompute the due time of every open step timing (left_at null) of the body's
    items, and the items' step_due_at; return how many due times changed.

    Counts from when the work arrived (opened, for minutes and hours), so only the
    calendar's effect changes."""
    body_id = body if isinstance(body, int) else body.pk
    calendar = calendar_for(body_id)
    changed = []
    due_of_item = {}
    with transaction.atomic():
        # Items first, in primary-key order, as the SOP engine locks them (lock_item),
        # then their timings: a step move meanwhile waits instead of deadlocking.
        list(
            InformationItem.objects.select_for_update()
            .filter(holding_unit__body_id=body_id, current_step__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        timings = (
            StepTiming.objects.select_for_update(of=("self",))
            .filter(left_at__isnull=True, item__holding_unit__body_id=body_id)
            .select_related("step")
        )
        for timing in timings:
            due = due_of(timing, calendar)
            due_of_item[timing.item_id] = (timing.step_id, due)
            if due != timing.due_at:
                timing.due_at = due
                changed.append(timing)
        StepTiming.objects.bulk_update(changed, ["due_at"], batch_size=_BATCH)

        items = InformationItem.objects.filter(
            holding_unit__body_id=body_id, current_step__isnull=False
        ).only("pk", "current_step_id", "step_due_at")
        stale = []
        for item in items:
            step_id, due = due_of_item.get(item.pk, (None, None))
            if item.current_step_id == step_id and item.step_due_at != due:
                item.step_due_at = due
                stale.append(item)
        # bulk_update leaves updated_at alone: a calendar edit is not an edit of the item.
        InformationItem.objects.bulk_update(stale, ["step_due_at"], batch_size=_BATCH)
    return len(changed)
