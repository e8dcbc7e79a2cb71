"""LENTERA_BASE_URL: every absolute link names the site's public address, whatever
address the request came by (a proxy, an internal name, plain HTTP on the inside)."""

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from lentera.portal.tests.test_feeds import build_register

BASE = "https://ppid.example.go.id"
INSIDE = "http://testserver"


@pytest.fixture
def register(world, django_capture_on_commit_callbacks, settings):
    settings.LENTERA_BASE_URL = BASE
    with django_capture_on_commit_callbacks(execute=True):
        return build_register(world)


def test_feed_sitemap_ckan_dcat_and_json_ld_name_the_public_address(client, register):
    item = register.renstra
    answers = {
        "feed": client.get("/feed/").content.decode(),
        "sitemap": client.get("/sitemap.xml").content.decode(),
        "ckan": client.get(f"/api/3/action/package_show?id={item.uuid}").content.decode(),
        "dcat": client.get("/catalog.ttl").content.decode(),
        "page": client.get(f"/informasi/{item.pk}/").content.decode(),
    }
    for name, text in answers.items():
        assert f"{BASE}/informasi/{item.pk}/" in text, name
        assert INSIDE not in text, name
    graph = Graph().parse(data=answers["dcat"], format="turtle")
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert str(dataset).startswith(BASE + "/")


def test_without_it_links_follow_the_request(client, register, settings):
    settings.LENTERA_BASE_URL = ""
    text = client.get("/feed/").content.decode()
    assert f"{INSIDE}/informasi/{register.renstra.pk}/" in text and BASE not in text
