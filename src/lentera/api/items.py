"""Information items: read the register, record items, attach files, move them through the SOP."""

import ninja
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from lentera.documents.selectors import latest_public_versions, office_versions
from lentera.documents.services import add_document
from lentera.organizations.models import Unit
from lentera.register.constants import Category, Status
from lentera.register.models import InformationItem
from lentera.register.selectors import office_items, visible_items
from lentera.register.services import create_item
from lentera.sop.services import complete_step, return_to_step

from .auth import AUTHENTICATED, OPTIONAL
from .schemas import (
    CompleteIn,
    ErrorOut,
    ItemDetailOut,
    ItemIn,
    ItemListOut,
    ReturnIn,
    ValidationErrorOut,
    VersionOut,
)

router = Router(tags=["items"])

# Every refusal a write can meet; documented once for all write endpoints.
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}
MAX_PAGE = 500
# Appended to the operation's requirements: an empty one marks credentials optional.
OPTIONAL_SECURITY = {"security": [{}]}


@router.get(
    "/items",
    response=list[ItemListOut],
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List information items",
    description=(
        "Without credentials: the public DIP (documented or published, never exempt). "
        "With a token or session: also the items of your units, or of your whole body "
        "for members of its PPID Utama. Filter `unit` takes a unit **slug** (the same "
        "slug as `holding_unit` when creating an item). Newest changes first."
    ),
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_items(
    request: HttpRequest,
    status: Query[Status | None] = None,
    unit: Query[str | None] = None,
    category: Query[Category | None] = None,
):
    items = visible_items(request.auth)
    if status:
        items = items.filter(status=status)
    if unit:
        items = items.filter(holding_unit__slug=unit)
    if category:
        items = items.filter(category=category)
    return items.order_by("-updated_at", "-id")


@router.get(
    "/items/{item_id}",
    response={200: ItemDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One information item with its files",
    description=(
        "Anything you may not see answers 404. The public gets the published version "
        "of each file with its portal download URL; members who see the item in the "
        "office get every version with the office download URL."
    ),
)
def get_item(request: HttpRequest, item_id: int):
    return _detail(request, _visible_item(request, item_id))


@router.post(
    "/items",
    response={201: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Record a new information item",
    description="An officer of the holding unit records an item; it enters its body's SOP.",
)
def create(request: HttpRequest, payload: ItemIn):
    fields = payload.dict()
    fields["holding_unit"] = _unit(fields["holding_unit"])
    item = create_item(request.auth, **fields)
    return ninja.Status(201, _detail(request, _visible_item(request, item.pk)))


@router.post(
    "/items/{item_id}/documents",
    response={201: VersionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Attach a file to an item",
    description="Multipart upload; the type is decided from the content, not the name.",
)
def upload(
    request: HttpRequest,
    item_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
):
    item = _visible_item(request, item_id)
    version = add_document(item, request.auth, file, title=title)
    return ninja.Status(201, version)


@router.post(
    "/items/{item_id}/complete",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Complete the item's current SOP step",
)
def complete(request: HttpRequest, item_id: int, payload: CompleteIn | None = None):
    payload = payload or CompleteIn()
    item = _visible_item(request, item_id)
    complete_step(item, request.auth, expected_version=payload.lock_version, note=payload.note)
    return _detail(request, _visible_item(request, item_id))


@router.post(
    "/items/{item_id}/return",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Return the item to an earlier step, with a note",
)
def return_item(request: HttpRequest, item_id: int, payload: ReturnIn):
    item = _visible_item(request, item_id)
    return_to_step(
        item,
        request.auth,
        payload.to_step,
        payload.note,
        expected_version=payload.lock_version,
    )
    return _detail(request, _visible_item(request, item_id))


def _visible_item(request: HttpRequest, item_id: int) -> InformationItem:
    """The item, or 404 for the caller who may not see it: existence never leaks."""
    return get_object_or_404(visible_items(request.auth), pk=item_id)


def _unit(slug: str) -> Unit:
    unit = Unit.objects.select_related("body__sop").filter(slug=slug).first()
    if unit is None:
        raise ValidationError(
            {"holding_unit": [_("There is no unit with the slug “%(slug)s”.") % {"slug": slug}]}
        )
    return unit


def _detail(request: HttpRequest, item: InformationItem) -> InformationItem:
    """Attach the files the caller may download, each with the URL to fetch it from."""
    user = request.auth
    in_office = office_items(user).filter(pk=item.pk).exists()
    if in_office:
        versions = list(
            office_versions(user)
            .filter(document__item=item)
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
    return item
