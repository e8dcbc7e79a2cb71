from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    COLLECT = "collect", _("Collect")
    INPUT = "input", _("Input")
    REVIEW = "review", _("Review")
    APPROVE = "approve", _("Approve")
    STORE = "store", _("Store")
    PUBLISH = "publish", _("Publish")


# Steps whose performer may not be the person who submitted the item.
CHECKING_KINDS = frozenset({StepKind.REVIEW, StepKind.APPROVE})
# Steps whose completion makes the performer the item's submitter.
SUBMITTING_KINDS = frozenset({StepKind.COLLECT, StepKind.INPUT})


class PerformerRole(models.TextChoices):
    OFFICER = "officer", _("Officer")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    SYSTEM = "system", _("The application itself")


class PerformerScope(models.TextChoices):
    ITEM_UNIT = "item_unit", _("the unit holding the item")
    MAIN_UNIT = "main_unit", _("the PPID Utama of the body")


class TimeUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    WEEKS = "weeks", _("weeks")
    TENTATIVE = "tentative", _("tentative")
    NOT_STATED = "", _("not stated")


class Verb(models.TextChoices):
    CREATE = "create", _("created")
    EDIT = "edit", _("edited")
    UPLOAD = "upload", _("uploaded a file")
    COMPLETE = "complete", _("completed a step")
    RETURN = "return", _("returned to an earlier step")
    DOCUMENT = "document", _("documented")
    PUBLISH = "publish", _("published")
    DOWNLOAD = "download", _("downloaded a non-public file")
    WITHDRAW = "withdraw", _("withdrew")
    REOPEN = "reopen", _("reopened for an update")
    CLASSIFY = "classify", _("recorded a classification decision")
    HARDCOPY = "hardcopy", _("recorded a hard copy location")
    REVISE_SOP = "revise_sop", _("made a new version of an SOP")
    ADOPT_SOP = "adopt_sop", _("put an SOP version into use")
    DELETE_FILE = "delete_file", _("deleted a file")
    DISPOSE_FILE = "dispose_file", _("disposed of a deleted file's bytes")
    HARDCOPY_OUT = "hardcopy_out", _("took out a hard copy")
    HARDCOPY_BACK = "hardcopy_back", _("returned a hard copy")
    RETENTION = "retention", _("set the retention schedule code")
    PROPOSE_DISPOSAL = "propose_disposal", _("proposed a disposal decision")
    DECIDE_DISPOSAL = "decide_disposal", _("approved or rejected a disposal decision")
    EXEMPTION_ENDED = "exemption_ended", _("exemption period ended; back to review")
    ISSUE_DIP = "issue_dip", _("issued a DIP edition (Penetapan DIP)")
    HARDCOPY_MOVE = "hardcopy_move", _("moved a hard copy to another place")
    RETENTION_CHANGED = "retention_changed", _("retention schedule changed; back through the SOP")
    SUBMIT = "submit", _("received and submitted for the step")
    CONFIRM_IMPORT = "confirm_import", _("confirmed an imported entry")


class Check(models.TextChoices):
    """Requirements (kelengkapan) the engine checks before a step can be completed."""

    SOFTCOPY = "softcopy", _("a soft copy is attached")
    HARDCOPY_LOCATION = "hardcopy_location", _("the hard copy's location is recorded")
    DIP_COMPLETE = "dip_complete", _("every DIP column is filled in")
    CLASSIFICATION = "classification", _("an exempt item has a classification decision")
    REVIEW_NOTE = "review_note", _("the performer writes a note")
