from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    """The accounts' entries in the activity log (registered in ready())."""

    LOCKED_OUT = "locked_out", _("was locked out after failed logins")
    UNLOCKED = "unlocked", _("lifted a login lockout")
    PASSWORD_CHANGED = "password_changed", _("changed their password")
    PASSWORD_RESET = "password_reset", _("reset their password by mail")
    PASSWORD_SET = "password_set", _("set another person's password")
    EMAIL_CHANGED = "email_changed", _("changed an account's e-mail address")
    SESSIONS_ENDED = "sessions_ended", _("logged out everywhere")
    TOKEN_ISSUED = "token_issued", _("created an API token")
    TOKEN_REVOKED = "token_revoked", _("revoked an API token")
    TWO_FACTOR_ON = "two_factor_on", _("turned on two-factor login")
    TWO_FACTOR_OFF = "two_factor_off", _("turned off two-factor login")
    RECOVERY_CODES = "recovery_codes", _("made new recovery codes")
    FACE_CHANGED = "face_changed", _("changed the body's public contact details")
    ACCOUNT_CREATED = "account_created", _("created an account")
    MEMBER_ADDED = "member_added", _("gave a role in a unit")
    ROLE_PROPOSED = "role_proposed", _("proposed a role in a unit")
    ROLE_REJECTED = "role_rejected", _("rejected a proposed role")
    ROLE_WITHDRAWN = "role_withdrawn", _("withdrew a proposed role")
    MEMBER_CHANGED = "member_changed", _("changed a member's position")
    MEMBER_REMOVED = "member_removed", _("took a role away")
    UNIT_ADDED = "unit_added", _("added a unit")
    UNIT_CHANGED = "unit_changed", _("changed a unit")


class TokenScope(models.TextChoices):
    READ = "read", _("read only")
    READ_WRITE = "read_write", _("read and write")
