"""A CKAN-compatible read API at /api/3/action/<name>: the public DIP as CKAN datasets.

Organizations are public bodies, groups the three public categories, packages the
public items and resources their published files (docs/api.md, "CKAN")."""

import datetime
import inspect
import json
import mimetypes
import shlex
from collections.abc import Callable
from importlib.metadata import version as package_version
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lentera.organizations.models import PublicBody, Unit
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.selectors import (
    filter_register,
    latest_public_versions_of,
    public_counts,
    public_items,
    public_reading,
)
from lentera.search import SearchQuery, search

# Fields every CKAN organization and group carries; Lentera has no moderation or logos.
ACTIVE = {"state": "active", "approval_status": "approved", "image_url": ""}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}
# The CKAN API level this imitates (clients branch on it), not a CKAN installation.
CKAN_VERSION = "2.10.0"
MAX_ROWS = 1000  # as CKAN's ckan.search.rows_max
DEFAULT_ROWS = 10
PUBLIC_CATEGORIES = [c for c in Category if c != Category.EXEMPT]
SORTS = {
    "score desc, metadata_modified desc": "relevance",
    "score desc": "relevance",
    "metadata_modified desc": "date",
    "metadata_created desc": "date",
}
FQ_FIELDS = ("organization", "owner_org", "groups", "unit", "year")


class ActionError(Exception):
    """An answer with "success": false, as CKAN types it (404, 409, 400)."""

    def __init__(self, kind: str, status: int, message: str, field: str = ""):
        super().__init__(message)
        self.error = {"__type": kind, "message": message, **({field: [message]} if field else {})}
        self.status = status


def not_found() -> ActionError:
    return ActionError("Not Found Error", 404, _("Not found"))


def invalid(field: str, message: str) -> ActionError:
    """Bad parameters: CKAN's "Validation Error", with the field's messages."""
    return ActionError("Validation Error", 409, message, field)


def bad_request(message: str) -> ActionError:
    return ActionError("Bad Request", 400, message)


Params = dict[str, Any]
ACTIONS: dict[str, Callable[[HttpRequest, Params], Any]] = {}


def action(fn: Callable[[HttpRequest, Params], Any]) -> Callable[[HttpRequest, Params], Any]:
    ACTIONS[fn.__name__] = fn
    return fn


# Parameters ------------------------------------------------------------------


def _number(value: str, digits: int = 9) -> int | None:
    """A plain decimal number of at most `digits` digits (the database's integers)."""
    value = value.strip()
    ok = value.isascii() and value.isdecimal() and len(value) <= digits
    return int(value) if ok else None


def _int(params: Params, name: str, default: int, maximum: int | None = None) -> int:
    value = params.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        value = _number(str(value))
    if value is None or not 0 <= value < 10**9:
        raise invalid(name, _("Must be a whole number, 0 or more."))
    return min(value, maximum) if maximum is not None else value


def _bool(params: Params, name: str) -> bool:
    return str(params.get(name, "")).strip().lower() in {"1", "true", "yes", "on"}


def _required(params: Params, name: str) -> str:
    value = str(params.get(name) or "").strip()
    if not value:
        raise invalid(name, _("Missing value"))
    return value


def _page(qs, params: Params):
    """Slice by CKAN's offset and (optional) limit."""
    offset = _int(params, "offset", 0)
    return qs[offset : offset + _int(params, "limit", 0)] if "limit" in params else qs[offset:]


def _ref_pk(ref: str) -> int | None:
    """The id in a package name "<id>-<slug>" or a bare id."""
    return _number(ref.partition("-")[0], digits=18)


# Dictionaries ----------------------------------------------------------------


def _timestamp(value: datetime.datetime | None) -> str | None:
    # CKAN writes naive ISO 8601 timestamps in UTC.
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat() if value else None


def package_name(pk: int, title: str) -> str:
    """The CKAN name of an item: "<id>-<slugified title>" (just "<id>" for an empty slug)."""
    slug = slugify(title)[:80].strip("-_")
    return f"{pk}-{slug}" if slug else str(pk)


def _organization(body: PublicBody) -> dict:
    return {
        "id": str(body.pk),
        "name": body.slug,
        "title": body.name,
        "display_name": body.name,
        "description": body.address,
        "type": "organization",
        "is_organization": True,
        **ACTIVE,
    }


def _group(category: Category) -> dict:
    descriptions = {
        Category.PERIODIC: _(
            "UU 14/2008 Article 9: information provided and announced periodically."
        ),
        Category.IMMEDIATE: _("UU 14/2008 Article 10: information announced immediately."),
        Category.ON_DEMAND: _("UU 14/2008 Article 11: information available at any time."),
    }
    return {
        "id": category.value,
        "name": category.value,
        "title": str(category.label),
        "display_name": str(category.label),
        "description": str(descriptions[category]),
        "type": "group",
        "is_organization": False,
        **ACTIVE,
    }


def _resource(request: HttpRequest, item, version, position: int) -> dict:
    url = reverse("portal:download", args=[item.pk, version.pk])
    suffix = PurePath(version.original_name).suffix or (
        mimetypes.guess_extension(version.content_type) or ""
    )
    return {
        "id": str(version.pk),
        "package_id": str(item.pk),
        "name": version.document.title or version.original_name,
        "description": "",
        "url": request.build_absolute_uri(url),
        "url_type": None,
        "format": suffix.lstrip(".").upper(),
        "mimetype": version.content_type,
        "size": version.size,
        "hash": f"sha256:{version.sha256}",
        "created": _timestamp(version.published_at),
        "last_modified": _timestamp(version.published_at),
        "position": position,
        "state": "active",
    }


def _extras(item) -> list[dict]:
    values = {
        "holding_unit": item.holding_unit.name,
        "holding_unit_slug": item.holding_unit.slug,
        "responsible_official": item.responsible_official,
        "made_on": item.made_on.isoformat() if item.made_on else "",
        "made_place": item.made_place,
        "forms_available": item.available_forms,
        "retention_period": item.retention_period,
        "retention_code": item.retention_rule.code if item.retention_rule else "",
        "category": item.category,
        "category_label": str(item.get_category_display()),
        "year": str(item.year),
        "legal_basis": item.legal_basis,
    }
    return [{"key": key, "value": value} for key, value in values.items()]


def _package(request: HttpRequest, item, files: list) -> dict:
    body = item.holding_unit.body
    category = Category(item.category)
    resources = [_resource(request, item, v, n) for n, v in enumerate(files)]
    return {
        "id": str(item.pk),
        "name": package_name(item.pk, item.title),
        "title": item.title,
        "notes": item.summary,
        "type": "dataset",
        "state": "active",
        "private": False,
        "url": request.build_absolute_uri(reverse("portal:item", args=[item.pk])),
        "author": item.responsible_official,
        "maintainer": item.holding_unit.name,
        "license_id": None,
        "metadata_created": _timestamp(item.listed_at),
        "metadata_modified": _timestamp(item.listed_at),
        "owner_org": str(body.pk),
        "organization": _organization(body),
        "groups": [_group(category)],
        "tags": [],
        "num_tags": 0,
        "extras": _extras(item),
        "resources": resources,
        "num_resources": len(resources),
    }


def _packages(request: HttpRequest, items: list) -> list[dict]:
    files = latest_public_versions_of(item.pk for item in items)
    return [_package(request, item, files.get(item.pk, [])) for item in items]


def _items():
    return public_items().select_related("retention_rule")


def _find_body(ref: str) -> PublicBody | None:
    """A body by slug or by id."""
    pk = _number(ref, digits=18)
    return PublicBody.objects.filter(Q(slug=ref) | Q(pk=pk if pk is not None else 0)).first()


# Actions ---------------------------------------------------------------------


@action
def help_show(request: HttpRequest, params: Params) -> str:
    """The documentation of an action. Parameter: name."""
    name = _required(params, "name")
    if name not in ACTIONS:
        raise not_found()
    return inspect.getdoc(ACTIONS[name])


@action
def status_show(request: HttpRequest, params: Params) -> dict:
    """What this site is: title, address, the CKAN API level it imitates."""
    return {
        "site_title": "Lentera",
        "site_description": _("Daftar Informasi Publik (DIP) of the PPID"),
        "site_url": request.build_absolute_uri("/"),
        "ckan_version": CKAN_VERSION,
        "api_version": 3,
        "locale_default": settings.LANGUAGE_CODE,
        "error_emails_to": None,
        "extensions": [],
        "lentera_version": package_version("lentera"),
    }


@action
def package_list(request: HttpRequest, params: Params) -> list[str]:
    """Names of the public items, by id. Parameters: limit, offset."""
    rows = _page(public_items().order_by("pk").values_list("pk", "title"), params)
    return [package_name(pk, title) for pk, title in rows]


@action
def package_show(request: HttpRequest, params: Params) -> dict:
    """One public item with its DIP columns and published files. Parameter: id (id or name)."""
    pk = _ref_pk(_required(params, "id"))
    if pk is None:
        raise not_found()
    try:
        reading = public_reading(pk)
    except InformationItem.DoesNotExist:
        raise not_found() from None
    return _package(request, reading.item, reading.files)


@action
def current_package_list_with_resources(request: HttpRequest, params: Params) -> list[dict]:
    """Public items newest first, with their files. Parameters: limit, offset."""
    limit = _int(params, "limit", DEFAULT_ROWS, MAX_ROWS)
    offset = _int(params, "offset", 0)
    ordered = _items().order_by(F("listed_at").desc(nulls_last=True), "-pk")
    return _packages(request, list(ordered[offset : offset + limit]))


def _filters(fq: str) -> dict | None:
    """Narrowing from a CKAN fq ("organization:slug groups:berkala unit:slug year:2024");
    None when a term matches nothing (an unknown body, the exempt category)."""
    try:
        terms = shlex.split(fq)
    except ValueError:
        raise invalid("fq", _("Unbalanced quotes.")) from None
    found: dict[str, Any] = {}
    for term in terms:
        field, _sep, value = term.lstrip("+").partition(":")
        if field not in FQ_FIELDS or not value:
            supported = ", ".join(f"{name}:…" for name in FQ_FIELDS)
            raise invalid("fq", _("Supported filters: %(fields)s") % {"fields": supported})
        if field in ("organization", "owner_org"):
            key, match = "body", _find_body(value)
        elif field == "groups":
            key, match = "category", value if value in PUBLIC_CATEGORIES else None
        elif field == "unit":
            key, match = "unit", Unit.objects.filter(slug=value).first()
        elif (year := _number(value, digits=4)) is not None:
            key, match = "year", year
        else:
            raise invalid("fq", _("The year must be a number."))
        if match is None:
            return None
        found[key] = match
    return found


@action
def package_search(request: HttpRequest, params: Params) -> dict:
    """Search the public items. Parameters: q, fq, rows (max 1000), start, sort."""
    rows = _int(params, "rows", DEFAULT_ROWS, MAX_ROWS)
    start = _int(params, "start", 0)
    sort = " ".join(str(params.get("sort") or "score desc, metadata_modified desc").split())
    if sort.lower() not in SORTS:
        raise invalid("sort", _("Supported: %(sorts)s") % {"sorts": "; ".join(SORTS)})
    text = str(params.get("q") or "").strip()
    found = _filters(str(params.get("fq") or ""))
    result = {"count": 0, "results": [], "sort": sort, "facets": {}, "search_facets": {}}
    if found is None:
        return result
    if text and text != "*:*":
        answer = search(
            SearchQuery(
                text=text,
                body_id=found["body"].pk if found.get("body") else None,
                unit_id=found["unit"].pk if found.get("unit") else None,
                category=found.get("category") or "",
                year=found.get("year"),
                sort=SORTS[sort.lower()],
                offset=start,
                limit=rows,
                facets=False,
                exact_total=True,  # clients page with start up to count
            )
        )
        ids = [hit.item_id for hit in answer.hits]
        # The search index only holds public items; the register decides anyway.
        by_id = _items().in_bulk(ids)
        items, count = [by_id[pk] for pk in ids if pk in by_id], answer.total
    else:
        qs = filter_register(_items(), **found)
        qs = qs.order_by(F("listed_at").desc(nulls_last=True), "-pk")
        items, count = list(qs[start : start + rows]), qs.count()
    result.update(count=count, results=_packages(request, items))
    return result


@action
def organization_list(request: HttpRequest, params: Params) -> list:
    """The public bodies, by slug. Parameters: all_fields, limit, offset."""
    bodies = _page(PublicBody.objects.order_by("slug"), params)
    if not _bool(params, "all_fields"):
        return [body.slug for body in bodies]
    counts = public_counts("holding_unit__body")
    return [{**_organization(body), "package_count": counts.get(body.pk, 0)} for body in bodies]


@action
def organization_show(request: HttpRequest, params: Params) -> dict:
    """A public body with its units (PPID Utama and Pelaksana). Parameter: id (slug or id)."""
    body = _find_body(_required(params, "id"))
    if body is None:
        raise not_found()
    unit_counts = public_counts("holding_unit", public_items().filter(holding_unit__body=body))
    units = [
        {
            "id": str(unit.pk),
            "name": unit.slug,
            "title": unit.name,
            "ppid_role": unit.ppid_role,
            "parent": unit.parent.slug if unit.parent else None,
            "package_count": unit_counts.get(unit.pk, 0),
        }
        for unit in body.units.select_related("parent").order_by("name")
    ]
    result = {**_organization(body), "package_count": sum(unit_counts.values()), "units": units}
    result["extras"] = [
        {"key": "address", "value": body.address},
        {"key": "website", "value": body.website},
        {"key": "units", "value": "; ".join(unit["title"] for unit in units)},
    ]
    return result


@action
def group_list(request: HttpRequest, params: Params) -> list:
    """The categories of public information (berkala, serta_merta, setiap_saat).
    Parameter: all_fields."""
    if not _bool(params, "all_fields"):
        return [category.value for category in PUBLIC_CATEGORIES]
    counts = public_counts("category")
    return [
        {**_group(category), "package_count": counts.get(category.value, 0)}
        for category in PUBLIC_CATEGORIES
    ]


@action
def group_show(request: HttpRequest, params: Params) -> dict:
    """One category of public information. Parameter: id (berkala, serta_merta, setiap_saat)."""
    ref = _required(params, "id")
    if ref not in PUBLIC_CATEGORIES:
        raise not_found()
    return {**_group(Category(ref)), "package_count": public_counts("category").get(ref, 0)}


# The view --------------------------------------------------------------------


def _params(request: HttpRequest) -> Params:
    """GET parameters, or a JSON object posted as ckanapi does by default."""
    params: Params = {key: request.GET.get(key) for key in request.GET}
    if request.method == "POST" and request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise bad_request(_("The request body must be a JSON object."))
        params.update(data)
    return params


@csrf_exempt  # read-only: nothing changes, and the answer is the same for everyone
def action_view(request: HttpRequest, name: str) -> HttpResponse:
    """Run one action and wrap its result in CKAN's envelope."""
    if request.method == "OPTIONS":
        return HttpResponse(status=204, headers=CORS)
    help_url = request.build_absolute_uri(reverse("ckan-action", args=["help_show"]))
    body: dict[str, Any] = {"help": f"{help_url}?{urlencode({'name': name})}", "success": True}
    status = 200
    try:
        if request.method not in ("GET", "HEAD", "POST"):
            raise ActionError("Bad Request", 405, _("Use GET."))
        if name not in ACTIONS:
            raise bad_request(_("Action name not known: %(name)s") % {"name": name})
        body["result"] = ACTIONS[name](request, _params(request))
    except ActionError as exc:
        body.update(success=False, error=exc.error)
        status = exc.status
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


urlpatterns = [path("<str:name>", action_view, name="ckan-action")]
