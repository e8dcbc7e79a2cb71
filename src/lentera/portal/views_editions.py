"""Public pages of the DIP editions (Penetapan DIP): frozen entries, never live data."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from lentera.documents.serving import stream_file
from lentera.organizations.models import PublicBody
from lentera.register import dip_table
from lentera.register.editions import diff_editions, issuing_bodies, previous_edition
from lentera.register.models import DipEdition

ENTRIES_PER_PAGE = 200
# An edition's PDF never changes once issued: caches may keep it.
EDITION_CACHE = "public, max-age=86400"


@require_safe
def edition_list(request: HttpRequest) -> HttpResponse:
    """Every body's editions, newest first; ?badan= narrows to one body."""
    editions = DipEdition.objects.select_related("body").defer("entries")
    body = None
    if slug := request.GET.get("badan"):
        body = get_object_or_404(PublicBody, slug=slug)
        editions = editions.filter(body=body)
    groups: dict = {}
    for edition in editions.order_by("body__name", "-decided_on", "-pk"):
        groups.setdefault(edition.body, []).append(edition)
    return render(
        request,
        "portal/editions.html",
        {
            "groups": list(groups.items()),
            "body": body,
            # Approvers find the office form from here; everyone else never sees it.
            "can_issue": request.user.is_authenticated and issuing_bodies(request.user).exists(),
        },
    )


@require_safe
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One edition's frozen entries, grouped by category like the official table."""
    edition = get_object_or_404(DipEdition.objects.select_related("body"), pk=pk)
    page = Paginator(edition.entries, ENTRIES_PER_PAGE).get_page(request.GET.get("halaman"))
    offset = page.start_index() - 1 if edition.entries else 0
    groups = dip_table.grouped(page.object_list)
    for group in groups:
        group["label"] = dip_table.CATEGORY_NAMES.get(group["category"], group["category"])
        for row in group["rows"]:
            row["number"] += offset
    return render(
        request,
        "portal/edition.html",
        {
            "edition": edition,
            "page": page,
            "groups": groups,
            "headings": dip_table.HEADINGS,
            "previous": previous_edition(edition),
        },
    )


@require_safe
def edition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF stored when the edition was issued; its ETag is its SHA-256."""
    edition = get_object_or_404(DipEdition.objects.defer("entries"), pk=pk)
    if not edition.pdf:
        raise Http404
    return stream_file(
        request,
        edition.pdf.name,
        storage=edition.pdf.storage,
        etag=f'"{edition.pdf_sha256}"',
        content_type="application/pdf",
        disposition=content_disposition_header(False, edition.pdf.name.rsplit("/", 1)[-1]),
        cache_control=EDITION_CACHE,
        last_modified=int(edition.issued_at.timestamp()),
    )


@require_safe
def edition_diff(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """What changed between two editions of the same body, the earlier one first."""
    editions = DipEdition.objects.select_related("body")
    first = get_object_or_404(editions, pk=pk)
    second = get_object_or_404(editions, pk=other, body_id=first.body_id)
    old, new = sorted((first, second), key=lambda e: (e.decided_on, e.pk))
    diff = diff_editions(old, new)
    for entry in diff.added + diff.removed + [change.entry for change in diff.changed]:
        entry["category_name"] = dip_table.CATEGORY_NAMES.get(entry["category"], "")
    return render(
        request,
        "portal/edition_diff.html",
        {"old": old, "new": new, "diff": diff, "body": first.body},
    )
