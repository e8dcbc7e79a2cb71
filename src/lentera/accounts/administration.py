"""A body's administrators keep its people and units in the office (office.views_admin):
who holds which role and position in which unit, new accounts, new and renamed units.
Every change enters the activity log against the body's PPID Utama.

Two rules hold whoever asks: an administrator never changes their own roles (someone
else grants them, so nobody makes themselves the reviewer and the approver of an item),
and a unit's name stays unique in its body."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lentera.audit import services as audit
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.organizations.selectors import administered_bodies

from .constants import Verb


def _refuse_unless_admin(actor, body: PublicBody) -> None:
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


def _new_account(actor, body: PublicBody, *, username: str, full_name: str, email: str):
    _refuse_unless_admin(actor, body)
    User = get_user_model()
    username, email = username.strip(), email.strip()
    if not email:
        raise ActionRefused(
            _("Give the person's e-mail address: the link to set a password goes there.")
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused(_("The username %(name)s is taken.") % {"name": username})
    if User.objects.filter(email__iexact=email).exists():
        raise ActionRefused(_("Another account already uses this e-mail address."))
    first, _space, last = full_name.strip().partition(" ")
    user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from exc
    user.set_password(secrets.token_urlsafe(32))  # usable, so the reset mail reaches it
    user.save()
    audit.record(
        Verb.ACCOUNT_CREATED, actor=actor, unit=body.main_unit, note=_who(user),
        changes={"email": email},
    )  # fmt: skip
    return user


def add_member(actor, unit: Unit, user, *, role: str, position: str = "") -> Membership:
    """Give `user` a role (and a position, as the SOP's columns name it) in `unit`."""
    _refuse_unless_admin(actor, unit.body)
    _refuse_self(actor, user)
    if role not in Role.values:
        raise ActionRefused(_("Choose a role."))
    if not user.is_active:
        raise ActionRefused(_("This account is not active."))
    position = " ".join(position.split())[:120]
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
    except IntegrityError as exc:
        raise ActionRefused(
            _("%(who)s already holds this role in %(unit)s.") % {"who": _who(user), "unit": unit}
        ) from exc
    return member


def change_position(actor, member: Membership, position: str) -> Membership:
    """Change the position (jabatan) a member holds in their unit."""
    _refuse_unless_admin(actor, member.unit.body)
    _refuse_self(actor, member.user)
    position = " ".join(position.split())[:120]
    with transaction.atomic():
        member = (
            Membership.objects.select_for_update().select_related("user", "unit").get(pk=member.pk)
        )
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


def remove_member(actor, member: Membership) -> None:
    """Take a role away; the account and its past work stay."""
    _refuse_unless_admin(actor, member.unit.body)
    _refuse_self(actor, member.user)
    with transaction.atomic():
        audit.record(
            Verb.MEMBER_REMOVED,
            actor=actor,
            unit=member.unit,
            note=f"{_who(member.user)} · {member.get_role_display()}",
            changes={"role": member.role, "position": member.position},
        )
        Membership.objects.filter(pk=member.pk).delete()


# Units ----------------------------------------------------------------------------------


def _free_slug(body: PublicBody, name: str) -> str:
    base = slugify(f"{body.slug}-{name}")[:70].strip("-") or body.slug
    slug, number = base, 2
    while Unit.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_unit(unit: Unit) -> None:
    """A unit's name is unique in its body, and its parent is a unit of the same body
    that is not the unit itself or one below it."""
    parent, seen = unit.parent, set()
    while parent is not None:
        if parent.body_id != unit.body_id:
            raise ActionRefused(_("The parent unit must belong to the same body."))
        if parent.pk == unit.pk or parent.pk in seen:
            raise ActionRefused(_("A unit cannot sit below itself."))
        seen.add(parent.pk)
        parent = parent.parent
    try:
        unit.full_clean(exclude=["slug", "sop", "parent"])
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from exc


def _save_unit(unit: Unit) -> None:
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:  # another administrator was quicker with the name
        raise ActionRefused(_("Another unit of this body already has this name.")) from exc


def add_unit(actor, body: PublicBody, *, name: str, short_name: str = "", parent=None) -> Unit:
    """A new PPID Pelaksana unit of `body` (the PPID Utama exists from the start)."""
    _refuse_unless_admin(actor, body)
    name, short_name = " ".join(name.split()), " ".join(short_name.split())
    with transaction.atomic():
        PublicBody.objects.select_for_update().get(pk=body.pk)  # one new slug at a time
        unit = Unit(
            body=body,
            name=name,
            short_name=short_name,
            parent=parent or body.main_unit,
            ppid_role=PpidRole.IMPLEMENTING,
            slug=_free_slug(body, short_name or name),
        )
        _check_unit(unit)
        _save_unit(unit)
        audit.record(
            Verb.UNIT_ADDED,
            actor=actor,
            unit=unit,
            note=unit.name,
            changes={"short_name": short_name, "parent": str(unit.parent or "")},
        )
    return unit


def change_unit(actor, unit: Unit, *, name: str, short_name: str, parent) -> Unit:
    """Rename a unit or move it in the body's tree; its items and people stay."""
    _refuse_unless_admin(actor, unit.body)
    fields = {
        "name": " ".join(name.split()),
        "short_name": " ".join(short_name.split()),
        "parent": parent,
    }
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = {key: getattr(unit, key) for key in fields}
        for key, value in fields.items():
            setattr(unit, key, value)
        if unit.is_main and parent is not None:
            raise ActionRefused(_("The PPID Utama is the top of the body's tree."))
        _check_unit(unit)
        changes = {
            key: [str(before[key] or ""), str(value or "")]
            for key, value in fields.items()
            if before[key] != value
        }
        if not changes:
            return unit
        _save_unit(unit)
        audit.record(Verb.UNIT_CHANGED, actor=actor, unit=unit, note=unit.name, changes=changes)
    return unit
