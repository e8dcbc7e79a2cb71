"""Stored values as a person reads them: proposed changes and the history timeline."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lentera.documents.models import HardCopy, HardCopyMovement
from lentera.register.constants import EXEMPTION_GROUND, EXEMPTION_STATUTE
from lentera.register.models import ClassificationDecision, InformationItem, field_value
from lentera.register.services import EDITABLE_FIELDS
from lentera.sop.constants import StepKind, Verb

# What the keys of an event's changes mean when they are not a column of its model.
KEY_LABELS = {
    "ticked": gettext_lazy("ticked"),
    "file": gettext_lazy("file"),
    "sha256": "SHA-256",
    "size": gettext_lazy("size"),
    "version": gettext_lazy("version"),
    "decision": gettext_lazy("decision"),
    "hardcopy": gettext_lazy("hard copy"),
    "document": gettext_lazy("document"),
    "fingerprint": gettext_lazy("content with fingerprint"),
    "files": gettext_lazy("files covered"),
    EXEMPTION_GROUND: gettext_lazy("exemption ground (Pasal 17) in the sheet"),
    EXEMPTION_STATUTE: gettext_lazy("as the sheet writes it"),
}
# How the history names the completion of a review or approve step.
CHECK_VERBS = {
    StepKind.APPROVE: gettext_lazy("approved"),
    StepKind.REVIEW: gettext_lazy("reviewed"),
}
# The model whose columns an event's changes name.
VERB_MODELS = {
    Verb.CLASSIFY: ClassificationDecision,
    Verb.HARDCOPY: HardCopy,
    Verb.HARDCOPY_MOVE: HardCopy,
    Verb.HARDCOPY_OUT: HardCopyMovement,
    Verb.HARDCOPY_BACK: HardCopyMovement,
}


@dataclass
class Change:
    label: str
    value: str
    before: str | None = None  # set when the change is a before → after pair

    @property
    def is_pair(self) -> bool:
        return self.before is not None


@dataclass
class ProposedChange:
    label: str
    published: str
    proposed: str


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class Reader:
    """Turns stored values into text, looking up related names in one query per model."""

    def __init__(self):
        self._names: dict[type, dict] = {}

    def preload(self, model, ids) -> None:
        ids = {i for i in ids if isinstance(i, int)} - set(self._names.get(model, {}))
        if ids:
            found = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
            self._names.setdefault(model, {}).update(found)

    def text(self, model, name: str, value) -> str:
        if value in (None, "", []):
            return "—"
        field = _field(model, name)
        if name == "files" and isinstance(value, list):
            return "; ".join(f"{f['name']} (SHA-256 {f['sha256']})" for f in value) or "—"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if field is None and name == "hardcopy":  # a hard copy's id: show its location
            self.preload(HardCopy, [value])
            return self._names.get(HardCopy, {}).get(value, str(value))
        if field is None:
            return filesizeformat(value) if name == "size" else str(value)
        if isinstance(field, models.ForeignKey):
            self.preload(field.related_model, [value])
            return self._names.get(field.related_model, {}).get(value, str(value))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _("yes") if value else _("no")
        if isinstance(field, models.DateTimeField):
            when = datetime.datetime.fromisoformat(value)
            return date_format(timezone.localtime(when), "j F Y H:i")
        if isinstance(field, models.DateField):
            return date_format(datetime.date.fromisoformat(value), "j F Y")
        return str(value)

    def label(self, model, name: str) -> str:
        field = _field(model, name)
        if field is not None:
            return str(field.verbose_name)
        return str(KEY_LABELS.get(name, name))


def _is_pair(model, name, value) -> bool:
    return _field(model, name) is not None and isinstance(value, list) and len(value) == 2


def annotate_changes(events: list) -> list:
    """Give each event `readable_changes`: columns as before → after, other keys as
    key: value."""
    reader = Reader()
    for model, name in (
        (InformationItem._meta.get_field("holding_unit").related_model, "holding_unit"),
        (InformationItem._meta.get_field("sop").related_model, "sop"),
    ):
        ids = []
        for event in events:
            value = (event.changes or {}).get(name)
            ids.extend(value if isinstance(value, list) else [value])
        reader.preload(model, ids)
    for event in events:
        model = VERB_MODELS.get(event.verb, InformationItem)
        event.action = event.verb_label
        if event.verb == Verb.COMPLETE and event.step is not None:
            event.action = CHECK_VERBS.get(event.step.kind, event.action)
        rows = []
        for name, value in (event.changes or {}).items():
            label = reader.label(model, name)
            if _is_pair(model, name, value):
                before, after = (reader.text(model, name, v) for v in value)
                rows.append(Change(label, after, before))
            else:
                rows.append(Change(label, reader.text(model, name, value)))
        event.readable_changes = rows
    return events


def proposed_changes(item: InformationItem) -> list[ProposedChange]:
    """The columns an update would change: published value beside the proposed one."""
    if not (item.in_update and item.pending_changes):
        return []
    proposed = item.working_copy()
    reader = Reader()
    return [
        ProposedChange(
            label=reader.label(InformationItem, name),
            published=reader.text(InformationItem, name, field_value(item, name)),
            proposed=reader.text(InformationItem, name, field_value(proposed, name)),
        )
        for name in EDITABLE_FIELDS
        if name in item.pending_changes
    ]
