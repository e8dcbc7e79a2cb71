"""Every public page, list API and feed reads the database a fixed number of times,
however many rows it shows: no query per row (issue 20)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lentera.documents.services import add_document
from lentera.register.constants import Category
from lentera.search import index
from lentera.testing import new_item, pdf_upload, publish_item

# Every address the public reads a list of rows from, and the item page.
PAGES = [
    "/",
    "/dip/",
    "/dip/?kategori=berkala&tahun=2025",
    "/dip/biro-kesra/",
    "/dik/",
    "/cari/?q=laporan",
    "/feed/",
    "/sitemap.xml",
    "/catalog.ttl",
    "/api/v1/items",
    "/api/3/action/package_list",
    "/api/3/action/package_search?q=laporan",
    "/api/3/action/package_search?rows=50",
    "/api/3/action/current_package_list_with_resources",
    "/api/3/action/organization_list?all_fields=true",
]


def published(world, title: str, files: int):
    item = new_item(world, title=title, form_softcopy=bool(files), year=2025)
    for n in range(files):
        add_document(item, world.officer, pdf_upload(f"{item.pk}-{n}.pdf", f"{title} {n}"))
    return publish_item(world, item)


def exempt(world, title: str):
    item = new_item(world, title=title, category=Category.EXEMPT)
    add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", title))
    return publish_item(world, item)


def queries(client, url: str) -> int:
    """What building the answer costs (not what serving it kept costs)."""
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_no_page_reads_once_per_row(client, world):
    first = published(world, "Laporan Keuangan 2025", files=1)
    published(world, "Laporan Kinerja 2025", files=0)
    exempt(world, "Data Pribadi 2025")
    index.rebuild()
    for url in PAGES:  # warm Django's own caches (content types, templates)
        queries(client, url)
    before = {url: queries(client, url) for url in PAGES}
    item_before = queries(client, f"/informasi/{first.pk}/")

    more = [published(world, f"Laporan Triwulan {n} 2025", files=n % 3) for n in range(6)]
    for n in range(6):
        exempt(world, f"Data Dikecualikan {n}")
    index.rebuild()

    after = {url: queries(client, url) for url in PAGES}
    assert after == before
    # An item with two files costs what an item with one costs.
    assert more[2].documents.count() == 2
    assert queries(client, f"/informasi/{more[2].pk}/") == item_before
