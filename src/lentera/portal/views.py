"""The public website: only what the DIP lists, only files that were published."""

import json
from pathlib import PurePosixPath

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lentera.deadlines.selectors import body_zone
from lentera.documents import health
from lentera.documents.serving import serve_thumbnail, serve_version
from lentera.organizations.models import PublicBody
from lentera.register.models import InformationItem
from lentera.register.page_cache import public_page
from lentera.register.selectors import (
    public_items,
    public_reading,
    public_versions,
)

from . import dcat, selectors

# Characters that could end a <script> element or open an HTML comment inside one.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
_OG_LOCALES = {"id": "id_ID", "en": "en_US"}


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Search, the register's size, the serta merta banner and what was listed last."""
    return render(
        request,
        "portal/home.html",
        {
            "serta_merta": selectors.serta_merta_banner(),
            "recent": selectors.recently_listed(),
            "bodies": selectors.bodies_with_counts(),
            "total": public_items().count(),
            "serta_merta_days": selectors.SERTA_MERTA_DAYS,
        },
    )


@public_page
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One DIP entry: every column, its files, its publication history and its SOP steps;
    as DCAT to a client that asks for RDF."""
    if extension := dcat.negotiated(request):
        return dcat.item(request, pk, extension)
    try:
        reading = public_reading(pk)
    except InformationItem.DoesNotExist:
        raise Http404 from None
    item, files = reading.item, reading.files
    for version in files:
        version.extension = PurePosixPath(version.original_name).suffix.lstrip(".").upper()
    # Dates in the body's own time zone, as its office and dashboard give them.
    with timezone.override(body_zone(item.holding_unit.body_id)):
        response = render(
            request,
            "portal/item.html",
            {
                "item": item,
                "versions": files,
                "history": reading.history,
                "record": reading.record,
                "structured_data": structured_data(request, item, files, reading.record),
                **_sharing_meta(request, item, files),
            },
        )
    patch_vary_headers(response, ["Accept"])
    return response


def _sharing_meta(request: HttpRequest, item: InformationItem, files) -> dict:
    """What OpenGraph needs: the page's absolute address, a locale and a preview image."""
    language = translation.get_language() or "id"
    preview = next((v for v in files if v.thumbnail), None)
    return {
        "page_url": request.build_absolute_uri(reverse("portal:item", args=[item.pk])),
        "og_locale": _OG_LOCALES.get(language, translation.to_locale(language)),
        "image_url": request.build_absolute_uri(
            reverse("portal:thumbnail", args=[item.pk, preview.pk])
        )
        if preview
        else "",
    }


def structured_data(request: HttpRequest, item: InformationItem, files, record) -> SafeString:
    """schema.org JSON-LD for an item, safe to put inside a <script> element."""
    body, unit = item.holding_unit.body, item.holding_unit
    publisher = _organization(request, body)
    listed = item.listed_at or item.published_at
    first = record.first_listed or listed
    url = request.build_absolute_uri(reverse("portal:item", args=[item.pk]))
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "identifier": str(item.uuid),
        "name": item.title,
        "description": item.summary,
        "keywords": [str(item.get_category_display())],
        "temporalCoverage": str(item.year),
        "inLanguage": "id",
        "isAccessibleForFree": True,
        "publisher": publisher,
        "creator": {
            "@type": "GovernmentOrganization",
            "@id": request.build_absolute_uri(reverse("portal:unit-dip", args=[unit.slug])),
            "name": unit.name,
            "parentOrganization": publisher,
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": version.document.title,
                "contentUrl": request.build_absolute_uri(
                    reverse("portal:download", args=[item.pk, version.pk])
                ),
                "encodingFormat": version.content_type,
                "contentSize": f"{version.size} B",
                "sha256": version.sha256,
                "uploadDate": version.published_at.isoformat(),
            }
            for version in files
        ],
    }
    licence = body.licence_terms
    if licence.url:
        data["license"] = licence.url
    if item.made_on:
        data["dateCreated"] = item.made_on.isoformat()
    if first:
        data["datePublished"] = first.isoformat()
    if listed:
        data["dateModified"] = listed.isoformat()
    return script_json(data)


def script_json(data: dict) -> SafeString:
    """JSON that cannot end the <script> element it is put in."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


def _organization(request: HttpRequest, body) -> dict:
    """A body as schema.org names it: with the IRI the DCAT catalogue gives it."""
    found = {
        "@type": "GovernmentOrganization",
        "@id": request.build_absolute_uri(reverse("portal:dip") + f"?badan={body.slug}"),
        "name": body.name,
    }
    if body.website:
        found["url"] = body.website
    return found


def catalog_structured_data(request: HttpRequest, items) -> SafeString:
    """schema.org JSON-LD for a page of the DIP: a DataCatalog linking its Datasets."""
    url = request.build_absolute_uri(request.get_full_path())
    return script_json(
        {
            "@context": "https://schema.org",
            "@type": "DataCatalog",
            "@id": url,
            "url": url,
            "name": str(_("Public Information List")),
            "inLanguage": "id",
            "dataset": [
                {
                    "@type": "Dataset",
                    "@id": request.build_absolute_uri(reverse("portal:item", args=[item.pk])),
                    "identifier": str(item.uuid),
                    "name": item.title,
                    "publisher": _organization(request, item.holding_unit.body),
                }
                for item in items
            ],
        }
    )


def download(request, pk, version_id):
    version = get_object_or_404(public_versions(), pk=version_id, document__item_id=pk)
    return serve_version(request, version, private=False)


def thumbnail(request, pk, version_id):
    version = get_object_or_404(public_versions(), pk=version_id, document__item_id=pk)
    return serve_thumbnail(request, version, private=False)


@never_cache
def healthz(request):
    checks = health.checks()
    healthy = all(answer == "ok" for answer in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def body_logo(request, slug: str) -> HttpResponse:
    """A body's logo (PNG or JPEG, checked when it was uploaded)."""
    body = get_object_or_404(PublicBody, slug=slug)
    if not body.logo:
        raise Http404
    kind = "image/png" if body.logo.name.endswith(".png") else "image/jpeg"
    try:
        with body.logo.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
