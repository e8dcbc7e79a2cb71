"""Who is calling the API: a bearer token, a signed-in session, or nobody."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from .models import ApiToken, hash_token

# last_used_at is a hint for administrators, not an audit trail: writing it on
# every request would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, issued by `lentera apitoken USER`."""

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        if not token:
            return None
        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if record is None:
            return None
        now = timezone.now()
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
