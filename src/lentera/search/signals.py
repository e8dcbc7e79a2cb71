"""Keeps the search index in step with what the public may see.

Publishing, withdrawing, an update passing its SOP, a document deleted or a version's
text extracted all save one of these models; the item's entry is refreshed after
the commit (index.schedule). A unit or body renamed (its names are searchable) or a
unit moved to another body queues a job that refreshes the entries of its items."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from lentera.documents.models import Document, DocumentVersion
from lentera.organizations.models import PublicBody, Unit
from lentera.register.models import InformationItem

from .index import schedule
from .tasks import refresh_held_by

# The fields of a unit and a body that an entry holds.
INDEXED = {Unit: ("name", "short_name", "body_id"), PublicBody: ("name",)}


@receiver(post_save, sender=InformationItem)
@receiver(post_delete, sender=InformationItem)
def _item_changed(sender, instance, **kwargs):
    schedule(instance.pk)


@receiver(post_save, sender=Document)
@receiver(post_delete, sender=Document)
def _document_changed(sender, instance, **kwargs):
    schedule(instance.item_id)


@receiver(post_save, sender=DocumentVersion)
def _version_changed(sender, instance, **kwargs):
    schedule(instance.document.item_id)


def _indexed(instance) -> tuple:
    return tuple(getattr(instance, field) for field in INDEXED[type(instance)])


@receiver(pre_save, sender=Unit)
@receiver(pre_save, sender=PublicBody)
def _remember_indexed(sender, instance, **kwargs):
    if instance._state.adding:
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*INDEXED[sender]).first()
    instance._indexed_before = before


@receiver(post_save, sender=Unit)
@receiver(post_save, sender=PublicBody)
def _holder_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_indexed_before", None)
    if created or before is None or before == _indexed(instance):
        return
    # Queued in the same transaction as the change: the job runs once it commits.
    if sender is Unit:
        refresh_held_by.enqueue(unit_id=instance.pk)
    else:
        refresh_held_by.enqueue(body_id=instance.pk)
