"""Who is calling the API: a bearer token, a signed-in session, or nobody."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from lentera.accounts.constants import TokenScope
from lentera.accounts.models import ApiToken, hash_token
from lentera.accounts.services import client_address, count_hit, hits

# last_used_at is a hint for administrators, not an audit trail: writing it on
# every request would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# Wrong tokens from one address: after this many in the window, that address gets 429
# until the window has passed, whatever token it sends.
FAILED_TOKEN_LIMIT = 20
FAILED_TOKEN_WINDOW = 15 * 60  # seconds
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, from the office (Akun) or `lentera apitoken`."""

    def authenticate(self, request: HttpRequest, token: str):
        address = client_address(request) or "-"
        if hits("api-token-failures", address) >= FAILED_TOKEN_LIMIT:
            raise HttpError(429, _("Too many wrong API tokens from your address; wait a while."))
        token = token.strip()
        now = timezone.now()
        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True, expires_at__gt=now)
            .first()
            if token
            else None
        )
        if record is None:
            count_hit("api-token-failures", address, FAILED_TOKEN_WINDOW)
            return None
        if record.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise HttpError(403, _("This API token may only read."))
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class SessionAuth(NinjaSessionAuth):
    """The office's Django session; unsafe methods must carry the CSRF token."""

    def _get_key(self, request: HttpRequest):
        # Without a signed-in session there is nothing for CSRF to protect, and
        # the caller should hear 401, not a CSRF failure.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


def anonymous(request: HttpRequest):
    """Lets reads through without credentials, but never past a bad token."""
    if "Authorization" in request.headers:
        return None
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()

# Writes: a token or a session. Reads: the same, or nobody (public data only).
AUTHENTICATED = [token_auth, session_auth]
OPTIONAL = [token_auth, session_auth, anonymous]
