"""The sitemap lists every public page and validates; robots.txt points crawlers at it."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.urls import reverse
from lxml import etree

from lentera.portal import discovery
from lentera.portal.tests.test_feeds import build_register
from lentera.register.models import DipEdition

XSD = Path(__file__).parent / "data" / "sitemap-0.9.xsd"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SM = "{" + NS["sm"] + "}"  # Clark notation for tag names
HOST = "http://testserver"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def register(world):
    register = build_register(world)
    register.edition = DipEdition.objects.create(
        body=world.body,
        decree_number="SK PPID 7/2025",
        decided_on=datetime.date(2025, 3, 10),
        signer="Kepala Dinas Komunikasi dan Informatika",
        issued_by=world.approver,
        item_count=2,
    )
    return register


def fetch(client, schema, url: str) -> etree._Element:
    """GET a sitemap document and check it against the sitemaps.org 0.9 schema."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    return root


def sitemap_urls(root: etree._Element) -> dict[str, str | None]:
    """loc → lastmod of a <urlset>."""
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.iterfind("sm:url", NS)
    }


def test_sitemap_validates_and_lists_every_public_page(client, register, schema):
    root = fetch(client, schema, reverse("portal:sitemap"))
    assert root.tag == SM + "urlset"
    urls = sitemap_urls(root)
    world = register.world
    expected = [
        reverse("portal:home"),
        reverse("portal:dip"),
        reverse("portal:dik"),
        reverse("portal:sop-list"),
        reverse("portal:sop", args=[world.body.sop.pk]),
        reverse("portal:unit-dip", args=[world.unit.slug]),
        reverse("portal:unit-dip", args=[world.other_unit.slug]),
        reverse("portal:unit-dip", args=[register.other_world.unit.slug]),
        reverse("portal:edition", args=[register.edition.pk]),
        *(reverse("portal:item", args=[item.pk]) for item in register_items(register)),
    ]
    for path in expected:
        assert HOST + path in urls, path


def register_items(register):
    return [register.renstra, register.wabah, register.sekolah]


def test_items_carry_the_date_they_were_listed(client, register, schema):
    urls = sitemap_urls(fetch(client, schema, reverse("portal:sitemap")))
    assert urls[HOST + reverse("portal:item", args=[register.renstra.pk])] == "2025-03-01"
    assert urls[HOST + reverse("portal:item", args=[register.sekolah.pk])] == "2025-03-03"
    # A unit's DIP page changed when its newest entry was listed.
    unit_page = HOST + reverse("portal:unit-dip", args=[register.world.unit.slug])
    assert urls[unit_page] == "2025-03-01"


def test_hidden_items_and_units_without_public_items_are_left_out(client, register, schema):
    response = client.get(reverse("portal:sitemap"))
    urls = sitemap_urls(fetch(client, schema, reverse("portal:sitemap")))
    for item in register.hidden:
        assert HOST + reverse("portal:item", args=[item.pk]) not in urls
        assert item.title.encode() not in response.content
    # The PPID Utama holds no public item of its own.
    assert HOST + reverse("portal:unit-dip", args=[register.world.main.slug]) not in urls
    assert not any("/kantor/" in url or "/admin/" in url for url in urls)


def test_large_site_is_served_as_an_index_of_pages(client, register, schema, monkeypatch):
    single = sitemap_urls(fetch(client, schema, reverse("portal:sitemap")))
    monkeypatch.setattr(discovery.Section, "limit", 3)
    caches["pages"].clear()  # the page kept for this register state had no limit

    index = fetch(client, schema, reverse("portal:sitemap"))
    assert index.tag == SM + "sitemapindex"
    locations = [loc.text for loc in index.iterfind("sm:sitemap/sm:loc", NS)]
    assert HOST + "/sitemap.xml?section=items" in locations
    assert HOST + "/sitemap.xml?section=items&p=2" not in locations  # three items: one page
    assert HOST + "/sitemap.xml?section=pages&p=2" in locations  # five pages: two
    paged: dict[str, str | None] = {}
    for location in locations:
        url = urlsplit(location)
        page = fetch(client, schema, f"{url.path}?{url.query}")
        assert len(page) <= 3
        paged.update(sitemap_urls(page))
    assert paged == single


def test_index_gives_each_section_its_latest_change(client, register, schema, monkeypatch):
    monkeypatch.setattr(discovery.Section, "limit", 3)
    index = fetch(client, schema, reverse("portal:sitemap"))
    lastmods = {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in index.iterfind("sm:sitemap", NS)
    }
    assert lastmods[HOST + "/sitemap.xml?section=items"].startswith("2025-03-03T09:00:00")


@pytest.mark.parametrize(
    "query", ["?section=rahasia", "?section=items&p=2", "?section=items&p=x", "?p=2"]
)
def test_unknown_section_or_page_is_not_found(client, register, query):
    assert client.get(reverse("portal:sitemap") + query).status_code == 404


def test_empty_section_is_not_served_as_an_invalid_urlset(client, db):
    assert client.get(reverse("portal:sitemap") + "?section=editions").status_code == 404


def test_empty_site_still_gives_a_valid_sitemap(client, db, schema):
    urls = sitemap_urls(fetch(client, schema, reverse("portal:sitemap")))
    assert HOST + reverse("portal:home") in urls


def test_robots_txt_keeps_crawlers_out_of_the_office_and_points_at_the_sitemap(client, db):
    response = client.get(reverse("portal:robots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/kantor/", "/admin/", "/api/v1/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert not any(line.startswith("Disallow: /api/3") for line in lines)
    assert "Disallow: /dip.pdf" in lines  # built on request: not for crawlers
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_uses_the_address_it_was_asked_on(client, db):
    response = client.get(reverse("portal:robots"), secure=True, HTTP_HOST="localhost")
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()


@pytest.mark.parametrize(
    "document",
    [
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>/informasi/1/</loc></url></urlset>",
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://testserver/</loc><lastmod>2025-03-01T09:00</lastmod></url></urlset>",
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><lastmod>2025-03-01</lastmod></sitemap></sitemapindex>",
    ],
)
def test_schema_rejects_what_the_protocol_forbids(schema, document):
    assert not schema.validate(etree.fromstring(document))


def test_favicon_ico_leads_to_the_logo(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    logo = client.get(response["Location"])
    assert logo.status_code == 200 and b"<svg" in b"".join(logo.streaming_content)
