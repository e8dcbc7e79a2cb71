"""Mail to a person when how they sign in changes: a new password, a new e-mail
address (told at the old one), two-factor login turned on or off. Whoever takes over
an account (a phished password, an authenticator app set up before its owner set up
theirs) is then known to the owner at once."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from lentera import mail

CHANGES = {
    "password": gettext_lazy("The password of your account was changed."),
    "password_by_mail": gettext_lazy(
        "The password of your account was set through a link sent to this address."
    ),
    "password_by_superuser": gettext_lazy("A superuser set a new password for your account."),
    "email": gettext_lazy(
        "The e-mail address of your account was changed: mail about your account, links "
        "to set a new password included, now goes to the new address."
    ),
    "two_factor_on": gettext_lazy(
        "Two-factor login was turned on for your account, with an authenticator app."
    ),
    "two_factor_off": gettext_lazy("Two-factor login was turned off for your account."),
    "two_factor_reset": gettext_lazy(
        "A superuser removed your account's authenticator app: you set up a new one at "
        "your next login."
    ),
}


def tell_owner(user, change: str, by=None, to: str = "") -> None:
    """Mail `user` (at `to`, else their address) that `change` (a key of CHANGES)
    happened to their account, once it is committed: in the language of the page when
    they made it, in the body's language when someone else (`by`) did. A mail that
    cannot be sent is logged; the change stands."""
    if address := to or user.email:
        when = timezone.now()
        ours = by is None or by.pk == user.pk
        language = translation.get_language() if ours else settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: _send(user, CHANGES[change], when, language, address), robust=True
        )


def _send(user, change, when, language: str, address: str) -> None:
    context = {
        "user": user,
        "change": change,
        "when": timezone.localtime(when),
        "site_url": settings.LENTERA_SITE_URL,
    }
    with translation.override(language):
        mail.send("accounts/mail/notice", context, address)
