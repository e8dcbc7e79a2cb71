"""News from the documents app for the floors above it (search).

Uploads, deletions and disposals are actions and reach the activity log, which
announces them (audit.events.recorded); the text of a version is written by a
background job that records nothing, so it has its own event."""

from django.dispatch import Signal

# The text (and thumbnail) of `version` was extracted and saved; sent inside the
# transaction that saves it.
text_extracted = Signal()  # version
