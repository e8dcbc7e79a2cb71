"""Finding the item a caller asks for, and what of it they may read."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from lentera.register.models import InformationItem
from lentera.register.selectors import ItemReading, office_items, reading_for, visible_items
from lentera.register.workflow import missing_requirements


def visible_item(request: HttpRequest, item_id: int) -> InformationItem:
    """The item, or 404 for the caller who may not see it: existence never leaks."""
    return get_object_or_404(visible_items(request.auth), pk=item_id)


def office_item(request: HttpRequest, item_id: int) -> InformationItem:
    """The item, or 404 unless the caller sees it in the office (never the public)."""
    return get_object_or_404(office_items(request.auth), pk=item_id)


def detail(request: HttpRequest, item_id: int) -> InformationItem:
    """The item with what the caller may read (register.selectors.ItemReading):
    downloadable files with their URLs and, for members who see the item in the
    office, its SOP position and unpublished state. 404 for anyone else."""
    try:
        reading = reading_for(request.auth, item_id)
    except InformationItem.DoesNotExist:
        raise Http404 from None
    item = reading.item
    for version in reading.files:
        if reading.in_office:  # with the caller's token or session, as any API call
            path = reverse("api:download_file", kwargs={"version_id": version.pk})
        else:
            path = reverse("portal:download", kwargs={"pk": item.pk, "version_id": version.pk})
        version.download_url = request.build_absolute_uri(path)
    item.downloads = reading.files
    item.office_step = _step(item) if reading.in_office else None
    item.office_state = _office_state(reading) if reading.in_office else None
    return item


def _step(item: InformationItem):
    step = item.current_step
    if step is not None:
        step.missing = missing_requirements(item, step)
        step.entered_at, step.due_at = item.step_entered_at, item.step_due_at
    return step


def _office_state(reading: ItemReading) -> dict:
    item = reading.item
    return {
        "in_update": item.in_update,
        "pending_changes": item.pending_changes,
        "hardcopies": reading.hardcopies,
        "content_frozen": reading.frozen,
        "approved_fingerprint": item.approved_fingerprint or None,
    }
