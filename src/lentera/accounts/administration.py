"""A body's administrators keep its people in the office (office.views_admin): who holds
which role and position in which unit, and new accounts (its units: accounts.units).
Every change enters the activity log against the body's PPID Utama.

Two rules hold whoever asks: an administrator never changes their own roles, and a role
that checks or administers (or any role for someone new to the body) waits for a second
person to confirm it, so nobody makes themselves, or an account of theirs, the reviewer
and the approver of an item."""

import datetime
import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.audit.models import ActivityEvent
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership, ProposedRole, PublicBody, Unit
from lentera.organizations.selectors import administered_bodies, head_body_ids

from .constants import Verb


def refuse_unless_admin(actor, body: PublicBody) -> None:
    if body.pk not in administered_bodies(actor):
        raise NotAllowed(_("Only the administrators of %(body)s do this.") % {"body": body})


def _refuse_self(actor, user) -> None:
    if user.pk == actor.pk and not actor.is_superuser:
        raise NotAllowed(_("Another administrator changes your own roles (four eyes)."))


def _who(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


# People ---------------------------------------------------------------------------------


def add_new_member(
    actor, unit: Unit, *, username: str, full_name: str, email: str, role: str, position: str = ""
) -> Membership:
    """A new person's account with a role in `unit`, both or neither. The account has no
    password anyone knows: the person sets one from the mail the office sends them (a
    password-reset link)."""
    with transaction.atomic():
        user = _new_account(actor, unit.body, username=username, full_name=full_name, email=email)
        return add_member(actor, unit, user, role=role, position=position)


# A new username: ASCII letters, digits and . @ + - _ (no look-alike letters).
USERNAME = re.compile(r"[A-Za-z0-9.@+_-]{1,150}")
# New accounts one administrator makes in an hour: each sends a mail.
ACCOUNTS_PER_HOUR = 20


def account_for(body: PublicBody, username: str):
    """The account named `username` that an administrator of `body` may give a role: one
    that already works in the body or in no body at all (never another body's person,
    whose name, logins and tokens would then show here)."""
    users = get_user_model().objects.filter(username=username.strip())
    user = users.first() or (
        get_user_model().objects.filter(username__iexact=username.strip()).order_by("pk").first()
    )
    if user is None or user.is_superuser or not user.is_active:
        return None
    bodies = set(Membership.objects.filter(user=user).values_list("unit__body_id", flat=True))
    return user if not bodies or body.pk in bodies else None


def works_in(user, body: PublicBody) -> bool:
    """`user` holds a role in `body` already (someone vouched for them there)."""
    return Membership.objects.filter(user=user, unit__body=body).exists()


def _new_account(actor, body: PublicBody, *, username: str, full_name: str, email: str):
    refuse_unless_admin(actor, body)
    User = get_user_model()
    username, email, full_name = username.strip(), email.strip(), " ".join(full_name.split())
    if not USERNAME.fullmatch(username):
        raise ActionRefused(
            _("Use the letters a–z, digits and . @ + - _ only, e.g. “budi.santoso”.")
        )
    if not email:
        raise ActionRefused(
            _("Give the person's e-mail address: the link to set a password goes there.")
        )
    if len(full_name) > 150:
        raise ActionRefused(_("The name is at most 150 characters."))
    if not full_name or re.search(r"://|www\.|\.(com|id|net|org|io|xyz)\b", full_name, re.I):
        raise ActionRefused(_("Give the person's name, without addresses."))
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    made = ActivityEvent.objects.filter(
        verb=Verb.ACCOUNT_CREATED, actor=actor, created_at__gte=hour_ago
    ).count()
    if made >= ACCOUNTS_PER_HOUR and not actor.is_superuser:
        raise ActionRefused(
            _("You made %(count)d accounts in the last hour; try again later.") % {"count": made}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused(_("The username %(name)s is taken.") % {"name": username})
    if User.objects.filter(email__iexact=email).exists():
        raise ActionRefused(_("Another account already uses this e-mail address."))
    first, _space, last = full_name.partition(" ")
    user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from exc
    user.set_password(secrets.token_urlsafe(32))  # usable, so the reset mail reaches it
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same username, made meanwhile
        raise ActionRefused(_("The username %(name)s is taken.") % {"name": username}) from exc
    audit.record(
        Verb.ACCOUNT_CREATED, actor=actor, unit=body.main_unit, note=_who(user),
        changes={"email": email},
    )  # fmt: skip
    return user


# Roles that check content or administer the body: one administrator proposes them and
# a second person confirms (a superuser's grant needs no second). Officer roles and
# positions take effect at once: an officer alone puts nothing before the public.
CONFIRMED_ROLES = frozenset({Role.REVIEWER, Role.APPROVER, Role.ADMIN})


def needs_second_person(actor, user, body: PublicBody, role: str) -> bool:
    """Whether a role takes effect only once a second person confirms it: a role that
    checks or administers, and any role for someone who does not work in the body yet
    (a new account could be the administrator's own second identity, who would then
    record what the administrator approves). A superuser's grant needs no second."""
    if actor.is_superuser:
        return False
    return role in CONFIRMED_ROLES or not works_in(user, body)


def add_member(actor, unit: Unit, user, *, role: str, position: str = ""):
    """Give `user` a role (and a position, as the SOP's columns name it) in `unit`: a
    Membership at once, or a ProposedRole that a second person confirms."""
    refuse_unless_admin(actor, unit.body)
    _refuse_self(actor, user)
    if role not in Role.values:
        raise ActionRefused(_("Choose a role."))
    if not user.is_active:
        raise ActionRefused(_("This account is not active."))
    if account_for(unit.body, user.get_username()) != user:
        raise NotAllowed(_("No account of this body has this username; make a new one below."))
    position = _position(position)
    held = ActionRefused(
        _("%(who)s already holds this role in %(unit)s.") % {"who": _who(user), "unit": unit}
    )
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise held
    if needs_second_person(actor, user, unit.body, role):
        return _propose(actor, unit, user, role, position)
    try:
        with transaction.atomic():
            member = Membership.objects.create(user=user, unit=unit, role=role, position=position)
            audit.record(
                Verb.MEMBER_ADDED,
                actor=actor,
                unit=unit,
                note=f"{_who(user)} · {member.get_role_display()}",
                changes={"role": role, "position": position},
            )
            # A superuser's grant settles what was proposed for the same role.
            ProposedRole.objects.filter(user=user, unit=unit, role=role).delete()
    except IntegrityError as exc:  # the same grant, made meanwhile
        raise held from exc
    return member


def _propose(actor, unit, user, role, position) -> ProposedRole:
    waiting = ActionRefused(_("This role is already proposed and waits for confirmation."))
    if ProposedRole.objects.filter(user=user, unit=unit, role=role).exists():
        raise waiting
    try:
        with transaction.atomic():
            proposal = ProposedRole.objects.create(
                user=user, unit=unit, role=role, position=position, proposed_by=actor
            )
            audit.record(
                Verb.ROLE_PROPOSED,
                actor=actor,
                unit=unit,
                note=f"{_who(user)} · {proposal.get_role_display()}",
                changes={"role": role, "position": position},
            )
    except IntegrityError as exc:  # proposed meanwhile
        raise waiting from exc
    return proposal


def may_confirm(actor, body: PublicBody) -> bool:
    """Who may confirm (or reject) a role proposed in `body`: its administrators, the
    head of its PPID Utama and superusers (never for their own proposal or role)."""
    return body.pk in administered_bodies(actor) | head_body_ids(actor)


def proposals_for(actor):
    """The proposed roles `actor` may confirm: in bodies they administer or head, made by
    someone else for someone else."""
    bodies = administered_bodies(actor) | head_body_ids(actor)  # every body: a superuser
    return (
        ProposedRole.objects.filter(unit__body_id__in=bodies)
        .select_related("user", "unit", "proposed_by")
        .exclude(proposed_by=actor)
        .exclude(user=actor)
    )


def proposals_by_body(actor) -> list[dict]:
    """How many proposed roles wait for `actor` to confirm, per body (slug, name, n);
    no query for those who neither administer nor head a body."""
    if not (administered_bodies(actor) or head_body_ids(actor)):
        return []
    return list(
        proposals_for(actor)
        .values("unit__body__slug", "unit__body__name")
        .annotate(n=Count("pk"))
        .order_by("unit__body__name")
    )


def _proposal(pk: int) -> ProposedRole:
    proposal = (
        ProposedRole.objects.select_for_update()
        .select_related("user", "unit__body", "proposed_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise ActionRefused(_("This proposal no longer waits: someone decided it already."))
    return proposal


def confirm_role(actor, proposal_id: int) -> Membership:
    """A second person confirms a proposed role: it takes effect now."""
    with transaction.atomic():
        proposal = _proposal(proposal_id)
        if not may_confirm(actor, proposal.unit.body):
            raise NotAllowed(_("Only the administrators and the head of the PPID confirm roles."))
        if actor.pk in (proposal.proposed_by_id, proposal.user_id):
            raise NotAllowed(
                _("Someone other than its proposer and the person it is for confirms a role "
                  "(four eyes).")
            )  # fmt: skip
        body, proposer = proposal.unit.body, proposal.proposed_by
        if not (
            proposer.is_active
            and (proposer.is_superuser or body.pk in administered_bodies(proposer))
        ):
            raise ActionRefused(
                _("Its proposer no longer administers the body: reject it, or propose it anew.")
            )  # fmt: skip
        if account_for(body, proposal.user.get_username()) != proposal.user:
            raise ActionRefused(
                _("The account is no longer active or now works in another body: reject it.")
            )
        member, created = Membership.objects.get_or_create(
            user=proposal.user, unit=proposal.unit, role=proposal.role,
            defaults={"position": proposal.position},
        )  # fmt: skip
        audit.record(
            Verb.MEMBER_ADDED if created else Verb.ROLE_REJECTED,
            actor=actor,
            unit=proposal.unit,
            note=f"{_who(proposal.user)} · {member.get_role_display()}",
            changes={"role": proposal.role, "position": member.position,
                     "proposed_by": proposer.get_username(), "already_held": not created},
        )  # fmt: skip
        proposal.delete()
    return member


def reject_role(actor, proposal_id: int) -> ProposedRole:
    """Whoever may confirm a proposed role rejects it instead; its proposer withdraws it."""
    with transaction.atomic():
        proposal = _proposal(proposal_id)
        own = proposal.proposed_by_id == actor.pk
        if not own and not may_confirm(actor, proposal.unit.body):
            raise NotAllowed(_("Only the administrators and the head of the PPID confirm roles."))
        if proposal.user_id == actor.pk and not own:
            raise NotAllowed(_("Another administrator changes your own roles (four eyes)."))
        audit.record(
            Verb.ROLE_WITHDRAWN if own else Verb.ROLE_REJECTED,
            actor=actor,
            unit=proposal.unit,
            note=f"{_who(proposal.user)} · {proposal.get_role_display()}",
            changes={"role": proposal.role, "proposed_by": proposal.proposed_by.get_username()},
        )
        proposal.delete()
    return proposal


def _position(text: str) -> str:
    position = " ".join(text.replace("\x00", "").split())
    if len(position) > 120:
        raise ActionRefused(_("The position is at most 120 characters."))
    return position


def change_position(actor, member: Membership, position: str) -> Membership:
    """Change the position (jabatan) a member holds in their unit."""
    refuse_unless_admin(actor, member.unit.body)
    _refuse_self(actor, member.user)
    position = _position(position)
    with transaction.atomic():
        member = _locked(member)
        if member.position == position:
            return member
        before, member.position = member.position, position
        member.save(update_fields=["position"])
        audit.record(
            Verb.MEMBER_CHANGED,
            actor=actor,
            unit=member.unit,
            note=f"{_who(member.user)} · {member.get_role_display()}",
            changes={"position": [before, position]},
        )
    return member


def _locked(member: Membership) -> Membership:
    found = (
        Membership.objects.select_for_update().select_related("user", "unit").filter(pk=member.pk)
    ).first()
    if found is None:
        raise ActionRefused(_("This role was taken away meanwhile."))
    return found


def remove_member(actor, member: Membership) -> None:
    """Take a role away; the account and its past work stay."""
    refuse_unless_admin(actor, member.unit.body)
    _refuse_self(actor, member.user)
    with transaction.atomic():
        member = _locked(member)
        audit.record(
            Verb.MEMBER_REMOVED,
            actor=actor,
            unit=member.unit,
            note=f"{_who(member.user)} · {member.get_role_display()}",
            changes={"role": member.role, "position": member.position},
        )
        Membership.objects.filter(pk=member.pk).delete()
