"""What the API reads and writes, as JSON."""

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from lentera.register.constants import Category, Status


class UnitOut(Schema):
    id: int
    slug: str
    name: str
    body: str = Field(..., alias="body.name")


class StepOut(Schema):
    number: int
    activity: str
    performer_label: str
    kind: str


class ItemListOut(Schema):
    """One row of a list: the DIP columns that fit a table, no files, no long text."""

    id: int
    title: str
    summary: str
    holding_unit: UnitOut
    category: Category
    status: Status
    year: int
    published_at: datetime.datetime | None
    updated_at: datetime.datetime


class VersionOut(Schema):
    """One stored file."""

    id: int
    document_id: int
    title: str = Field(..., alias="document.title")
    number: int
    sha256: str
    size: int
    content_type: str
    original_name: str
    uploaded_at: datetime.datetime


class DownloadOut(VersionOut):
    published_at: datetime.datetime | None
    download_url: str


class ItemDetailOut(ItemListOut):
    """Every DIP column of an item, where it stands in its SOP, and its files."""

    responsible_official: str
    made_on: datetime.date | None
    made_place: str
    form_softcopy: bool
    form_hardcopy: bool
    retention_period: str
    legal_basis: str
    current_step: StepOut | None
    lock_version: int
    created_at: datetime.datetime
    documents: list[DownloadOut] = Field(..., alias="downloads")


class ItemIn(Schema):
    """The columns a person fills in; the SOP engine sets the rest."""

    model_config = ConfigDict(extra="forbid")

    title: str
    summary: str
    holding_unit: str = Field(..., description="Slug of the holding unit, as in /dip/<unit>/.")
    responsible_official: str
    made_on: datetime.date | None = None
    made_place: str = ""
    form_softcopy: bool = True
    form_hardcopy: bool = False
    retention_period: str
    category: Category
    legal_basis: str = ""
    year: int


class CompleteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = ""
    lock_version: int | None = Field(
        None, description="The item's lock_version as read; a stale value gets 409."
    )


class ReturnIn(CompleteIn):
    to_step: int = Field(..., description="Number of the earlier step to send the item back to.")
    note: str = Field("", description="What must be corrected; required.")


class ErrorOut(Schema):
    detail: str
    missing: list[str] = []


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]
