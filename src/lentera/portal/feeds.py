"""The Atom feed of newly listed DIP entries (/feed/), narrowed like every public list."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.page_cache import public_page
from lentera.register.selectors import latest_public_versions_of, public_items

from .filters import RegisterFilter

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedRequest:
    """What one request asks of the feed: its filter, and the request for absolute URLs."""

    request: HttpRequest
    filter: RegisterFilter

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


class NewlyListedFeed(Feed):
    """The newest entries of the public DIP: documented or published, never exempt."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> FeedRequest:
        # An unknown ?badan= or ?unit= is a 404, as on the DIP pages.
        return FeedRequest(request, RegisterFilter.from_request(request))

    def title(self, obj: FeedRequest) -> str:
        narrowed = [
            obj.filter.unit.name if obj.filter.unit else "",
            obj.filter.body.name if obj.filter.body else "",
            Category(obj.filter.category).label if obj.filter.category else "",
            _("year %(year)s") % {"year": obj.filter.year} if obj.filter.year else "",
        ]
        title = _("Newly listed public information")
        if narrowed := [str(part) for part in narrowed if part]:
            title = f"{title} · {', '.join(narrowed)}"
        return title

    def subtitle(self, obj: FeedRequest) -> str:
        return _("New and updated entries of the Daftar Informasi Publik (DIP), newest first.")

    # Absolute already (Django's own would name the request's host, not LENTERA_BASE_URL).
    def link(self, obj: FeedRequest) -> str:
        return obj.absolute(reverse("portal:dip") + obj.filter.query())

    def feed_url(self, obj: FeedRequest) -> str:
        return obj.absolute(reverse("portal:feed") + obj.filter.query())

    def feed_guid(self, obj: FeedRequest) -> str:
        return self.feed_url(obj)

    def items(self, obj: FeedRequest) -> list[InformationItem]:
        items = list(
            obj.filter.apply(public_items())
            .select_related(None)
            .select_related("holding_unit")
            .filter(listed_at__isnull=False)
            .order_by("-listed_at", "-pk")[:FEED_SIZE]
        )
        files = latest_public_versions_of(item.pk for item in items)
        for item in items:
            # Item methods get no request: absolute URLs are worked out here.
            item.feed_url = obj.absolute(reverse("portal:item", args=[item.pk]))
            item.feed_unit_url = obj.absolute(
                reverse("portal:unit-dip", args=[item.holding_unit.slug])
            )
            item.feed_files = [
                Enclosure(
                    url=obj.absolute(reverse("portal:download", args=[item.pk, version.pk])),
                    length=str(version.size),
                    mime_type=version.content_type,
                )
                for version in files.get(item.pk, [])
            ]
        return items

    def item_title(self, item: InformationItem) -> str:
        # Atom titles are text: no escaping here (the XML writer does it).
        return item.title

    def item_description(self, item: InformationItem) -> str:
        # Atom <summary type="html">: the plain summary becomes escaped HTML.
        return linebreaks(escape(item.summary))

    def item_link(self, item: InformationItem) -> str:
        return item.feed_url

    def item_updateddate(self, item: InformationItem):
        return item.listed_at

    def item_author_name(self, item: InformationItem) -> str:
        return item.holding_unit.name

    def item_author_link(self, item: InformationItem) -> str:
        return item.feed_unit_url

    def item_categories(self, item: InformationItem) -> list[str]:
        return [str(item.get_category_display())]

    def item_enclosures(self, item: InformationItem) -> list[Enclosure]:
        return item.feed_files


feed = public_page(NewlyListedFeed())
