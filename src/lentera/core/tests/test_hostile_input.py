"""Bad input never gives a server error: every URL of the site with numbers too large
for the database, and random query parameters (NUL, invalid UTF-8, huge numbers,
long text) on the public pages, the CKAN API and the JSON API; NUL in JSON bodies.
Run on SQLite and PostgreSQL (CI runs the suite on both)."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lentera.accounts.services import issue_token
from lentera.documents.services import add_document
from lentera.testing import new_item, pdf_upload, publish_item

pytestmark = pytest.mark.django_db

HUGE = ("9" * 19, "9" * 40, str(2**63), str(2**64 + 1), "-1", "0")
PARAMS = (
    "badan", "unit", "kategori", "tahun", "q", "p", "page", "section", "offset", "limit",
    "status", "category", "rows", "start", "fq", "sort", "id", "all_fields", "urutan",
)  # fmt: skip
PUBLIC = (
    "/", "/dip/", "/dik/", "/cari/", "/feed/", "/sitemap.xml", "/dip.csv", "/dip.xlsx",
    "/penetapan-dip/", "/sop/", "/api/v1/items", "/api/3/action/package_search",
    "/api/3/action/package_list", "/api/3/action/organization_show",
    "/api/3/action/current_package_list_with_resources", "/api/3/action/group_show",
)  # fmt: skip


def patterns(resolver: URLResolver | None = None, prefix: str = ""):
    """Every URL pattern of the site as a regex-like string, e.g. informasi/<id:pk>/."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def filled(route: str, number: str) -> str | None:
    """The route with every <converter:name> replaced; None for regex routes."""
    if route.startswith("^") or "(?P" in route:
        return None
    url = re.sub(r"<(?:id|int):\w+>", number, route)
    url = re.sub(r"<(?:slug|str):\w+>", "x", url)
    url = re.sub(r"<path:\w+>", "x/y", url)
    return "/" + url


@pytest.fixture
def clients(world):
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    publish_item(world, item)
    _, token = issue_token(world.officer, name="tes")
    officer = Client(raise_request_exception=False)
    officer.force_login(world.officer)
    bearer = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    return Client(raise_request_exception=False), officer, bearer, item


def test_every_url_with_numbers_too_large_for_the_database(clients):
    anonymous, officer, bearer, _ = clients
    routes = [url for route in patterns() for number in HUGE if (url := filled(route, number))]
    assert len(routes) > 100  # the whole site, not a sample
    errors = []
    for url in routes:
        for client in (anonymous, officer, bearer):
            response = client.get(url)
            if response.status_code >= 500:
                errors.append((url, response.status_code))
    assert errors == []


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    page=st.sampled_from(PUBLIC),
    params=st.dictionaries(
        st.sampled_from(PARAMS),
        st.one_of(
            st.sampled_from(HUGE),
            st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
            st.just("a\x00b"),
            st.text(min_size=3000, max_size=3000, alphabet="ab ").map(str),
        ),
        max_size=4,
    ),
    raw=st.sampled_from(["", "&x=%ff%fe", "&q=%00", "&tahun=%C0%80"]),
)
def test_public_pages_answer_any_query_without_a_server_error(clients, page, params, raw):
    anonymous, _, bearer, _ = clients
    for client in (anonymous, bearer):
        response = client.get(page + "?" + _encode(params) + raw)
        assert response.status_code < 500, (page, params, raw)


def _encode(params: dict) -> str:
    return urlencode(params)


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/items", {"title": "Laporan\x00"}),
        ("/api/v1/items/{pk}/withdraw", {"note": "salah\x00"}),
        ("/api/v1/items/{pk}/hardcopies", {"location": "Rak\x00 1"}),
        ("/api/v1/items/{pk}/reopen", {"note": "x", "extra": ["\x00"]}),
    ],
)
def test_nul_in_json_is_refused_with_a_clear_message(clients, path, body):
    _, _, bearer, item = clients
    before = item.events.count()
    response = bearer.post(
        path.format(pk=item.pk),
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert item.events.count() == before  # nothing happened


def test_the_text_backslash_u0000_is_not_a_nul(clients):
    """A literal backslash followed by u0000 is ordinary text."""
    _, _, bearer, item = clients
    response = bearer.post(
        f"/api/v1/items/{item.pk}/reopen",
        json.dumps({"note": "kode \\u0000 di berkas lama"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_nul_in_a_form_or_query_answers_400_in_the_visitors_language(clients):
    anonymous, officer, _, item = clients
    response = anonymous.get("/dip/?badan=a%00b", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    assert "karakter NUL" in response.content.decode()
    before = item.events.count()
    response = officer.post(
        f"/kantor/informasi/{item.pk}/",
        urlencode({"note": "a\x00", "reopen": "1", "lock_version": item.lock_version}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    # A multipart form reaches the view, whose form field refuses NUL itself.
    response = officer.post(
        f"/kantor/informasi/{item.pk}/",
        {"note": "a\x00", "reopen": "1", "lock_version": item.lock_version},
    )
    assert response.status_code < 500
    assert item.events.count() == before


def test_nul_is_refused_whatever_the_content_type_says(clients):
    _, _, bearer, item = clients
    before = item.events.count()
    for content_type in ("text/plain", "application/x-json"):
        response = bearer.post(
            f"/api/v1/items/{item.pk}/reopen",
            '{"note": "salah\\u0000"}',
            content_type=content_type,
        )
        assert response.status_code == 400, content_type
    response = bearer.post(
        f"/api/v1/items/{item.pk}/documents",
        {"title": "Judul\x00X", "file": pdf_upload()},
    )
    assert response.status_code == 400
    assert item.events.count() == before
