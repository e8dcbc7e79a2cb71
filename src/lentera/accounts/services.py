"""Accounts: lockouts after failed logins (django-axes), passwords and sessions.

Each of these is an action on an account and enters the activity log, with the
account's user as the actor when they act themselves."""

import datetime
import hashlib

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lentera.audit import services as audit
from lentera.audit.models import ActivityEvent
from lentera.errors import ActionRefused, NotAllowed
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership

from . import notices
from .constants import TokenScope, Verb
from .models import ApiToken


def client_address(request) -> str | None:
    """The visitor's address, for lockouts and throttles. Behind LENTERA_PROXY_COUNT
    proxies each appends the address it received from to X-Forwarded-For, so the
    visitor is that many entries from the right; entries further left are whatever
    the visitor sent and never count. Without proxies the header is ignored."""
    proxies = settings.LENTERA_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """django-axes locked `username` (from `ip_address`) out: the log says so, once
    per lockout (axes announces every attempt refused while it lasts)."""
    note = f"{username or '-'} @ {ip_address or '-'}"
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    with transaction.atomic():
        last = (
            ActivityEvent.objects.filter(verb__in=(Verb.LOCKED_OUT, Verb.UNLOCKED), note=note)
            .order_by("-id")
            .first()
        )
        if last is not None and last.verb == Verb.LOCKED_OUT and last.created_at >= since:
            return  # the same lockout, still in force
        audit.record(Verb.LOCKED_OUT, actor=_user(username or ""), note=note)


def unlock(attempts, by) -> int:
    """Lift the lockouts of these AccessAttempt rows (an administrator, `by`); each
    enters the log. Returns how many were lifted."""
    lifted = 0
    with transaction.atomic():
        for attempt in list(attempts):
            audit.record(
                Verb.UNLOCKED,
                actor=by,
                note=f"{attempt.username or '-'} @ {attempt.ip_address or '-'}",
            )
            attempt.delete()
            lifted += 1
    return lifted


def locked_out(username: str) -> bool:
    """Whether any address is locked out for `username` now (for the admin's list)."""
    return AccessAttempt.objects.filter(username=username).exists()


def password_changed(user, *, by_mail: bool = False, by=None) -> None:
    """Record that `user` has a new password: set by themselves, through a mailed link,
    or by a superuser `by` in the admin."""
    with transaction.atomic():
        if by is not None and by.pk != user.pk:
            audit.record(Verb.PASSWORD_SET, actor=by, note=user.get_username())
            notices.tell_owner(user, "password_by_superuser", by=by)
            return
        audit.record(Verb.PASSWORD_RESET if by_mail else Verb.PASSWORD_CHANGED, actor=user)
        notices.tell_owner(user, "password_by_mail" if by_mail else "password")


def email_changed(user, old: str, *, by) -> None:
    """Record that `by` changed `user`'s e-mail address from `old`; the old address is
    told (the new one would receive the account's reset links from now on)."""
    with transaction.atomic():
        audit.record(
            Verb.EMAIL_CHANGED,
            actor=by,
            note=user.get_username(),
            changes={"email": [old, user.email]},
        )
        notices.tell_owner(user, "email", by=by, to=old)


def end_sessions(user, *, keep: str | None = None) -> int:
    """Log `user` out of every browser but the session `keep`; returns how many ended.

    Sessions are stored signed, not indexed by user: each live one is read once. An
    office has a few hundred at most (`lentera clearsessions` drops expired ones)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.session_key)
    with transaction.atomic():
        Session.objects.filter(session_key__in=ended).delete()
        audit.record(Verb.SESSIONS_ENDED, actor=user, changes={"sessions": len(ended)})
    return len(ended)


# API tokens ---------------------------------------------------------------------------

TOKEN_DAYS = 365  # a token's default lifetime
MAX_TOKEN_DAYS = 3 * 365


def issue_token(
    user, *, name: str = "", days: int = TOKEN_DAYS, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new API token for `user` (who asks for it, or an administrator at the
    command line); the plain token is returned once. Recorded in the log."""
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_("Give the token a name that says what it is for."))
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ActionRefused(_("A token lasts from 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS})
    if not user.is_active:
        raise NotAllowed(_("This account is not active."))
    scope = TokenScope.READ if read_only else TokenScope.READ_WRITE
    with transaction.atomic():
        record, token = ApiToken.objects.issue(
            user,
            name=name[:100],
            expires_at=timezone.now() + datetime.timedelta(days=days),
            scope=scope,
        )
        audit.record(
            Verb.TOKEN_ISSUED,
            actor=user,
            note=f"{record.name} ({record.prefix}…)",
            changes={"scope": scope, "expires_at": record.expires_at.isoformat()},
        )
    return record, token


def revoke_token(actor, token_id: int) -> None:
    """The token's owner (or a superuser, in the admin) revokes it: it stops working
    at once."""
    with transaction.atomic():
        record = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if record is None or not (record.user_id == actor.pk or actor.is_superuser):
            raise NotAllowed(_("No such token of yours."))
        audit.record(
            Verb.TOKEN_REVOKED,
            actor=actor,
            note=f"{record.name} ({record.prefix}…) {record.user.get_username()}",
        )
        record.delete()


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")


# Two-factor login (django-otp: TOTP apps, and one-time recovery codes) ----------------

RECOVERY_CODE_COUNT = 10
# Roles whose holders must use a second factor: they approve what reaches the public,
# or administer the body.
TWO_FACTOR_ROLES = (Role.APPROVER, Role.ADMIN)


def needs_two_factor(user) -> bool:
    """Whether `user` must log in with a second factor (settings.LENTERA_2FA): with
    "roles", superusers, approvers and body administrators; with "all", everyone."""
    mode = settings.LENTERA_2FA
    if not user.is_authenticated or mode == "optional":
        return False
    if mode == "all" or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=TWO_FACTOR_ROLES).exists()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The authenticator app `user` is setting up (made on first call, kept until
    confirmed so that the QR code stays the same while they scan it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def confirm_two_factor(user, code: str) -> list[str]:
    """`user` typed the code their app shows: the app becomes their second factor
    (replacing an earlier one) and fresh recovery codes are returned, once."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token(_digits(code)):
            raise ActionRefused(
                _("That code is not right. Check the time on your phone and type the newest one.")
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit.record(Verb.TWO_FACTOR_ON, actor=user)
        notices.tell_owner(user, "two_factor_on")
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace `user`'s recovery codes (the old ones stop working); returned once."""
    if not has_two_factor(user):
        raise ActionRefused(_("Turn on two-factor login first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(Verb.RECOVERY_CODES, actor=user)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _digits(code: str) -> str:
    return "".join((code or "").split())


def matching_device(user, code: str):
    """The confirmed device that accepts `code`, or None: six digits go to the app, any
    other code to the recovery codes (one is used up). Each device backs off after a
    wrong code (django-otp), so guessing is slow."""
    code = _digits(code).lower()
    if not code:
        return None
    six_digits = code.isdigit() and len(code) == 6
    devices = (TOTPDevice if six_digits else StaticDevice).objects.filter(user=user, confirmed=True)
    return next((device for device in devices if device.verify_token(code)), None)


def turn_off_two_factor(user, *, by) -> None:
    """Remove `user`'s second factor: themselves when it is optional for them, or a
    superuser resetting a lost phone (then `user` sets it up again at the next login)."""
    if by.pk == user.pk and needs_two_factor(user):
        raise NotAllowed(_("Your role requires two-factor login: it cannot be turned off."))
    if by.pk != user.pk and not by.is_superuser:
        raise NotAllowed(_("Only a superuser can reset someone else's two-factor login."))
    with transaction.atomic():
        was_on = has_two_factor(user)  # not just an app being set up
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(
            Verb.TWO_FACTOR_OFF,
            actor=by,
            note="" if by.pk == user.pk else user.get_username(),
        )
        if was_on:
            change = "two_factor_off" if by.pk == user.pk else "two_factor_reset"
            notices.tell_owner(user, change, by=by)


def two_factor_pending(user) -> bool:
    """Signed in with a password only, where a second factor is due: they have one
    (and must type its code) or their role requires one (and they must set it up)."""
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return False
    return has_two_factor(user) or needs_two_factor(user)


RESET_LIMIT = 5  # password-reset mails asked for per address, and per e-mail address,
RESET_WINDOW = 3600  # in this many seconds


def count_hit(kind: str, who: str, window: int) -> int:
    """Count one more `kind` event (a failed token, a build, a reset mail) of `who`
    within a window of `window` seconds that starts with the first; returns the count.
    The one counter behind every throttle (the default cache, per server process)."""
    key = f"lentera:{kind}:" + hashlib.sha256(who.encode()).hexdigest()
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, window)
        return 1


def hits(kind: str, who: str) -> int:
    """How many `kind` events of `who` the current window holds."""
    return cache.get(f"lentera:{kind}:" + hashlib.sha256(who.encode()).hexdigest(), 0)


def may_ask_for_reset(request, email: str) -> bool:
    """Whether another password-reset mail may be sent: the counters keep one address
    from flooding a mailbox or the SMTP server."""
    by_address = count_hit("password-reset", client_address(request) or "-", RESET_WINDOW)
    by_mail = count_hit("password-reset", (email or "").strip().lower(), RESET_WINDOW)
    return by_address <= RESET_LIMIT and by_mail <= RESET_LIMIT
