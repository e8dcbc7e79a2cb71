"""Errors as JSON: one shape for refusals, one for invalid input, messages translated."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lentera.errors import ActionRefused

# Where the request carried the value; the rest of `loc` names the field.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def install(api: NinjaAPI) -> None:
    """Register Lentera's error handlers on `api`."""

    def refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        body = {"detail": exc.message, "missing": exc.missing}
        return api.create_response(request, body, status=exc.status_code)

    def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = exc.message_dict
        else:
            errors = {"__all__": exc.messages}
        return _invalid_response(api, request, errors)

    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error), []).append(_message(error))
        return _invalid_response(api, request, errors)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = {"detail": _("Send a valid API token (Authorization: Bearer …) or sign in.")}
        response = api.create_response(request, body, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="lentera"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = _ninja_message(str(exc))
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    api.add_exception_handler(ActionRefused, refused)
    api.add_exception_handler(DjangoValidationError, invalid)
    api.add_exception_handler(NinjaValidationError, invalid_request)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)


def _ninja_message(message: str) -> str:
    """django-ninja's own messages, in the caller's language."""
    if message.startswith("Cannot parse request body"):
        return _("The request body is not valid JSON.")
    if message.startswith("CSRF check"):
        return _("The CSRF token is missing or wrong; reload the page and try again.")
    return message


def _invalid_response(api: NinjaAPI, request: HttpRequest, errors: dict) -> HttpResponse:
    body = {"detail": _("Some of the data sent is not valid."), "errors": errors}
    return api.create_response(request, body, status=422)


def _field_name(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in _SOURCES:
        # ("body", "payload", "title"): the payload's name is ours, not the caller's.
        loc = loc[2:] if loc[0] == "body" and len(loc) > 2 else loc[1:]
    return ".".join(loc) or "__all__"


def _message(error: dict) -> str:
    """Pydantic speaks English only; the common cases get Django's translated messages."""
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind == "enum":
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": error.get("input")
        }
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    context = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        limit = context.get("ge", context.get("gt"))
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": limit
        }
    if kind in ("less_than_equal", "less_than"):
        limit = context.get("le", context.get("lt"))
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": limit
        }
    if kind in ("string_too_long", "too_long"):
        return _("Ensure this value has at most %(limit_value)s characters.") % {
            "limit_value": context.get("max_length", "")
        }
    if kind in ("string_too_short", "too_short"):
        return _("Ensure this value has at least %(limit_value)s characters.") % {
            "limit_value": context.get("min_length", "")
        }
    if kind.startswith("datetime_"):
        return _("Enter a valid date/time.")
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice.")
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This value has the wrong form.")
    if kind in ("json_invalid", "json_type"):
        return _("The request body is not valid JSON.")
    # Anything rarer: pydantic's own words, behind a translated lead.
    return _("Not valid: %(reason)s") % {"reason": error.get("msg", "")}
