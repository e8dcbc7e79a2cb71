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


def preset_files() -> list[Path]:
    return sorted(PRESET_DIR.glob("*.toml"))


@transaction.atomic
def load_preset(path: Path) -> tuple[Sop, bool]:
    """Load one preset; an SOP already loaded (same key and version) is left as it is."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    existing = Sop.objects.filter(preset_key=data["key"], version=data["version"]).first()
    if existing is not None:
        return existing, False
    sop = Sop.objects.create(
        preset_key=data["key"],
        version=data["version"],
        body=PublicBody.objects.filter(name=data.get("body", "")).first(),
        **{name: data.get(name, "") for name in _HEADER_FIELDS},
    )
    for step in data["steps"]:
        SopStep.objects.create(sop=sop, **step)
    return sop, True


def load_presets() -> list[tuple[Sop, bool]]:
    return [load_preset(path) for path in preset_files()]
