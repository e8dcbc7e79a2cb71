"""SOP versions: a version that items follow is frozen; a revision is a new version.

Items in flight finish under the version they started with (InformationItem.sop);
new items, and items reopened for an update, take the version their unit uses now."""

import uuid

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from lentera.audit import services as audit
from lentera.organizations.models import PublicBody, Unit

from .constants import Verb
from .models import Sop, SopStep

_COPIED_STEP_FIELDS = [f.name for f in SopStep._meta.concrete_fields if f.name not in {"id", "sop"}]
_COPIED_SOP_FIELDS = [
    f.name
    for f in Sop._meta.concrete_fields
    if f.name not in {"id", "version", "revised_from", "created_at"}
]


def ensure_key(sop: Sop) -> None:
    """Give an SOP entered by hand a key, so that its versions belong together."""
    if not sop.preset_key:
        base = slugify(sop.name)[:60] or "sop"
        sop.preset_key = f"{base}-{uuid.uuid4().hex[:8]}"


@transaction.atomic
def revise(sop: Sop, actor=None) -> Sop:
    """A new version of `sop`, with the same header and steps, ready to be edited."""
    if not sop.preset_key:
        ensure_key(sop)
        sop.save(update_fields=["preset_key"])
    latest = Sop.objects.filter(preset_key=sop.preset_key).aggregate(n=Max("version"))["n"]
    new = Sop(
        **{name: getattr(sop, name) for name in _COPIED_SOP_FIELDS},
        version=(latest or 0) + 1,
        revised_from=sop,
    )
    new.save()
    SopStep.objects.bulk_create(
        SopStep(sop=new, **{name: getattr(step, name) for name in _COPIED_STEP_FIELDS})
        for step in sop.steps.order_by("number")
    )
    audit.record(
        Verb.REVISE_SOP,
        actor=actor,
        changes={"sop": [sop.pk, new.pk], "key": new.preset_key, "version": new.version},
    )
    return new


@transaction.atomic
def put_in_use(sop: Sop, actor=None) -> int:
    """Bodies and units that use another version of `sop` switch to it; returns how many."""
    others = Sop.objects.filter(preset_key=sop.preset_key).exclude(pk=sop.pk)
    if not sop.preset_key or not others.exists():
        return 0
    bodies = list(PublicBody.objects.filter(sop__in=others).values_list("pk", flat=True))
    units = list(Unit.objects.filter(sop__in=others).values_list("pk", flat=True))
    PublicBody.objects.filter(pk__in=bodies).update(sop=sop)
    Unit.objects.filter(pk__in=units).update(sop=sop)
    if bodies or units:
        audit.record(
            Verb.ADOPT_SOP,
            actor=actor,
            changes={"sop": sop.pk, "version": sop.version, "bodies": bodies, "units": units},
        )
    return len(bodies) + len(units)
