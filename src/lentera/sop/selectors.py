"""Reading SOPs for the public pages: which SOPs are public, their versions, live figures."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody, Unit

from .models import Sop


def in_use_q(body: PublicBody | None = None) -> Q:
    """SOPs that a body or a unit uses or that items follow (within `body`, if given)."""
    bodies = PublicBody.objects.filter(sop=OuterRef("pk"))
    units = Unit.objects.filter(sop=OuterRef("pk"))
    # The items that follow an SOP, through its reverse relation (the register sits above).
    items = Sop.objects.filter(pk=OuterRef("pk"), items__isnull=False)
    if body is not None:
        bodies = bodies.filter(pk=body.pk)
        units = units.filter(body=body)
        items = items.filter(items__holding_unit__body=body)
    return Q(Exists(bodies)) | Q(Exists(units)) | Q(Exists(items))


def listed_sops(body: PublicBody | None = None) -> QuerySet[Sop]:
    """The SOPs the public list shows: in use somewhere; of `body` if given."""
    sops = Sop.objects.filter(in_use_q())
    if body is not None:
        sops = sops.filter(Q(body=body) | in_use_q(body))
    return sops.select_related("body")


def _with_ancestors(sops: Iterable[Sop]) -> dict[int, Sop]:
    """`sops` and every version they were revised from, by id."""
    known = {sop.pk: sop for sop in sops}
    missing = {s.revised_from_id for s in known.values() if s.revised_from_id} - known.keys()
    while missing:
        for sop in Sop.objects.filter(pk__in=missing).select_related("body"):
            known[sop.pk] = sop
        missing = {s.revised_from_id for s in known.values() if s.revised_from_id} - known.keys()
    return known


def _lineage(sop: Sop, known: dict[int, Sop]) -> list[Sop]:
    """`sop` followed by the versions it was revised from, newest first."""
    chain, seen = [sop], {sop.pk}
    while chain[-1].revised_from_id in known and chain[-1].revised_from_id not in seen:
        chain.append(known[chain[-1].revised_from_id])
        seen.add(chain[-1].pk)
    return chain


def _newest(sops: Iterable[Sop]) -> Sop:
    return max(sops, key=lambda s: (s.version, s.created_at, s.pk))


@dataclass
class SopFamily:
    """One SOP as the list shows it: its current version and the older ones."""

    current: Sop
    older: list[Sop] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


def _bodies_using(sop_ids: set[int]) -> dict[int, set[str]]:
    using: dict[int, set[str]] = {}
    pairs = [
        *PublicBody.objects.filter(sop_id__in=sop_ids).values_list("sop_id", "name"),
        *Unit.objects.filter(sop_id__in=sop_ids).values_list("sop_id", "body__name"),
    ]
    for sop_id, name in pairs:
        using.setdefault(sop_id, set()).add(name)
    return using


def sop_listing(body: PublicBody | None = None) -> list[SopFamily]:
    """Listed SOPs grouped by revision family, the newest listed version first in each."""
    listed = list(listed_sops(body))
    known = _with_ancestors(listed)
    groups: dict[int, list[Sop]] = {}
    for sop in listed:
        groups.setdefault(_lineage(sop, known)[-1].pk, []).append(sop)
    using = _bodies_using({s.pk for s in listed if s.body_id is None})
    families = []
    for members in groups.values():
        current = _newest(members)
        older = {v for m in members for v in _lineage(m, known)} - {current}
        family = SopFamily(current, sorted(older, key=lambda s: (-s.version, -s.pk)))
        in_family = [current, *family.older]
        named = {s.body.name for s in in_family if s.body_id}
        family.bodies = sorted(named or {n for s in in_family for n in using.get(s.pk, ())})
        families.append(family)
    return sorted(families, key=lambda f: (f.current.name.casefold(), f.current.pk))


def public_versions(sop: Sop) -> list[Sop]:
    """The versions of `sop` (itself included) the public may read, oldest first:
    those in use and every version they were revised from."""
    family = _with_ancestors([sop])
    frontier = set(family)
    while frontier:
        children = list(Sop.objects.filter(revised_from__in=frontier).exclude(pk__in=family))
        family.update({child.pk: child for child in children})
        frontier = {child.pk for child in children}
    listed = Sop.objects.filter(in_use_q(), pk__in=family).values_list("pk", flat=True)
    public = {v.pk for pk in listed for v in _lineage(family[pk], family)}
    return sorted((family[pk] for pk in public), key=lambda s: (s.version, s.pk))


def sop_to_follow(unit):
    """The SOP version a new pass of `unit`'s item starts on; refused when there is none."""
    sop = unit.sop_in_use()
    if sop is None or sop.first_step() is None:
        raise ActionRefused(
            _("%(body)s has no SOP yet; an administrator must choose one first.")
            % {"body": unit.body}
        )
    return sop
