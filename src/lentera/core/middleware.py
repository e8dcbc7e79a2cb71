"""Requests no view should see (text with a NUL character), the headers every answer
carries beyond Django's and django-csp's (Permissions-Policy), the second step of
the login for the office and the admin, and the site's public address in links.

NUL:

PostgreSQL cannot store or compare NUL in text, so such a value would fail deep in a
query (a 500). No honest client sends one: the request is answered 400, in JSON for
the APIs, before any view runs."""

import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from lentera.accounts.services import has_two_factor, two_factor_pending

# JSON writes NUL as \u0000; an even number of backslashes before it escape each
# other, an odd number escape the "\u" itself (the text "\u0000", which is fine).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_TYPES = ("application/x-www-form-urlencoded",)  # and multipart/*


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES or content_type.startswith("multipart/"):
        # Form fields (file contents are not text); the form's own fields refuse NUL
        # too, but the API reads fields without a form.
        return any("\x00" in key or "\x00" in value for key, value in _pairs(request.POST))
    if request.path.startswith("/api/"):
        # The API reads any other body as JSON, whatever its Content-Type says.
        return b"\x00" in request.body or bool(_JSON_NUL.search(request.body))
    return False


def _pairs(query):
    return ((key, value) for key, values in query.lists() for value in values)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("The request contains a NUL character (\\u0000), which no text may hold.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Lentera uses none of these browser features; a page (or anything injected into
# one) may not ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb", "browsing-topics",
    )
)  # fmt: skip


class BaseUrlMiddleware:
    """With LENTERA_BASE_URL, every absolute link a view writes (feed, sitemap, CKAN,
    DCAT, JSON-LD, API download URLs) names the site's public address, whatever
    address the request came by; what the request itself is (HTTPS or not, its host)
    is left as it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LENTERA_BASE_URL:
            # HttpRequest.build_absolute_uri() joins every path to this cached value
            # (a test covers it: core/tests/test_base_url.py).
            request.__dict__["_current_scheme_host"] = settings.LENTERA_BASE_URL
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Pages a person signed in with their password alone still reaches: logging out, the
# second step of the login, setting up two-factor login, and the password reset.
_OPEN_VIEWS = {
    "office:logout",
    "office:two-factor-verify",
    "office:two-factor",
    "office:login",
    "admin:logout",
}


class TwoFactorMiddleware:
    """Someone signed in with a password only, whose second factor is due: the office
    and the admin send them to type the code (they have an app) or to set one up
    (their role requires it); everywhere else they count as anonymous, so no page or
    download trusts a half-finished login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and two_factor_pending(request.user):
            guarded = request.path.startswith(("/kantor/", "/admin/"))
            if guarded and resolve_quietly(request.path_info) in _OPEN_VIEWS:
                return self.get_response(request)
            if guarded:
                target = "office:two-factor-verify"
                if not has_two_factor(request.user):
                    target = "office:two-factor"
                return redirect_to_login(request.get_full_path(), reverse(target))
            request.user = AnonymousUser()
        return self.get_response(request)


def resolve_quietly(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None
