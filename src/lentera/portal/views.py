"""The public website: only what the DIP lists, only files that were published."""

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from lentera.documents.selectors import latest_public_versions, public_versions
from lentera.documents.serving import serve_thumbnail, serve_version
from lentera.organizations.models import PublicBody
from lentera.register.constants import Category
from lentera.register.selectors import public_items

PAGE_SIZE = 50


def home(request):
    items = public_items()
    return render(
        request,
        "portal/home.html",
        {
            "recent": items.order_by("-published_at", "-id")[:8],
            "bodies": PublicBody.objects.order_by("name"),
            "total": items.count(),
        },
    )


def dip(request):
    items = public_items()
    body = None
    if slug := request.GET.get("badan"):
        body = get_object_or_404(PublicBody, slug=slug)
        items = items.filter(holding_unit__body=body)
    category = request.GET.get("kategori")
    if category in Category.values and category != Category.EXEMPT:
        items = items.filter(category=category)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "portal/dip.html",
        {
            "page": page,
            "body": body,
            "bodies": PublicBody.objects.order_by("name"),
            "category": category,
            "categories": [c for c in Category if c != Category.EXEMPT],
        },
    )


def item_detail(request, pk):
    item = get_object_or_404(public_items(), pk=pk)
    return render(
        request, "portal/item.html", {"item": item, "versions": latest_public_versions(item)}
    )


def download(request, pk, version_id):
    version = get_object_or_404(public_versions(), pk=version_id, document__item_id=pk)
    return serve_version(request, version, private=False)


def thumbnail(request, pk, version_id):
    version = get_object_or_404(public_versions(), pk=version_id, document__item_id=pk)
    return serve_thumbnail(request, version, private=False)


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        # A listing, not exists(): S3 answers exists() with "no" for a missing bucket.
        default_storage.listdir("")
        checks["storage"] = "ok"
    except FileNotFoundError:
        # A new installation has stored nothing yet; the folder appears on first upload.
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
