"""News from the register for the floors above it (deadlines, search), which subscribe
in their `ready()`. An event is sent inside the transaction of the change it reports,
so what a handler writes commits or rolls back with the change; a handler that works
outside the database (mail, the search index) leaves that for after the commit.
Handlers may refuse: an exception from one undoes the whole change."""

from django.dispatch import Signal

# An item was put on `step` (None: taken out of its SOP) at `at`, moved by `actor`;
# the step it left ended with `outcome` ("completed", "returned", "withdrawn"...).
# The item is saved; a handler that sets `item.step_due_at` saves that field itself.
item_moved = Signal()  # item, step, at, outcome, actor

# The intake of the current step (seed 004's Petugas Layanan) submitted the item to
# the step's performer.
item_submitted = Signal()  # item, actor

# The item now belongs to another unit (while it stands at a step).
holding_unit_changed = Signal()  # item

# An import's new entries wait in `batch` (register.ImportBatch) for the head of the
# PPID's confirmation.
import_waiting = Signal()  # batch
