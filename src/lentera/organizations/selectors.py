"""Who may do what: resolved from memberships as sets, in queries."""

from django.db.models import Q, QuerySet

from .constants import PpidRole, Role
from .models import Membership, Unit


def memberships_of(user) -> list[Membership]:
    """The user's memberships, fetched once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_lentera_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._lentera_memberships = cached
    return cached


def has_role(user, unit: Unit, role: str) -> bool:
    return any(m.unit_id == unit.pk and m.role == role for m in memberships_of(user))


def member_bodies(user) -> QuerySet:
    """The bodies `user` works in: a unit of theirs belongs to it (every body for a
    superuser). Their calendar and dashboard are theirs to read."""
    from .models import PublicBody

    if not getattr(user, "is_authenticated", False):
        return PublicBody.objects.none()
    if user.is_superuser:
        return PublicBody.objects.all()
    return PublicBody.objects.filter(pk__in={m.unit.body_id for m in memberships_of(user)})


def office_items_q(user, prefix: str = "") -> Q:
    """Items a member may see in the office: their units' items, or the whole body
    for members of its PPID Utama."""
    if getattr(user, "is_superuser", False):
        return Q()
    unit_ids = {m.unit_id for m in memberships_of(user)}
    body_ids = {m.unit.body_id for m in memberships_of(user) if m.unit.ppid_role == PpidRole.MAIN}
    if not unit_ids:
        return Q(pk__in=[])
    return Q(**{f"{prefix}holding_unit_id__in": unit_ids}) | Q(
        **{f"{prefix}holding_unit__body_id__in": body_ids}
    )


def administered_bodies(user) -> set[int]:
    """The bodies `user` administers (an administrator of one of its units); every body
    for a superuser."""
    from .models import PublicBody

    if getattr(user, "is_superuser", False):
        return set(PublicBody.objects.values_list("pk", flat=True))
    return {m.unit.body_id for m in memberships_of(user) if m.role == Role.ADMIN}


def head_body_ids(user) -> set[int]:
    """The bodies whose DIP `user` decides: an approver (Kepala PPID) of a body's PPID
    Utama, and nobody else."""
    return {
        m.unit.body_id
        for m in memberships_of(user)
        if m.role == Role.APPROVER and m.unit.ppid_role == PpidRole.MAIN
    }
