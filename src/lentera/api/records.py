"""The office's records of an item: classification decisions and the activity log."""

import ninja
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from lentera.register.services import record_classification

from .access import office_item
from .auth import AUTHENTICATED, OPTIONAL
from .items import MAX_PAGE, OPTIONAL_SECURITY, READ_ERRORS, WRITE_ERRORS, Pages
from .schemas import ClassificationIn, ClassificationOut, EventOut

router = Router(tags=["office records"])

OFFICE_ONLY = (
    "Only for members who see the item in the office; anyone else, the public included, gets 404."
)


@router.get(
    "/items/{item_id}/classifications",
    response={200: list[ClassificationOut], **READ_ERRORS},
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="The item's classification decisions (Penetapan Klasifikasi)",
    description=f"Newest decision first. {OFFICE_ONLY}",
)
def list_classifications(request: HttpRequest, item_id: int):
    item = office_item(request, item_id)
    return item.classifications.select_related("recorded_by")


@router.post(
    "/items/{item_id}/classifications",
    response={201: ClassificationOut, **WRITE_ERRORS},
    auth=AUTHENTICATED,
    summary="Record a classification decision for the item",
    description=(
        "By a reviewer or approver of the holding unit or of the PPID Utama; "
        f"the decision enters the activity log. {OFFICE_ONLY}"
    ),
)
def add_classification(request: HttpRequest, item_id: int, payload: ClassificationIn):
    item = office_item(request, item_id)
    decision = record_classification(item, request.auth, **payload.dict())
    return ninja.Status(201, decision)


@router.get(
    "/items/{item_id}/history",
    response={200: list[EventOut], **READ_ERRORS},
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="The item's activity log, oldest first",
    description=f"Every recorded action with its actor, unit, note and changes. {OFFICE_ONLY}",
)
@paginate(Pages, max_limit=MAX_PAGE)
def history(request: HttpRequest, item_id: int):
    item = office_item(request, item_id)
    return item.events.select_related("actor", "unit__body", "step", "to_step").order_by("id")
