"""SOP presets: the seed SOPs, kept as TOML data beside this module."""

import tomllib
from pathlib import Path

from django.db import transaction

from lentera.organizations.models import PublicBody

from .models import Sop, SopStep

PRESET_DIR = Path(__file__).parent / "presets"
_HEADER_FIELDS = (
    "number",
    "name",
    "unit_name",
    "made_on",
    "revised_on",
    "effective_on",
    "approved_by",
    "legal_basis",
    "qualifications",
    "related",
    "equipment",
    "warning",
    "records",
)
# Lists in the TOML that the models keep as one entry per line.
_LINE_LISTS = ("performer_columns", "also_marked", "checklist")


def _flatten(data: dict) -> dict:
    return {
        name: "\n".join(value) if name in _LINE_LISTS else value for name, value in data.items()
    }


def preset_files() -> list[Path]:
    return sorted(PRESET_DIR.glob("*.toml"))


@transaction.atomic
def load_preset(path: Path) -> tuple[Sop, bool]:
    """Load one preset; an SOP already loaded (same key and version) is left as it is."""
    data = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    body = PublicBody.objects.filter(name=data.get("body", "")).first()
    existing = Sop.objects.filter(preset_key=data["key"], version=data["version"]).first()
    if existing is not None:
        if existing.body_id is None and body is not None:
            existing.body = body  # the body was created after the preset was loaded
            existing.save(update_fields=["body"])
        return existing, False
    sop = Sop(
        preset_key=data["key"],
        version=data["version"],
        body=body,
        **{name: data.get(name, "") for name in (*_HEADER_FIELDS, "performer_columns")},
    )
    sop.full_clean()
    sop.save()
    for fields in data["steps"]:
        step = SopStep(sop=sop, **_flatten(fields))
        step.full_clean(exclude=["sop"])
        step.save()
    return sop, True


def load_presets() -> list[tuple[Sop, bool]]:
    return [load_preset(path) for path in preset_files()]
