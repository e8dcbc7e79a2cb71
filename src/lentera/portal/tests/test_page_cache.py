"""Public pages kept per register state: a change shows at once, each visitor keeps
their own CSRF token, and nobody signed in ever gets a kept page (issue 20)."""

import datetime
import re
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lentera.accounts.services import issue_token
from lentera.documents.constants import TextStatus
from lentera.documents.extraction import extract_version
from lentera.documents.services import add_document
from lentera.register.constants import Disposition
from lentera.register.models import RetentionRule
from lentera.register.retention import set_retention
from lentera.register.workflow import withdraw
from lentera.testing import new_item, pdf_upload, publish_item

PAGES = ["/", "/dip/", "/dip/biro-kesra/", "/feed/", "/sitemap.xml", "/catalog.ttl"]
ATOM = "{http://www.w3.org/2005/Atom}"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def text(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def listed(world):
    return publish_item(
        world, new_item(world, title="Laporan Keuangan 2025", year=2025, form_softcopy=False)
    )


@pytest.mark.django_db
def test_a_kept_page_costs_only_the_register_state(client, listed):
    for url in PAGES:
        text(client, url)
        with CaptureQueriesContext(connection) as ctx:
            assert f"/informasi/{listed.pk}/" in text(client, url)
        assert len(ctx.captured_queries) == 1, url  # the register's state


@pytest.mark.django_db
def test_publication_withdrawal_and_renaming_show_at_once(client, world, listed):
    kept = {url: text(client, url) for url in PAGES}
    new = new_item(world, title="Rencana Kerja 2026", year=2026, form_softcopy=False)
    assert all(f"/informasi/{new.pk}/" not in page for page in kept.values())
    publish_item(world, new)
    for url in PAGES:
        assert f"/informasi/{new.pk}/" in text(client, url), url

    withdraw(listed, world.approver, "Salah unggah.")
    for url in PAGES:
        assert f"/informasi/{listed.pk}/" not in text(client, url), url

    # A unit renamed in the admin records no event: its columns are in the state.
    world.unit.name = "Biro Kesejahteraan Rakyat Baru"
    world.unit.save()
    assert "Biro Kesejahteraan Rakyat Baru" in text(client, "/dip/")


@pytest.mark.django_db
def test_failed_logins_from_anyone_never_empty_the_kept_pages(client, settings, world, listed):
    from django.urls import reverse

    from lentera.accounts.constants import Verb as AccountVerb
    from lentera.audit.models import ActivityEvent

    for url in PAGES:
        text(client, url)
    for address in ("203.0.113.7", "198.51.100.8"):  # two lockouts, two log entries
        attacker = Client(REMOTE_ADDR=address)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attacker.post(
                reverse("office:login"), {"username": world.officer.username, "password": "x"}
            )
    assert ActivityEvent.objects.filter(verb=AccountVerb.LOCKED_OUT).count() == 2
    for url in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            assert f"/informasi/{listed.pk}/" in text(client, url)
        assert len(ctx.captured_queries) == 1, url  # still kept
    withdraw(listed, world.approver, "Salah unggah.")  # while a publication still shows
    for url in PAGES:
        assert f"/informasi/{listed.pk}/" not in text(client, url), url


@pytest.mark.django_db
def test_every_visitor_gets_their_own_working_csrf_token(listed):
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = text(visitor, "/dip/")
        token = TOKEN.search(page)[1]
        tokens.append(token)
        # The kept page's language form works for this visitor's own cookie.
        response = visitor.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert "Public Information List" in text(visitor, "/dip/")
    assert tokens[0] != tokens[1]


@pytest.mark.django_db
def test_languages_and_signed_in_visitors_never_share_a_kept_page(client, world, listed):
    assert 'lang="id"' in text(client, "/dip/", accept_language="id")
    assert 'lang="en"' in text(client, "/dip/", accept_language="en")

    officer = Client()
    officer.force_login(world.officer)
    assert "/kantor/keluar/" in text(officer, "/dip/")
    assert "/kantor/keluar/" not in text(client, "/dip/")


@pytest.mark.django_db
def test_a_thumbnail_made_after_publication_shows_on_the_kept_item_page(client, world):
    item = new_item(world, title="Laporan Bergambar 2025", year=2025, form_softcopy=True)
    version = add_document(item, world.officer, pdf_upload("gambar.pdf", "Laporan Bergambar"))
    publish_item(world, item)
    url = f"/informasi/{item.pk}/"
    assert 'class="thumbnail"' not in text(client, url)  # the job has not run yet

    assert extract_version(version.pk) == TextStatus.DONE  # no recorded action
    assert 'class="thumbnail"' in text(client, url)


@pytest.mark.django_db
def test_the_api_list_is_kept_for_the_public_never_for_a_token(client, world, listed):
    def titles(**headers) -> set[str]:
        response = client.get("/api/v1/items", headers=headers)
        assert response.status_code == 200
        return {row["title"] for row in response.json()["items"]}

    assert titles() == {"Laporan Keuangan 2025"}
    draft = new_item(world, title="Draf Rencana Internal", form_softcopy=False)
    _record, token = issue_token(world.officer, name="tes")  # recorded: a new state
    bearer = {"authorization": f"Bearer {token}"}
    assert titles(**bearer) == {"Laporan Keuangan 2025", draft.title}
    assert titles() == {"Laporan Keuangan 2025"}
    assert titles(**bearer) == {"Laporan Keuangan 2025", draft.title}
    with CaptureQueriesContext(connection) as ctx:
        assert titles() == {"Laporan Keuangan 2025"}
    assert len(ctx.captured_queries) == 1  # kept: only the register's state is read
    publish_item(world, draft)
    assert titles() == {"Laporan Keuangan 2025", draft.title}


@pytest.mark.django_db
def test_kept_search_results_follow_the_index(
    client, world, listed, django_capture_on_commit_callbacks
):
    url = "/cari/?q=kelelawar"
    ckan = "/api/3/action/package_search?q=kelelawar"
    assert "Laporan Bergambar" not in text(client, url)
    assert client.get(ckan).json()["result"]["count"] == 0
    with CaptureQueriesContext(connection) as ctx:
        text(client, url)
    assert len(ctx.captured_queries) == 1  # kept: the register's state (the index bumps it)

    # The word is only in the file, whose text the background job extracts after the
    # publication: no recorded action, but the index changes.
    with django_capture_on_commit_callbacks(execute=True):  # the index follows commits
        item = new_item(world, title="Laporan Bergambar 2025", year=2025, form_softcopy=True)
        version = add_document(item, world.officer, pdf_upload("gambar.pdf", "Kelelawar"))
        publish_item(world, item)
    assert "Laporan Bergambar" not in text(client, url)  # not extracted yet
    with django_capture_on_commit_callbacks(execute=True):
        assert extract_version(version.pk) == TextStatus.DONE
    assert "Laporan Bergambar" in text(client, url)
    assert client.get(ckan).json()["result"]["count"] == 1


@pytest.mark.django_db
def test_an_officers_flash_message_never_reaches_a_kept_page(world, listed):
    officer = Client()
    officer.force_login(world.officer)
    draft = new_item(world, title="Draf internal", form_softcopy=True)
    upload = pdf_upload("Rancangan_SK_RAHASIA.pdf", "isi")
    response = officer.post(f"/kantor/informasi/{draft.pk}/unggah/", {"file": upload, "title": "t"})
    assert response.status_code == 302
    # Signed out, the officer's browser still holds the message cookie.
    carrier = Client()
    carrier.cookies["messages"] = response.cookies["messages"].value
    for url in PAGES[:3]:
        assert "Rancangan_SK_RAHASIA" in text(carrier, url)  # their own message, once
        carrier.cookies["messages"] = response.cookies["messages"].value
        assert "Rancangan_SK_RAHASIA" not in text(Client(), url)


@pytest.mark.django_db
def test_a_title_like_a_token_field_is_never_rewritten(world):
    # Atom does not escape quotes in text: only HTML answers carry a token to replace.
    title = 'Memo name="csrfmiddlewaretoken" value="ASLI selesai'
    publish_item(world, new_item(world, title=title, year=2025, form_softcopy=False))
    for _ in range(2):  # built, then kept
        response = Client().get("/feed/")
        entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == title
        assert "csrftoken" not in response.cookies
        assert Client().get("/api/v1/items").json()["items"][0]["title"] == title


@pytest.mark.django_db
def test_a_unit_saved_with_a_clock_behind_still_shows(client, world, listed):
    world.other_unit.save()  # another server, or a transaction that committed first
    assert world.unit.name in text(client, "/dip/")
    late = timezone.now() - datetime.timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=late):
        world.unit.name = "Biro Kesra Baru"
        world.unit.save()
    assert "Biro Kesra Baru" in text(client, "/dip/")


@pytest.mark.django_db
def test_a_retention_code_corrected_in_the_admin_shows_on_kept_item_pages(client, world):
    rule = RetentionRule.objects.create(
        body=world.body,
        code="000.1",
        record_type="Laporan kinerja",
        active_years=2,
        inactive_years=3,
        disposition=Disposition.PERMANENT,
    )
    item = new_item(world, title="LKjIP 2025", form_softcopy=False)
    set_retention(item, world.officer, rule)
    publish_item(world, item)
    assert "000.1" in text(client, f"/informasi/{item.pk}/")
    rule.code = "000.2.1"  # an admin's correction: no recorded action
    rule.save()
    assert "000.2.1" in text(client, f"/informasi/{item.pk}/")


@pytest.mark.django_db
def test_with_no_pages_kept_every_answer_is_built(client, settings, world, listed):
    # LENTERA_PAGE_CACHE_MB=0
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert f"/informasi/{listed.pk}/" in text(client, "/dip/")
        assert len(ctx.captured_queries) > 1  # built each time


@pytest.mark.django_db
def test_results_kept_before_the_index_caught_up_are_built_again(
    client, world, listed, django_capture_on_commit_callbacks
):
    url = "/cari/?q=rencana"
    with django_capture_on_commit_callbacks() as refreshes:
        item = new_item(world, title="Rencana Kerja 2026", form_softcopy=False)
        publish_item(world, item)
    # Published and recorded, the index not refreshed yet: a visitor searches between.
    assert f"/informasi/{item.pk}/" not in text(client, url)
    for refresh in refreshes:
        refresh()
    assert f"/informasi/{item.pk}/" in text(client, url)


def test_kept_pages_stay_within_their_byte_budget_dropping_the_least_recently_read():
    from concurrent.futures import ThreadPoolExecutor

    from lentera.register.page_cache import KeptPages

    kept = KeptPages("test-budget", {"OPTIONS": {"MAX_BYTES": 11_000}})
    kept.clear()

    def page(n: int, size: int = 2_000) -> tuple:
        return (b"x" * size, [("Content-Type", "text/html")], False)

    for n in range(4):
        kept.set(f"p{n}", page(n))
    assert kept.get("p0") is not None  # read: now the most recent
    kept.set("p4", page(4))  # 5 x 2.5 KB > 11 KB: the least recently read goes
    assert kept.get("p1") is None
    assert all(kept.get(f"p{n}") is not None for n in (0, 2, 3, 4))
    kept.set("huge", page(0, size=20_000))  # larger than the whole budget: never kept
    assert kept.get("huge") is None and kept.get("p4") is not None

    def churn(n: int) -> None:  # eight threads setting and reading at once
        for i in range(300):
            kept.set(f"t{n}-{i % 17}", page(i, size=100 + i))
            kept.get(f"t{(n + 1) % 8}-{i % 17}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(churn, range(8)))
    store, size = kept._kept, kept._size[0]
    assert size == sum(s for _, s in store.values()) <= 11_000
    kept.set("shared", page(0))
    assert KeptPages("test-budget", {}).get("shared") is not None  # one store per place
