"""The home page: search, the register's size, the serta merta banner, recent entries."""

import datetime

import lxml.html
from django.urls import reverse
from django.utils import timezone

from lentera.portal.selectors import SERTA_MERTA_DAYS
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.workflow import complete_step
from lentera.testing import build_world, new_item, publish_item

EN = {"accept-language": "en"}


def listed(world, title, **fields):
    return publish_item(world, new_item(world, title=title, form_softcopy=False, **fields))


def home(client):
    response = client.get("/", headers=EN)
    assert response.status_code == 200
    return response.content.decode()


def banner(html):
    doc = lxml.html.fromstring(html)
    regions = doc.xpath("//section[@aria-labelledby='serta-merta-heading']")
    if not regions:
        return None
    (region,) = regions
    heading = doc.xpath("//*[@id='serta-merta-heading']")[0].text_content()
    return heading, [(a.text_content(), a.get("href")) for a in region.xpath(".//li/a")]


def test_banner_shows_recent_serta_merta_items_only(client, world):
    active = listed(world, "Peringatan Dini Banjir Rob", category=Category.IMMEDIATE)
    old = listed(world, "Peringatan Kabut Asap 2023", category=Category.IMMEDIATE)
    InformationItem.objects.filter(pk=old.pk).update(
        listed_at=timezone.now() - datetime.timedelta(days=SERTA_MERTA_DAYS + 1)
    )
    draft = new_item(world, title="Draf Peringatan Gempa", category=Category.IMMEDIATE)
    complete_step(draft, world.officer)
    listed(world, "Laporan Kinerja Berkala")
    heading, entries = banner(home(client))
    assert heading == "Immediate information (serta merta)"
    assert entries == [(active.title, reverse("portal:item", args=[active.pk]))]


def test_banner_lists_at_most_five_newest_first(client, world):
    items = [listed(world, f"Peringatan Dini {n}", category=Category.IMMEDIATE) for n in range(7)]
    now = timezone.now()
    for age, item in enumerate(items):
        InformationItem.objects.filter(pk=item.pk).update(
            listed_at=now - datetime.timedelta(days=age)
        )
    _, entries = banner(home(client))
    assert [title for title, _ in entries] == [f"Peringatan Dini {n}" for n in range(5)]


def test_no_banner_without_serta_merta_items(client, world):
    listed(world, "Laporan Kinerja Berkala")
    assert banner(home(client)) is None


def test_home_has_a_search_box_for_the_search_page(client, world):
    doc = lxml.html.fromstring(home(client))
    (form,) = doc.xpath("//form[@role='search']")
    assert form.get("action") == reverse("portal:search")
    assert form.get("method") == "get"
    assert form.xpath(".//input/@name") == ["q"]
    assert form.xpath(".//label/@for") == form.xpath(".//input/@id")


def test_home_counts_entries_and_links_the_registers_and_bodies(client, world):
    other = build_world(prefix="bangka-")
    listed(world, "Renstra Biro Kesra")
    listed(world, "Renja Biro Kesra")
    listed(other, "Renstra Badan Lain")
    html = home(client)
    assert "The Public Information List (DIP) holds 3 entries." in html
    doc = lxml.html.fromstring(html)
    hrefs = set(doc.xpath("//main//a/@href"))
    for name in ("portal:dip", "portal:dik", "portal:editions"):
        assert reverse(name) in hrefs
    assert "/dip/?badan=kalbar" in hrefs and "/dip/?badan=bangka-kalbar" in hrefs
    body = doc.xpath("//li[a[@href='/dip/?badan=kalbar']]")[0].text_content()
    assert "(2 entries)" in body


def test_recently_listed_are_newest_first_and_never_unpublished(client, world):
    first = listed(world, "Renstra Biro Kesra")
    second = listed(world, "Renja Biro Kesra")
    InformationItem.objects.filter(pk=first.pk).update(
        listed_at=timezone.now() - datetime.timedelta(days=3)
    )
    draft = new_item(world, title="Draf Rencana Kerja")
    complete_step(draft, world.officer)
    exempt = new_item(world, title="Data Rahasia", category=Category.EXEMPT, form_softcopy=False)
    publish_item(world, exempt)
    doc = lxml.html.fromstring(home(client))
    recent = [a.text_content() for a in doc.xpath("//ul[@class='recent']/li/a")]
    assert recent == [second.title, first.title]


def test_home_query_budget(client, world, django_assert_max_num_queries):
    for n in range(3):
        listed(world, f"Peringatan {n}", category=Category.IMMEDIATE)
        listed(world, f"Laporan {n}")
    # + 1: the register's state, the key of the page kept for anonymous visitors
    with django_assert_max_num_queries(5 + 1):
        home(client)
