import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import TokenScope


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenManager(models.Manager):
    def issue(
        self, user, *, name: str = "", expires_at, scope: str = TokenScope.READ_WRITE
    ) -> tuple["ApiToken", str]:
        """Create a token for `user`; the plain token is returned once and never stored.
        accounts.services.issue_token is the way in: it checks and records."""
        token = "lnt_" + secrets.token_urlsafe(32)
        record = self.create(
            user=user,
            name=name,
            prefix=token[:12],
            key_hash=hash_token(token),
            expires_at=expires_at,
            scope=scope,
        )
        return record, token


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ_WRITE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
