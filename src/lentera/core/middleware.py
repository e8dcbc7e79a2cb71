"""Requests no view should see (text with a NUL character), the headers every answer
carries beyond Django's and django-csp's (Permissions-Policy), and the second step of
the login for the office and the admin.

NUL:

PostgreSQL cannot store or compare NUL in text, so such a value would fail deep in a
query (a 500). No honest client sends one: the request is answered 400, in JSON for
the APIs, before any view runs."""

import re

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from lentera.accounts.services import has_two_factor, two_factor_pending

# JSON writes NUL as \u0000; an even number of backslashes before it escape each
# other, an odd number escape the "\u" itself (the text "\u0000", which is fine).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_TYPES = ("application/x-www-form-urlencoded",)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        return b"\x00" in request.body or bool(_JSON_NUL.search(request.body))
    if content_type in _FORM_TYPES:
        return any("\x00" in key or "\x00" in value for key, value in _pairs(request.POST))
    return False  # multipart forms: Django's form fields refuse NUL themselves


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
    """The office and the admin for someone whose second factor is due: the code
    first (they have an app), or setting one up (their role requires it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(("/kantor/", "/admin/")) and request.user.is_authenticated:
            match = resolve_quietly(request.path_info)
            if match not in _OPEN_VIEWS and two_factor_pending(request.user):
                target = "office:two-factor-verify"
                if not has_two_factor(request.user):
                    target = "office:two-factor"
                return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)


def resolve_quietly(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None
