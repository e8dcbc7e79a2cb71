"""What a review or approval covers: the item's content, reduced to one SHA-256.

The content is the item as it will read once its proposed changes apply: every DIP
column, the category, the classification decision in force, the SHA-256 of the
current version of every live document, and the hard-copy records. A publish or
store step puts the item online only while this digest equals the one its last
approval recorded."""

import hashlib
import json

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from lentera.documents.models import Document, DocumentVersion, HardCopy

from .constants import EDITABLE_FIELDS
from .models import ClassificationDecision, field_value

# Every column a person fills in is content the approver sees.
COLUMNS = EDITABLE_FIELDS
_DECISION_FIELDS = ("ground", "statute", "decree_number", "decided_on", "exempt_until")


def current_versions(item) -> list[DocumentVersion]:
    """The current (newest) version of each live document of `item`, by document."""
    return _current_versions(Document.objects.filter(item=item))


def _current_versions(documents) -> list[DocumentVersion]:
    newest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    ids = (
        documents.filter(deleted_at__isnull=True)
        .annotate(current=Subquery(newest.values("pk")[:1]))
        .values_list("current", flat=True)
    )
    return list(
        DocumentVersion.objects.filter(pk__in=[pk for pk in ids if pk is not None])
        .select_related("document")
        .defer("text")
        .order_by("document_id")
    )


def content(item) -> dict:
    """The approvable content of `item`, as plain JSON-ready values."""
    decision = _in_force(item.classifications.all()).first()
    hardcopies = item.hardcopies.values_list("pk", flat=True)
    return _content(item, decision, current_versions(item), hardcopies)


def _in_force(decisions):
    """The classification decisions still in force, the one that counts first."""
    return decisions.filter(exempt_until__gt=timezone.localdate()).order_by("-decided_on", "-id")


def _content(item, decision, versions, hardcopies) -> dict:
    proposed = item.working_copy()
    return {
        "columns": {name: field_value(proposed, name) for name in COLUMNS},
        "classification": (
            {"id": decision.pk} | {name: field_value(decision, name) for name in _DECISION_FIELDS}
            if decision is not None
            else None
        ),
        "files": [
            {
                "document": v.document_id,
                "title": v.document.title,
                "version": v.number,
                "name": v.original_name,
                "sha256": v.sha256,
            }
            for v in versions
        ],
        "hardcopies": sorted(hardcopies),
    }


def of_many(items) -> dict[int, str]:
    """The fingerprint of each of `items`, in four queries for them all: what of() gives
    for each."""
    items = list(items)
    ids = [item.pk for item in items]
    decisions = {}  # item id -> the decision in force, as content() picks it
    for decision in _in_force(ClassificationDecision.objects.filter(item_id__in=ids)):
        decisions.setdefault(decision.item_id, decision)
    versions: dict[int, list] = {}
    for version in _current_versions(Document.objects.filter(item_id__in=ids)):
        versions.setdefault(version.document.item_id, []).append(version)
    hardcopies: dict[int, list] = {}
    for item_id, pk in HardCopy.objects.filter(item_id__in=ids).values_list("item_id", "pk"):
        hardcopies.setdefault(item_id, []).append(pk)
    return {
        item.pk: digest(
            _content(
                item,
                decisions.get(item.pk),
                versions.get(item.pk, []),
                hardcopies.get(item.pk, []),
            )
        )
        for item in items
    }


def digest(values: dict) -> str:
    """SHA-256 of the canonical JSON of `values`."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def of(item) -> str:
    """The fingerprint of `item`'s content as it stands now."""
    return digest(content(item))
