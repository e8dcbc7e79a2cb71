"""Keeps the search index in step with what the public may see.

Publishing, withdrawing, an update passing its SOP, a document deleted or a version's
text extracted all save one of these models; the item's entry is refreshed after
the commit (index.schedule)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lentera.documents.models import Document, DocumentVersion
from lentera.register.models import InformationItem

from .index import schedule


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
