"""A CKAN-compatible read API at /api/action/<name> and /api/3/action/<name>: the public
DIP as CKAN datasets.

Organizations are public bodies, groups the three public categories, packages the
public items and resources their published files (docs/api.md, "CKAN")."""

import datetime
import inspect
import json
import mimetypes
import uuid
from collections.abc import Callable
from importlib.metadata import version as package_version
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lentera.organizations.licences import LICENCES
from lentera.organizations.models import PublicBody
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.page_cache import public_page
from lentera.register.selectors import (
    latest_public_versions_of,
    public_counts,
    public_items,
    public_reading,
    public_versions,
)
from lentera.search import SearchQuery, search

from .ckan_query import QueryError, parse_fq, parse_sort

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
DEFAULT_SORT = "score desc, metadata_modified desc"
# A text query's best matches read from the search engine, a page at a time, when a
# filter or an order needs the register to decide, and for the facets.
TEXT_MATCHES = 1000
ENGINE_PAGE = 100  # the most the search engine answers in one call
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")


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


def _ref_q(ref: str) -> Q:
    """An item by its id (UUID), its name, or the number in its page's address."""
    q = Q(slug=ref)
    try:
        q |= Q(uuid=uuid.UUID(ref))
    except ValueError:
        pass
    if (pk := _number(ref, digits=18)) is not None:
        q |= Q(pk=pk)
    return q


# Dictionaries ----------------------------------------------------------------


def _timestamp(value: datetime.datetime | None) -> str | None:
    # CKAN writes naive ISO 8601 timestamps in UTC.
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat() if value else None


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
    return {
        "id": str(version.document.uuid),
        "package_id": str(item.uuid),
        "name": version.document.title or version.original_name,
        "description": "",
        "url": request.build_absolute_uri(url),
        "url_type": None,
        "format": file_format(version),
        "mimetype": version.content_type,
        "size": version.size,
        "hash": f"sha256:{version.sha256}",
        "created": _timestamp(version.published_at),
        "last_modified": _timestamp(version.published_at),
        "position": position,
        "state": "active",
    }


def file_format(version) -> str:
    """CKAN's format of a file: its suffix, or the one its media type has."""
    suffix = PurePath(version.original_name).suffix or (
        mimetypes.guess_extension(version.content_type) or ""
    )
    return suffix.lstrip(".").upper()


def _tags(item) -> list[dict]:
    """The category and the year: what a DIP entry is filed under."""
    names = [str(item.category), str(item.year)]
    return [{"name": name, "display_name": name, "state": "active"} for name in names]


def _licence(body: PublicBody) -> dict:
    licence = body.licence_terms
    return {
        "license_id": licence.id,
        "license_title": licence.title,
        "license_url": licence.url,
        "isopen": licence.is_open,
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
    tags = _tags(item)
    return {
        "id": str(item.uuid),
        "name": item.name,
        "title": item.title,
        "notes": item.summary,
        "type": "dataset",
        "state": "active",
        "private": False,
        "url": request.build_absolute_uri(reverse("portal:item", args=[item.pk])),
        "author": item.responsible_official,
        "author_email": None,
        "maintainer": item.holding_unit.name,
        "maintainer_email": None,
        **_licence(body),
        "metadata_created": _timestamp(item.first_listed),
        "metadata_modified": _timestamp(item.listed_at),
        "owner_org": str(body.pk),
        "organization": _organization(body),
        "groups": [_group(category)],
        "tags": tags,
        "num_tags": len(tags),
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
def site_read(request: HttpRequest, params: Params) -> bool:
    """Whether the site may be read: always, by everyone."""
    return True


@action
def package_list(request: HttpRequest, params: Params) -> list[str]:
    """Names of the public items, oldest first. Parameters: limit, offset."""
    items = public_items().order_by("pk").values_list("slug", "uuid")
    return [slug or f"informasi-{uuid_.hex[:12]}" for slug, uuid_ in _page(items, params)]


def _find_item(ref: str):
    found = public_items().filter(_ref_q(ref)).values_list("pk", flat=True).first()
    if found is None:
        raise not_found()
    return public_reading(found)


@action
def package_show(request: HttpRequest, params: Params) -> dict:
    """One public item with its DIP columns and published files. Parameter: id (its
    id, its name, or the number in its page's address)."""
    try:
        reading = _find_item(_required(params, "id"))
    except InformationItem.DoesNotExist:
        raise not_found() from None
    return _package(request, reading.item, reading.files)


@action
def resource_show(request: HttpRequest, params: Params) -> dict:
    """One published file, its newest public version. Parameter: id (the resource id)."""
    try:
        document = uuid.UUID(_required(params, "id"))
    except ValueError:
        raise not_found() from None
    version = public_versions().filter(document__uuid=document).first()
    if version is None:
        raise not_found()
    item = _items().get(pk=version.document.item_id)
    files = latest_public_versions_of([item.pk]).get(item.pk, [])
    position = next((n for n, v in enumerate(files) if v.pk == version.pk), 0)
    return _resource(request, item, version, position)


@action
def current_package_list_with_resources(request: HttpRequest, params: Params) -> list[dict]:
    """Public items newest first, with their files. Parameters: limit, offset."""
    limit = _int(params, "limit", DEFAULT_ROWS, MAX_ROWS)
    offset = _int(params, "offset", 0)
    ordered = _items().order_by(F("listed_at").desc(nulls_last=True), "-pk")
    return _packages(request, list(ordered[offset : offset + limit]))


def _engine_ids(text: str, offset: int, count: int) -> tuple[list[int], int]:
    """Up to `count` ids of the public items the search engine matches `text` in, best
    first from `offset`, read a page of ENGINE_PAGE at a time; and the exact total."""
    ids: list[int] = []
    total = 0
    while len(ids) < count:
        wanted = min(ENGINE_PAGE, count - len(ids))
        answer = search(
            SearchQuery(
                text=text,
                sort="relevance",
                offset=offset + len(ids),
                limit=wanted,
                facets=False,
                exact_total=True,
            )
        )
        total = answer.total
        ids += [hit.item_id for hit in answer.hits]
        if len(answer.hits) < wanted:
            break
    return ids, total


def _facet_params(params: Params) -> tuple[list[str], int, int]:
    raw = params.get("facet.field") or "[]"
    try:
        fields = json.loads(raw) if isinstance(raw, str) else raw
    except (ValueError, RecursionError):
        raise invalid("facet.field", _("A JSON list of field names.")) from None
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise invalid("facet.field", _("A JSON list of field names."))
    unknown = [f for f in fields if f not in FACET_FIELDS]
    if unknown:
        known = ", ".join(FACET_FIELDS)
        message = _("Cannot count by %(field)s; known: %(known)s")
        raise invalid("facet.field", message % {"field": unknown[0], "known": known})
    fields = list(dict.fromkeys(fields))  # each field counted once, however often named
    limit = params.get("facet.limit", 50)
    limit = -1 if str(limit).strip() == "-1" else _int(params, "facet.limit", 50)
    return fields, limit, _int(params, "facet.mincount", 1)


def _facets(items, fields: list[str], limit: int, mincount: int) -> dict[str, dict]:
    """value -> count of the matching items, per facet field."""
    counted: dict[str, dict] = {}
    for field in fields:
        if field == "organization":
            rows = public_counts("holding_unit__body__slug", items)
        elif field == "groups":
            rows = public_counts("category", items)
        elif field == "license_id":
            rows = public_counts("holding_unit__body__licence", items)
        elif field == "tags":
            rows = dict(public_counts("category", items))
            rows.update({str(year): n for year, n in public_counts("year", items).items()})
        else:  # res_format: items with a public file of that format
            per_format: dict[str, set] = {}
            versions = public_versions().filter(document__item__in=items.values("pk"))
            for version in versions.only("original_name", "content_type", "document__item"):
                per_format.setdefault(file_format(version), set()).add(version.document.item_id)
            rows = {name: len(ids) for name, ids in per_format.items() if name}
        ranked = sorted(
            ((str(k), n) for k, n in rows.items() if n >= mincount), key=lambda r: (-r[1], r[0])
        )
        counted[field] = dict(ranked if limit < 0 else ranked[:limit])
    return counted


def _search_facets(facets: dict[str, dict]) -> dict:
    titles = {body.slug: body.name for body in PublicBody.objects.only("slug", "name")}
    titles.update({c.value: str(c.label) for c in Category})
    titles.update({licence.id: licence.title for licence in LICENCES.values()})
    return {
        field: {
            "title": field,
            "items": [
                {"name": name, "display_name": titles.get(name, name), "count": count}
                for name, count in counts.items()
            ],
        }
        for field, counts in facets.items()
    }


@action
def package_search(request: HttpRequest, params: Params) -> dict:
    """Search the public items. Parameters: q, fq (field:value, "quoted", ranges
    [X TO *] on metadata_modified and metadata_created, OR, NOT and -), rows (max 1000),
    start, sort (id, name, title_string, metadata_modified, metadata_created, score;
    asc or desc; comma lists), facet.field (JSON list), facet.limit, facet.mincount."""
    rows = _int(params, "rows", DEFAULT_ROWS, MAX_ROWS)
    start = _int(params, "start", 0)
    try:
        sort = parse_sort(str(params.get("sort") or DEFAULT_SORT))
        narrowed = _items().filter(parse_fq(str(params.get("fq") or "")))
    except QueryError as exc:
        raise invalid(exc.field, str(exc)) from None
    fields, facet_limit, mincount = _facet_params(params)
    text = str(params.get("q") or "").strip()
    fq_given = bool(str(params.get("fq") or "").strip())
    if not text or text == "*:*":
        items_qs = narrowed
        page = list(narrowed.order_by(*sort.order)[start : start + rows])
        count = narrowed.count()
    elif sort.by_score and not fq_given:
        # The engine pages and counts every match itself.
        ids, count = _engine_ids(text, start, rows)
        by_id = _items().in_bulk(ids)
        page = [by_id[pk] for pk in ids if pk in by_id]
        items_qs = _items().filter(pk__in=_engine_ids(text, 0, TEXT_MATCHES)[0]) if fields else None
    else:
        # The register narrows or orders the engine's best TEXT_MATCHES matches.
        best, _total = _engine_ids(text, 0, TEXT_MATCHES)
        allowed = set(narrowed.filter(pk__in=best).values_list("pk", flat=True))
        items_qs = _items().filter(pk__in=allowed)
        count = len(allowed)
        if sort.by_score:
            ids = [pk for pk in best if pk in allowed][start : start + rows]
            by_id = _items().in_bulk(ids)
            page = [by_id[pk] for pk in ids]
        else:
            page = list(items_qs.order_by(*sort.order)[start : start + rows])
    facets = _facets(items_qs, fields, facet_limit, mincount) if fields else {}
    return {
        "count": count,
        "results": _packages(request, page),
        "sort": sort.text,
        "facets": facets,
        "search_facets": _search_facets(facets),
    }


@action
def tag_list(request: HttpRequest, params: Params) -> list:
    """The tags in use: the public categories and the years. Parameters: query (a
    part of the name), all_fields."""
    counts = {**public_counts("category")}
    counts.update({str(year): n for year, n in public_counts("year").items()})
    part = str(params.get("query") or "").strip().lower()
    names = sorted(name for name in counts if part in name.lower())
    if not _bool(params, "all_fields"):
        return names
    return [{"id": name, "name": name, "display_name": name, "state": "active"} for name in names]


@action
def license_list(request: HttpRequest, params: Params) -> list[dict]:
    """The licences a body can publish under (CKAN's ids)."""
    return [
        {
            "id": licence.id,
            "title": licence.title,
            "url": licence.url,
            "is_okd_compliant": licence.is_open,
            "od_conformance": "approved" if licence.is_open else "not reviewed",
            "status": "active",
        }
        for licence in LICENCES.values()
    ]


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
        except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
            data = None
        if not isinstance(data, dict):
            raise bad_request(_("The request body must be a JSON object."))
        params.update(data)
    return params


@csrf_exempt  # read-only: nothing changes, and the answer is the same for everyone
@public_page
def action_view(request: HttpRequest, name: str) -> HttpResponse:
    """Run one action and wrap its result in CKAN's envelope."""
    if request.method == "OPTIONS":
        return HttpResponse(status=204, headers=CORS)
    # The help address on the path that was called (/api/action/ or /api/3/action/).
    base = request.path[: request.path.rindex("/") + 1]
    help_url = request.build_absolute_uri(f"{base}help_show")
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
