"""Telling crawlers what the public site holds: /sitemap.xml and /robots.txt.

/sitemap.xml is one sitemap while the whole site fits in one file (50,000 URLs);
beyond that it is a sitemap index whose pages are /sitemap.xml?section=…&p=…"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from lentera.organizations.models import Unit
from lentera.register.models import DipEdition
from lentera.register.page_cache import public_page
from lentera.register.selectors import public_items
from lentera.sop.selectors import sop_listing

# Paths crawlers stay out of: the office, the admin and the authenticated API.
# The public site, its files and the CKAN read API (/api/3/) stay open.
PRIVATE_PATHS = ("/kantor/", "/admin/", "/api/v1/")
# Built on request, minutes of the worker's time each: not for crawlers.
BUILT_ON_REQUEST = ("/dip.pdf",)


class Section(Sitemap):
    # sitemaps.org: at most 50,000 URLs in one sitemap file.
    limit = 50_000

    # With LENTERA_BASE_URL the site's public address, else the request's.
    def get_protocol(self, protocol=None):
        base = settings.LENTERA_BASE_URL
        return urlsplit(base).scheme if base else super().get_protocol(protocol)

    def get_domain(self, site=None):
        base = settings.LENTERA_BASE_URL
        return urlsplit(base).netloc if base else super().get_domain(site)


class PageSitemap(Section):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["portal:home", "portal:dip", "portal:dik", "portal:editions", "portal:sop-list"]

    def location(self, name: str) -> str:
        return reverse(name)


class SopSitemap(Section):
    """Every SOP version the public SOP list shows or links to."""

    def items(self) -> list:
        return [sop for family in sop_listing() for sop in (family.current, *family.older)]

    def location(self, sop) -> str:
        return reverse("portal:sop", args=[sop.pk])


class UnitSitemap(Section):
    """The DIP page of every unit holding public items."""

    def items(self):
        latest = (
            public_items()
            .filter(holding_unit=OuterRef("pk"))
            .order_by("-listed_at")
            .values("listed_at")[:1]
        )
        return (
            Unit.objects.filter(pk__in=public_items().order_by().values("holding_unit"))
            .annotate(last_listed=Subquery(latest))
            .order_by("slug")
            .only("slug")
        )

    def location(self, unit: Unit) -> str:
        return reverse("portal:unit-dip", args=[unit.slug])

    def lastmod(self, unit: Unit):
        return unit.last_listed

    def get_latest_lastmod(self):
        return public_items().aggregate(last=Max("listed_at"))["last"]


class ItemSitemap(Section):
    """Every public item, with the time its DIP entry last changed."""

    def items(self):
        # Plain (pk, listed_at) rows: the register may hold 100,000 items.
        return public_items().order_by("pk").values_list("pk", "listed_at")

    def location(self, row) -> str:
        return reverse("portal:item", args=[row[0]])

    def lastmod(self, row):
        return row[1]

    def get_latest_lastmod(self):
        return public_items().aggregate(last=Max("listed_at"))["last"]


class EditionSitemap(Section):
    """Every Penetapan DIP: decided editions of the register are public documents."""

    def items(self):
        return DipEdition.objects.order_by("pk").only("pk", "issued_at")

    def location(self, edition: DipEdition) -> str:
        return reverse("portal:edition", args=[edition.pk])

    def lastmod(self, edition: DipEdition):
        return edition.issued_at

    def get_latest_lastmod(self):
        return DipEdition.objects.aggregate(last=Max("issued_at"))["last"]


SECTIONS: dict[str, type[Section]] = {
    "pages": PageSitemap,
    "sop": SopSitemap,
    "units": UnitSitemap,
    "items": ItemSitemap,
    "editions": EditionSitemap,
}


@require_safe
@public_page
@sitemap_views.x_robots_tag
def sitemap(request: HttpRequest) -> HttpResponse:
    """The whole site in one sitemap, or an index of section pages when it is too big."""
    sections = {name: section() for name, section in SECTIONS.items()}
    if name := request.GET.get("section"):
        if name not in sections or not sections[name].paginator.count:
            raise Http404
        return sitemap_views.sitemap(request, sections, section=name)
    if sum(section.paginator.count for section in sections.values()) <= Section.limit:
        return sitemap_views.sitemap(request, sections)
    return _index(request, sections)


def _index(request: HttpRequest, sections: dict[str, Section]) -> HttpResponse:
    base = request.build_absolute_uri(reverse("portal:sitemap"))
    entries = []
    for name, section in sections.items():
        paginator = section.paginator
        if not paginator.count:
            continue  # an empty <urlset> is not a valid sitemap
        lastmod = section.get_latest_lastmod()
        for page in paginator.page_range:
            query = {"section": name, **({"p": page} if page > 1 else {})}
            entries.append(sitemap_views.SitemapIndexItem(f"{base}?{urlencode(query)}", lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """Crawl the public site; stay out of the office; here is the sitemap."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in PRIVATE_PATHS + BUILT_ON_REQUEST),
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links: the logo."""
    response = HttpResponseRedirect(static("lentera/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
