"""News from the activity log for the floors above it.

Every action on an item is recorded (DESIGN: "every action is recorded"), so the
record is the one place that hears of them all: search refreshes an item's entry on
it, whichever service acted. Sent inside the transaction of the action; a handler that
works outside the database defers that with `transaction.on_commit`."""

from django.dispatch import Signal

# An action was recorded: `event` is the saved ActivityEvent (its item_id may be None).
recorded = Signal()  # event
