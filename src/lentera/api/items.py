"""Information items: read the register, record items, attach files, move them through the SOP."""

import ninja
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, UploadedFile
from ninja.decorators import decorate_view
from ninja.pagination import LimitOffsetPagination, paginate

from lentera.documents import hardcopies
from lentera.documents.models import Document, HardCopy
from lentera.documents.selectors import office_versions
from lentera.documents.services import (
    add_document,
    delete_document,
    dispose_document,
    record_hardcopy,
)
from lentera.documents.serving import counts_as_download, serve_version
from lentera.organizations.models import Unit
from lentera.register.constants import Category, Status
from lentera.register.page_cache import public_page
from lentera.register.selectors import visible_items
from lentera.register.services import create_item, record_download, update_item
from lentera.register.workflow import complete_step, reopen, return_to_step, submit, withdraw

from .access import detail, office_item, visible_item
from .auth import AUTHENTICATED, OPTIONAL
from .schemas import (
    CompleteIn,
    DocumentOut,
    ErrorOut,
    HardCopyIn,
    HardCopyOut,
    ItemDetailOut,
    ItemIn,
    ItemListOut,
    ItemPatchIn,
    MovementIn,
    MovementOut,
    MovementReturnIn,
    ReasonIn,
    ReopenIn,
    ReturnIn,
    ValidationErrorOut,
    VersionOut,
    WithdrawIn,
)

router = Router(tags=["items"])

# Every error a read can meet: a malformed request (400), a wrong token (401; 429
# after many from one address), what the caller may not see (404), invalid
# parameters (422). Documented once for all read endpoints.
READ_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}
# And every refusal a write can meet besides: not allowed (403), stale or frozen
# (409), storage that cannot take a file (503).
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut, 503: ErrorOut}
MAX_PAGE = 500
# The deepest offset a list accepts: far beyond any register, and within the range
# every database can take (a larger one answers 422 instead of failing the query).
MAX_OFFSET = 1_000_000_000


class Pages(LimitOffsetPagination):
    """limit and offset, both bounded."""

    class Input(ninja.Schema):
        limit: int = Field(100, ge=1)  # more than MAX_PAGE gives MAX_PAGE
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


# Appended to the operation's requirements: an empty one marks credentials optional.
OPTIONAL_SECURITY = {"security": [{}]}


@decorate_view(public_page)  # anonymous reads are kept per register state
@router.get(
    "/items",
    response={200: list[ItemListOut], **READ_ERRORS},
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
@paginate(Pages, max_limit=MAX_PAGE)
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
    response={200: ItemDetailOut, **READ_ERRORS},
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One information item with its files",
    description=(
        "Anything you may not see answers 404. The public gets the published version "
        "of each file with its portal download URL; members who see the item in the "
        "office get every version with the office download URL, the current step with "
        "its checks, checklist and what is still missing, and the `office` block "
        "(update in progress, proposed changes, hard copy locations). For anyone else "
        "`current_step` and `office` are null: the public reads the published version."
    ),
)
def get_item(request: HttpRequest, item_id: int):
    return detail(request, item_id)


@router.get(
    "/files/{version_id}",
    response={200: None, **READ_ERRORS},
    auth=AUTHENTICATED,
    summary="Download a file version seen in the office",
    description=(
        "The bytes of a file version of an item the caller sees in the office, as the "
        "`download_url` of `GET /items/{item_id}` gives it to members (published "
        "files also download from the portal without credentials). Ranges and "
        "conditional requests work; each download is recorded in the item's activity "
        "log. Anyone else gets 404."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its media type and SHA-256 as ETag",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_file(request: HttpRequest, version_id: int):
    version = get_object_or_404(office_versions(request.auth), pk=version_id)
    response = serve_version(request, version, private=True)
    if counts_as_download(request, response):
        record_download(version, request.auth)
    return response


@router.api_operation(
    ["HEAD"],
    "/files/{version_id}",
    response={200: None, **READ_ERRORS},
    auth=AUTHENTICATED,
    summary="The headers of a file version seen in the office",
    description="As `GET /files/{version_id}`, without the bytes; not logged as a download.",
)
def file_headers(request: HttpRequest, version_id: int):
    return download_file(request, version_id)


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
    return ninja.Status(201, detail(request, item.pk))


@router.patch(
    "/items/{item_id}",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Change an item's DIP columns",
    description=(
        "While the item is in its SOP, by its unit's officers and the current step's "
        "performer; send only the columns to change, with the `lock_version` you read. "
        "For a listed item being updated the change is proposed: the public keeps the "
        "published columns until the update is approved and published. Once a review or "
        "approval of the current pass has covered the content it is frozen: the answer is "
        "409 until the item is returned for correction to an earlier step. A stale "
        "`lock_version` is 409 too. The answer is the item as `GET` shows it."
    ),
)
def patch(request: HttpRequest, item_id: int, payload: ItemPatchIn):
    item = visible_item(request, item_id)
    fields = payload.dict(exclude_unset=True, exclude={"lock_version"})
    if "holding_unit" in fields:
        fields["holding_unit"] = _unit(fields["holding_unit"])
    update_item(item, request.auth, expected_version=payload.lock_version, **fields)
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/documents",
    response={201: VersionOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Attach a file to an item",
    description=(
        "Multipart upload; the type is decided from the content and must agree with the "
        "name's extension. With `document_id`, the file becomes a new version of that "
        "document; earlier versions are kept."
    ),
)
def upload(
    request: HttpRequest,
    item_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
    document_id: Form[int | None] = None,
):
    item = visible_item(request, item_id)
    document = _document(request, item_id, document_id) if document_id else None
    version = add_document(item, request.auth, file, title=title, document=document)
    return ninja.Status(201, version)


@router.post(
    "/items/{item_id}/documents/{document_id}/delete",
    response={200: DocumentOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Delete a soft copy (softly)",
    description=(
        "While the item is in its SOP, whoever may edit it hides a document and all its "
        "versions from everyone. The bytes stay until an approver disposes of them."
    ),
)
def delete(request: HttpRequest, item_id: int, document_id: int, payload: ReasonIn):
    document = _document(request, item_id, document_id)
    return delete_document(document, request.auth, reason=payload.reason)


@router.post(
    "/items/{item_id}/documents/{document_id}/dispose",
    response={200: DocumentOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Dispose of a deleted soft copy's bytes",
    description=(
        "An approver of the holding unit or of the PPID Utama removes the stored bytes of a "
        "deleted document for good. The records and their SHA-256 stay, marked disposed."
    ),
)
def dispose(request: HttpRequest, item_id: int, document_id: int, payload: ReasonIn):
    document = _document(request, item_id, document_id)
    return dispose_document(document, request.auth, reason=payload.reason)


def _document(request: HttpRequest, item_id: int, document_id: int) -> Document:
    """A live or deleted document, found only for those who see its item in the office."""
    return get_object_or_404(Document, pk=document_id, item=office_item(request, item_id))


@router.post(
    "/items/{item_id}/hardcopies",
    response={201: HardCopyOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Record where a hard copy of the item is kept",
    description="While the item is in its SOP, by whoever may edit it.",
)
def add_hardcopy(request: HttpRequest, item_id: int, payload: HardCopyIn):
    item = visible_item(request, item_id)
    fields = payload.dict(exclude={"lock_version"})
    hardcopy = record_hardcopy(item, request.auth, expected_version=payload.lock_version, **fields)
    return ninja.Status(201, hardcopy)


@router.post(
    "/items/{item_id}/hardcopies/{hardcopy_id}/movements",
    response={201: MovementOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Record that a hard copy was taken out of its place",
    description=(
        "By a member of the holding unit or of the PPID Utama, at any status of the item. "
        "Refused while the copy is out, and for times in the future."
    ),
)
def take_out_hardcopy(request: HttpRequest, item_id: int, hardcopy_id: int, payload: MovementIn):
    hardcopy = _hardcopy(request, item_id, hardcopy_id)
    movement = hardcopies.take_out(hardcopy, request.auth, **payload.dict())
    return ninja.Status(201, movement)


@router.post(
    "/items/{item_id}/hardcopies/{hardcopy_id}/return",
    response={200: MovementOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Record that a hard copy that was out is back in its place",
)
def bring_back_hardcopy(
    request: HttpRequest,
    item_id: int,
    hardcopy_id: int,
    payload: MovementReturnIn | None = None,
):
    hardcopy = _hardcopy(request, item_id, hardcopy_id)
    returned_at = payload.returned_at if payload else None
    return hardcopies.bring_back(hardcopy, request.auth, returned_at=returned_at)


def _hardcopy(request: HttpRequest, item_id: int, hardcopy_id: int) -> HardCopy:
    """A hard copy of an item the caller sees in the office; 404 for anyone else."""
    return get_object_or_404(HardCopy, pk=hardcopy_id, item=office_item(request, item_id))


@router.post(
    "/items/{item_id}/complete",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Complete the item's current SOP step",
    description=(
        "`ticked` lists the items of the step's `checklist` the performer has ticked; "
        "a refusal lists in `missing` what the step still needs."
    ),
)
def complete(request: HttpRequest, item_id: int, payload: CompleteIn | None = None):
    payload = payload or CompleteIn()
    item = visible_item(request, item_id)
    complete_step(
        item,
        request.auth,
        expected_version=payload.lock_version,
        note=payload.note,
        ticked=payload.ticked,
    )
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/return",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Return the item to an earlier step, with a note",
)
def return_item(request: HttpRequest, item_id: int, payload: ReturnIn):
    item = visible_item(request, item_id)
    return_to_step(
        item,
        request.auth,
        payload.to_step,
        payload.note,
        expected_version=payload.lock_version,
    )
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/submit",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Submit the item to the performer of its step (the step's intake)",
    description=(
        "For a step with an intake (`intake_position`; seed 004's step 4: the Petugas "
        "Layanan of the PPID Utama receives, recaps and submits to the PPID): the officer "
        "holding that position submits the item; until then the step cannot be completed. "
        "A return to that step goes back to them."
    ),
)
def submit_item(request: HttpRequest, item_id: int, payload: ReopenIn | None = None):
    payload = payload or ReopenIn()
    item = visible_item(request, item_id)
    submit(item, request.auth, payload.note, expected_version=payload.lock_version)
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/withdraw",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Withdraw the item from the DIP or from its SOP, with a note",
    description=(
        "Approvers of the holding unit and reviewers or approvers of the PPID Utama "
        "withdraw any item; officers of the holding unit only one never listed."
    ),
)
def withdraw_item(request: HttpRequest, item_id: int, payload: WithdrawIn | None = None):
    payload = payload or WithdrawIn()
    item = visible_item(request, item_id)
    withdraw(item, request.auth, payload.note, expected_version=payload.lock_version)
    return detail(request, item_id)


@router.post(
    "/items/{item_id}/reopen",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Send a documented, published or withdrawn item through its SOP again",
    description=(
        "A listed item stays as the public sees it: edits wait in `office.pending_changes` "
        "until the update passes the publish step (or the last step)."
    ),
)
def reopen_item(request: HttpRequest, item_id: int, payload: ReopenIn | None = None):
    payload = payload or ReopenIn()
    item = visible_item(request, item_id)
    reopen(item, request.auth, payload.note, expected_version=payload.lock_version)
    return detail(request, item_id)


def _unit(slug: str) -> Unit:
    unit = Unit.objects.select_related("body__sop").filter(slug=slug).first()
    if unit is None:
        raise ValidationError(
            {"holding_unit": [_("There is no unit with the slug “%(slug)s”.") % {"slug": slug}]}
        )
    return unit
