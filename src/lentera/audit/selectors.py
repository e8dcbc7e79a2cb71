"""Reading the activity log: is the chain whole?"""

from typing import NamedTuple

from .models import ActivityEvent
from .services import event_digest


class ChainBreak(NamedTuple):
    event_id: int
    reason: str


def verify_chain(progress=None) -> tuple[int, ChainBreak | None]:
    """Re-hash the whole log in order; return how many events were checked and the
    first event that does not follow from the one before it (edited, inserted,
    deleted or reordered), or None when the chain is whole."""
    prev_hash = ""
    checked = 0
    events = ActivityEvent.objects.order_by("id")
    for event in events.iterator(chunk_size=2000):
        if event.prev_hash != prev_hash:
            return checked, ChainBreak(
                event.pk, "does not follow the event before it (one was deleted or moved)"
            )
        if event_digest(prev_hash, event) != event.hash:
            return checked, ChainBreak(event.pk, "its content was changed after it was recorded")
        prev_hash = event.hash
        checked += 1
        if progress is not None:
            progress(checked)
    return checked, None
