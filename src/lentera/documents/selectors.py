"""Which stored files a person may download."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lentera.organizations.selectors import office_items_q
from lentera.register.selectors import public_q

from .models import DocumentVersion


def public_versions(item=None) -> QuerySet[DocumentVersion]:
    """Versions the public may download: published and not taken offline, of a listed,
    non-exempt item. A document deleted during an update stays online until the
    update is published (or the item withdrawn)."""
    qs = DocumentVersion.objects.filter(
        published_at__isnull=False, withdrawn_at__isnull=True
    ).filter(document__item__in=_public_item_ids())
    if item is not None:
        qs = qs.filter(document__item=item)
    return qs.select_related("document").defer("text").order_by("document_id", "-number")


def latest_public_versions(item) -> list[DocumentVersion]:
    """The newest published version of each document of `item`."""
    return latest_public_versions_of([item.pk]).get(item.pk, [])


def latest_public_versions_of(item_ids, *, with_text: bool = False) -> dict[int, list]:
    """item id -> the newest published version of each of its documents, in one query."""
    versions = public_versions().filter(document__item_id__in=list(item_ids))
    if with_text:
        versions = versions.defer(None)
    latest: dict[int, list] = {}
    seen: set[int] = set()
    for version in versions:  # newest first per document
        if version.document_id not in seen:
            seen.add(version.document_id)
            latest.setdefault(version.document.item_id, []).append(version)
    return latest


def with_files_online(items: QuerySet) -> QuerySet:
    """Annotate items with `files_online`: how many of their documents have a public version."""
    online = (
        public_versions()
        .filter(document__item=OuterRef("pk"))
        .order_by()
        .values("document__item")
        .annotate(n=Count("document", distinct=True))
        .values("n")
    )
    return items.annotate(files_online=Coalesce(Subquery(online, output_field=IntegerField()), 0))


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
