"""Finding the item a caller asks for, and what of it they may read."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from lentera.documents.selectors import office_versions
from lentera.register.models import InformationItem
from lentera.register.selectors import latest_public_versions, office_items, visible_items
from lentera.register.workflow import missing_requirements
from lentera.sop import policy


def visible_item(request: HttpRequest, item_id: int) -> InformationItem:
    """The item, or 404 for the caller who may not see it: existence never leaks."""
    return get_object_or_404(visible_items(request.auth), pk=item_id)


def office_item(request: HttpRequest, item_id: int) -> InformationItem:
    """The item, or 404 unless the caller sees it in the office (never the public)."""
    return get_object_or_404(office_items(request.auth), pk=item_id)


def detail(request: HttpRequest, item: InformationItem) -> InformationItem:
    """Attach what the caller may read: downloadable files with their URLs and, for
    members who see the item in the office, its SOP position and unpublished state."""
    user = request.auth
    in_office = office_items(user).filter(pk=item.pk).exists()
    if in_office:
        versions = list(
            office_versions(user)
            .filter(document__item=item, document__deleted_at__isnull=True)
            .select_related("document")
            .order_by("document_id", "number")
        )
    else:
        versions = latest_public_versions(item)
    for version in versions:
        if in_office:
            path = reverse("office:download", kwargs={"version_id": version.pk})
        else:
            path = reverse("portal:download", kwargs={"pk": item.pk, "version_id": version.pk})
        version.download_url = request.build_absolute_uri(path)
    item.downloads = versions
    item.office_step = _step(item) if in_office else None
    item.office_state = _office_state(item) if in_office else None
    return item


def _step(item: InformationItem):
    step = item.current_step
    if step is not None:
        step.missing = missing_requirements(item, step)
    return step


def _office_state(item: InformationItem) -> dict:
    return {
        "in_update": item.in_update,
        "pending_changes": item.pending_changes,
        "hardcopies": list(item.hardcopies.select_related("recorded_by")),
        "content_frozen": policy.is_frozen(item),
        "approved_fingerprint": item.approved_fingerprint or None,
    }
