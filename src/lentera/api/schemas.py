"""What the API reads and writes, as JSON."""

import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from lentera.register.constants import (
    MAX_UPDATE_INTERVAL_MONTHS,
    Category,
    ExemptionGround,
    Status,
)
from lentera.sop.constants import Check, Verb


class UnitOut(Schema):
    id: int
    slug: str
    name: str
    body: str = Field(..., alias="body.name")


class StepOut(Schema):
    """The step an item waits at, with what completing it takes."""

    number: int
    activity: str
    performer_label: str
    intake_position: str = Field(
        ...,
        description="Who submits the item before the performer acts (POST …/submit); empty: none.",
    )
    kind: str
    checks: list[Check] = Field(..., description="Requirements the application checks.")
    checklist: list[str] = Field(
        ...,
        alias="checklist_items",
        description="Items the performer must tick: send them back as `ticked` to complete.",
    )
    missing: list[str] = Field(
        ...,
        description=(
            "What completing the step now would be refused for, without a note or ticks "
            "(checklist items show as `ticked: …`)."
        ),
    )
    time_standard: str = Field(
        ..., description="The SOP's handling-time standard of the step, as the SOP writes it."
    )
    time_amount: int | None = Field(..., description="The standard's amount; null: not stated.")
    time_unit: str = Field(
        ...,
        description="minutes, hours, working_days, weeks, tentative; empty: not stated.",
    )
    entered_at: datetime.datetime | None = Field(
        ..., description="When the item reached this step."
    )
    due_at: datetime.datetime | None = Field(
        ...,
        description=(
            "When the step is due by its time standard, on the body's working calendar "
            "(docs/deadlines.md); null when the standard gives no time."
        ),
    )


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
    text_status: str = Field(
        ..., description="Text extraction: pending, running, done, failed or unsupported."
    )


class DownloadOut(VersionOut):
    published_at: datetime.datetime | None
    download_url: str


class HardCopyOut(Schema):
    """Where a physical copy is kept."""

    id: int
    building: str
    room: str
    cabinet: str
    box: str
    custodian: str
    note: str
    recorded_by: str = Field(..., alias="recorded_by.username")
    recorded_at: datetime.datetime


class OfficeOut(Schema):
    """What only members who see the item in the office read."""

    in_update: bool = Field(..., description="A listed item is going through its SOP again.")
    pending_changes: dict[str, Any] = Field(
        ...,
        description="Columns changed during the update; the public sees them once it is published.",
    )
    hardcopies: list[HardCopyOut]
    content_frozen: bool = Field(
        ...,
        description="An approval of this pass covers the content: it cannot change until the "
        "item is returned for correction to a collect or input step.",
    )
    approved_fingerprint: str | None = Field(
        ...,
        description="SHA-256 fingerprint of the content the last approval of this pass covered.",
    )


class ItemDetailOut(ItemListOut):
    """Every DIP column of an item, where it stands in its SOP, and its files.

    `current_step` and `office` are null for whoever does not see the item in the office."""

    responsible_official: str
    made_on: datetime.date | None
    made_place: str
    form_softcopy: bool
    form_hardcopy: bool
    retention_period: str
    legal_basis: str
    update_interval_months: int
    published_at: datetime.datetime | None
    current_step: StepOut | None = Field(..., alias="office_step")
    lock_version: int
    created_at: datetime.datetime
    documents: list[DownloadOut] = Field(..., alias="downloads")
    office: OfficeOut | None = Field(..., alias="office_state")


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
    update_interval_months: int = Field(
        6,
        ge=0,
        le=MAX_UPDATE_INTERVAL_MONTHS,
        description="Berkala items: months between updates (UU 14/2008 Pasal 9(3): six).",
    )


class ItemPatchIn(Schema):
    """Any of the columns a person fills in; what is not sent stays as it is."""

    model_config = ConfigDict(extra="forbid")

    lock_version: int = Field(..., description="The item's lock_version as read; stale: 409.")
    title: str = None
    summary: str = None
    holding_unit: str = Field(None, description="Slug of another unit of yours, same body.")
    responsible_official: str = None
    made_on: datetime.date | None = None
    made_place: str = None
    form_softcopy: bool = None
    form_hardcopy: bool = None
    retention_period: str = None
    category: Category = None
    legal_basis: str = None
    year: int = None
    update_interval_months: int = Field(None, ge=0, le=MAX_UPDATE_INTERVAL_MONTHS)


class LockedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    lock_version: int | None = Field(
        None, description="The item's lock_version as read; a stale value gets 409."
    )


class CompleteIn(LockedIn):
    note: str = ""
    ticked: list[str] = Field(
        default_factory=list,
        description="The items of the current step's `checklist` the performer has ticked.",
    )


class ReturnIn(LockedIn):
    to_step: int = Field(..., description="Number of the earlier step to send the item back to.")
    note: str = Field("", description="What must be corrected; required.")


class WithdrawIn(LockedIn):
    note: str = Field("", description="Why the item is withdrawn; required.")


class ReasonIn(Schema):
    reason: str = Field("", description="Why; required and kept in the activity log.")


class DocumentOut(Schema):
    """A soft copy's state after it was deleted or disposed of."""

    id: int
    title: str
    deleted_at: datetime.datetime | None
    disposed_at: datetime.datetime | None


class ReopenIn(LockedIn):
    note: str = Field("", description="What the update is for.")


class HardCopyIn(LockedIn):
    building: str
    room: str = ""
    cabinet: str = Field("", description="Cabinet or shelf.")
    box: str = Field("", description="Box or folder.")
    custodian: str
    note: str = ""


class MovementIn(Schema):
    taken_by: str = Field(..., description="Name of the person who takes the hard copy.")
    purpose: str = ""
    due_back_on: datetime.date | None = None
    taken_at: datetime.datetime | None = Field(
        None, description="When it was taken; now if absent."
    )


class MovementReturnIn(Schema):
    returned_at: datetime.datetime | None = Field(
        None, description="When it came back; now if absent."
    )


class MovementOut(Schema):
    """A hard copy taken out of its place, and when it came back (null while out)."""

    id: int
    hardcopy_id: int
    taken_by: str
    purpose: str
    taken_at: datetime.datetime
    due_back_on: datetime.date | None
    returned_at: datetime.datetime | None
    recorded_by: str = Field(..., alias="recorded_by.username")
    return_recorded_by: str | None

    @staticmethod
    def resolve_return_recorded_by(movement) -> str | None:
        return movement.return_recorded_by.username if movement.return_recorded_by_id else None


class ClassificationIn(Schema):
    """A Penetapan Klasifikasi (UU 14/2008 Pasal 17 to 20)."""

    model_config = ConfigDict(extra="forbid")

    ground: ExemptionGround = Field(..., description="Pasal 17 letter, a to j.")
    statute: str
    consequence_test: str
    public_interest_test: str
    participants: str
    decided_by: str
    approved_by: str = Field(..., description="The head of the public body.")
    decree_number: str = ""
    decided_on: datetime.date
    exempt_until: datetime.date


class ClassificationOut(ClassificationIn):
    model_config = ConfigDict(extra="ignore")

    id: int
    ground_label: str = Field(..., alias="get_ground_display")
    recorded_by: str = Field(..., alias="recorded_by.username")
    recorded_at: datetime.datetime


class EventOut(Schema):
    """One entry of the item's activity log."""

    id: int
    time: datetime.datetime = Field(..., alias="created_at")
    actor: str | None = Field(..., description="Username; null for the application itself.")
    unit: UnitOut | None
    verb: Verb
    verb_label: str
    step: int | None = Field(..., description="Number of the step acted on.")
    to_step: int | None = Field(..., description="Number of the step the item moved to.")
    note: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(event) -> str | None:
        return event.actor.username if event.actor_id else None

    @staticmethod
    def resolve_step(event) -> int | None:
        return event.step.number if event.step_id else None

    @staticmethod
    def resolve_to_step(event) -> int | None:
        return event.to_step.number if event.to_step_id else None


class ErrorOut(Schema):
    detail: str
    missing: list[str] = []


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]
