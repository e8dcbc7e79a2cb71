"""Reading information items, with who-may-see-what inside the query."""

from django.db.models import Q, QuerySet

from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.selectors import memberships_of, office_items_q
from lentera.sop.constants import PerformerScope

from .constants import LISTED_STATUSES, Category
from .models import InformationItem


def public_q() -> Q:
    """Items whose metadata the public DIP lists: documented or published, never exempt."""
    return Q(status__in=LISTED_STATUSES) & ~Q(category=Category.EXEMPT)


def _with_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("holding_unit__body", "current_step", "sop")


def public_items() -> QuerySet[InformationItem]:
    return _with_relations(InformationItem.objects.filter(public_q())).order_by(
        "holding_unit__body__name", "-year", "title"
    )


def visible_items(user) -> QuerySet[InformationItem]:
    """What `user` may read: the public DIP plus, for members, their office's items."""
    if not getattr(user, "is_authenticated", False):
        return public_items()
    return _with_relations(InformationItem.objects.filter(public_q() | office_items_q(user)))


def office_items(user) -> QuerySet[InformationItem]:
    return _with_relations(InformationItem.objects.filter(office_items_q(user)))


def work_queue(user) -> QuerySet[InformationItem]:
    """Items waiting at a step this user may perform."""
    return _with_relations(
        InformationItem.objects.filter(current_step__isnull=False).filter(performer_units_q(user))
    ).order_by("step_entered_at")


def exempt_items() -> QuerySet[InformationItem]:
    """Items the DIK lists: documented exempt items (metadata only, never content)."""
    return _with_relations(
        InformationItem.objects.filter(status__in=LISTED_STATUSES, category=Category.EXEMPT)
    ).order_by("holding_unit__body__name", "-year", "title")


def filter_register(qs: QuerySet, *, body=None, unit=None, category=None, year=None) -> QuerySet:
    """Narrow a DIP or DIK queryset to a body, a unit, a category and a year."""
    if body is not None:
        qs = qs.filter(holding_unit__body=body)
    if unit is not None:
        qs = qs.filter(holding_unit=unit)
    if category:
        qs = qs.filter(category=category)
    if year:
        qs = qs.filter(year=year)
    return qs


def performer_units_q(user) -> Q:
    """Items whose current step this user may perform, by role and unit."""
    q = Q(pk__in=[])
    for m in memberships_of(user):
        if m.role == Role.ADMIN:
            continue
        if m.role == Role.OFFICER and m.position:
            # Items waiting for this officer to submit them (seed 004's Petugas Layanan).
            waiting_q = Q(current_step__intake_position=m.position, step_submitted_at__isnull=True)
            q |= waiting_q & Q(
                current_step__performer_scope=PerformerScope.ITEM_UNIT, holding_unit_id=m.unit_id
            )
            if m.unit.ppid_role == PpidRole.MAIN:
                q |= waiting_q & Q(
                    current_step__performer_scope=PerformerScope.MAIN_UNIT,
                    holding_unit__body_id=m.unit.body_id,
                )
        role_q = Q(current_step__performer_role=m.role) & (
            Q(current_step__performer_position="") | Q(current_step__performer_position=m.position)
        )
        q |= role_q & Q(
            current_step__performer_scope=PerformerScope.ITEM_UNIT, holding_unit_id=m.unit_id
        )
        if m.unit.ppid_role == PpidRole.MAIN:
            q |= role_q & Q(
                current_step__performer_scope=PerformerScope.MAIN_UNIT,
                holding_unit__body_id=m.unit.body_id,
            )
    return q
