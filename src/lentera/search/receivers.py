"""How the search index hears of changes: it keeps in step with what the public may
see, refreshing an item's entry after the commit that changed it (index.schedule).

- Every action on an item is recorded in the activity log (publishing, withdrawing,
  an update passing its SOP, an edit, a classification, a document uploaded, deleted
  or disposed of): `audit.events.recorded`.
- A version's text extracted by the background job: `documents.events.text_extracted`.
- A unit or body renamed, or a unit moved to another body (their names are
  searchable): these are edited in the admin, not by a service, so the index listens
  to the models themselves and queues a job that refreshes the entries of their items.

The query checks publicity again when it runs (engine._hits), so an entry that a
missed announcement left behind could never show a withdrawn or exempt item."""

from django.db.models.signals import post_save, pre_save

from lentera.audit import events as audit_events
from lentera.documents import events as document_events
from lentera.organizations.models import PublicBody, Unit

from .index import schedule
from .tasks import refresh_held_by

# The fields of a unit and a body that an entry holds.
INDEXED = {Unit: ("name", "short_name", "body_id"), PublicBody: ("name",)}


def on_recorded(sender, event, **kwargs) -> None:
    if event.item_id is not None:
        schedule(event.item_id)


def on_text_extracted(sender, version, **kwargs) -> None:
    schedule(version.document.item_id)


def _indexed(instance) -> tuple:
    return tuple(getattr(instance, field) for field in INDEXED[type(instance)])


def _remember_indexed(sender, instance, **kwargs) -> None:
    if instance._state.adding:
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*INDEXED[sender]).first()
    instance._indexed_before = before


def _holder_changed(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_indexed_before", None)
    if created or before is None or before == _indexed(instance):
        return
    # Queued in the same transaction as the change: the job runs once it commits.
    if sender is Unit:
        refresh_held_by.enqueue(unit_id=instance.pk)
    else:
        refresh_held_by.enqueue(body_id=instance.pk)


def connect() -> None:
    """Called once, from SearchConfig.ready()."""
    audit_events.recorded.connect(on_recorded, dispatch_uid="search.recorded")
    document_events.text_extracted.connect(on_text_extracted, dispatch_uid="search.text")
    for model in (Unit, PublicBody):
        pre_save.connect(_remember_indexed, sender=model, dispatch_uid=f"search.before.{model}")
        post_save.connect(_holder_changed, sender=model, dispatch_uid=f"search.after.{model}")
