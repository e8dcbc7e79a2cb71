"""Which stored files an officer may download (what the public may download is
register.selectors.public_versions: the register decides what is public)."""

from django.db.models import QuerySet

from lentera.organizations.selectors import office_items_q

from .models import DocumentVersion


def office_versions(user) -> QuerySet[DocumentVersion]:
    """Versions of live documents of the items `user` sees in the office."""
    return (
        DocumentVersion.objects.filter(office_items_q(user, prefix="document__item__"))
        .filter(document__deleted_at__isnull=True)
        .select_related("document__item")
        .defer("text")
    )
