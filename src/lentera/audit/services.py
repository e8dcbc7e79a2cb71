"""Writing the activity log: append one event, its hash covering the one before."""

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from . import events, verbs
from .models import ActivityEvent

# Any constant: the advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 0x4C454E54


def event_digest(prev_hash: str, event: ActivityEvent) -> str:
    """SHA-256 of the previous hash and the canonical JSON of the event."""
    payload = {
        "prev": prev_hash,
        "time": event.created_at.isoformat(),
        "verb": event.verb,
        "item": event.item_id,
        "actor": event.actor_id,
        "unit": event.unit_id,
        "step": event.step_id,
        "to_step": event.to_step_id,
        "note": event.note,
        "changes": event.changes,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def record(
    verb: str, *, actor, item=None, unit=None, step=None, to_step=None, note="", changes=None
) -> ActivityEvent:
    """Append one event to the log; call inside the transaction of the action it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record() must run inside the action's transaction")
    if not verbs.is_known(verb):
        raise ValueError(f"No app registered the activity verb {verb!r}.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = ActivityEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = ActivityEvent(
        item=item,
        actor=actor if getattr(actor, "pk", None) else None,
        unit=unit,
        verb=verb,
        step=step,
        to_step=to_step,
        note=note,
        changes=changes or {},
        created_at=timezone.now(),
        prev_hash=last or "",
    )
    event.hash = event_digest(event.prev_hash, event)
    event.save()
    events.recorded.send(ActivityEvent, event=event)
    return event
