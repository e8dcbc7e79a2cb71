"""Public pages of the DIP editions (Penetapan DIP): frozen entries, never live data."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lentera.documents.serving import stream_file
from lentera.errors import Unavailable
from lentera.organizations.models import PublicBody
from lentera.register import dip_table
from lentera.register.editions import (
    RedactionInProgress,
    exempt_entries,
    issuing_bodies,
    previous_edition,
    public_diff,
    public_entries,
    public_pdf,
    record_original_download,
)
from lentera.register.models import DipEdition
from lentera.sop import policy

ENTRIES_PER_PAGE = 200
# The public PDF becomes a redacted copy when an item it lists is made exempt: caches
# may keep it but must ask again (its ETag is its SHA-256, so that costs a 304).
EDITION_CACHE = "public, no-cache"
# The original, for the office only: never in a shared cache.
ORIGINAL_CACHE = "private, no-cache"
RETRY_SECONDS = 30


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
    exempt = exempt_entries(edition)
    entries = public_entries(edition, exempt)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("halaman"))
    offset = page.start_index() - 1 if entries else 0
    groups = dip_table.grouped(page.object_list)
    for group in groups:
        group["label"] = dip_table.CATEGORY_NAMES.get(group["category"], group["category"])
        for row in group["rows"]:
            row["number"] += offset
    pdf = None
    if edition.pdf:
        try:
            pdf = public_pdf(edition, exempt)
        except (RedactionInProgress, Unavailable):
            pdf = None  # the page says the copy is being prepared
    return render(
        request,
        "portal/edition.html",
        {
            "edition": edition,
            "page": page,
            "groups": groups,
            "headings": dip_table.HEADINGS,
            "previous": previous_edition(edition),
            "pdf": pdf,
            "exempt_count": len(exempt),
            "can_read_original": policy.can_read_original(request.user, edition),
        },
    )


@require_safe
def edition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The public PDF: the one stored when the edition was issued, or its redacted copy
    once an item it lists is exempt (register.editions.public_pdf); ETag is its SHA-256."""
    edition = get_object_or_404(DipEdition.objects.select_related("body"), pk=pk)
    if not edition.pdf:
        raise Http404
    try:
        pdf = public_pdf(edition)
    except (RedactionInProgress, Unavailable) as exc:
        return HttpResponse(
            getattr(exc, "message", None)
            or _("The redacted copy of this PDF is being prepared. Try again in a minute."),
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"},
        )
    return stream_file(
        request,
        pdf.name,
        storage=pdf.storage,
        etag=f'"{pdf.sha256}"',
        content_type="application/pdf",
        disposition=content_disposition_header(False, pdf.name.rsplit("/", 1)[-1]),
        cache_control=EDITION_CACHE,
        last_modified=int(pdf.modified.timestamp()),
    )


@login_required
@require_safe
def edition_original_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The original PDF, unchanged, for the office (sop.policy.can_read_original);
    a download while it lists summaries no longer public is logged."""
    edition = get_object_or_404(DipEdition.objects.select_related("body"), pk=pk)
    if not edition.pdf or not policy.can_read_original(request.user, edition):
        raise Http404
    response = stream_file(
        request,
        edition.pdf.name,
        storage=edition.pdf.storage,
        etag=f'"{edition.pdf_sha256}"',
        content_type="application/pdf",
        disposition=content_disposition_header(False, edition.pdf.name.rsplit("/", 1)[-1]),
        cache_control=ORIGINAL_CACHE,
        last_modified=int(edition.issued_at.timestamp()),
    )
    # One event per download, as for the office's files: not for a HEAD, a 304 or a
    # later range a PDF viewer asks for.
    first = response.status_code == 200 or (
        response.status_code == 206 and response["Content-Range"].startswith("bytes 0-")
    )
    if request.method == "GET" and first:
        record_original_download(edition, request.user, exempt_entries(edition))
    return response


@require_safe
def edition_diff(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """What changed between two editions of the same body, the earlier one first."""
    editions = DipEdition.objects.select_related("body")
    first = get_object_or_404(editions, pk=pk)
    second = get_object_or_404(editions, pk=other, body_id=first.body_id)
    old, new = sorted((first, second), key=lambda e: (e.decided_on, e.pk))
    diff = public_diff(old, new)
    for entry in diff.added + diff.removed + [change.entry for change in diff.changed]:
        entry["category_name"] = dip_table.CATEGORY_NAMES.get(entry["category"], "")
    return render(
        request,
        "portal/edition_diff.html",
        {"old": old, "new": new, "diff": diff, "body": first.body},
    )
