"""Which stored files a person may download."""

from django.db.models import QuerySet

from lentera.organizations.selectors import office_items_q
from lentera.register.selectors import public_q

from .models import DocumentVersion


def public_versions(item=None) -> QuerySet[DocumentVersion]:
    """Versions the public may download: published, of a listed, non-exempt item."""
    qs = DocumentVersion.objects.filter(
        published_at__isnull=False, document__deleted_at__isnull=True
    ).filter(document__item__in=_public_item_ids())
    if item is not None:
        qs = qs.filter(document__item=item)
    return qs.select_related("document").defer("text").order_by("document_id", "-number")


def latest_public_versions(item) -> list[DocumentVersion]:
    """The newest published version of each document of `item`."""
    seen, latest = set(), []
    for version in public_versions(item):
        if version.document_id not in seen:
            seen.add(version.document_id)
            latest.append(version)
    return latest


def office_versions(user) -> QuerySet[DocumentVersion]:
    """Versions of live documents of the items `user` sees in the office."""
    return (
        DocumentVersion.objects.filter(office_items_q(user, prefix="document__item__"))
        .filter(document__deleted_at__isnull=True)
        .select_related("document__item")
        .defer("text")
    )


def _public_item_ids():
    from lentera.register.models import InformationItem

    return InformationItem.objects.filter(public_q()).values("pk")
