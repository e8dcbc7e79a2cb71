"""The Content-Security-Policy allows no inline script or style, and Chromium obeys it:
every kind of page (public, office, admin, API docs) loads with no violation, and
what the pages' script does (printing) still works. A page with an inline script
proves the check would catch one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lentera.documents.services import add_document
from lentera.testing import PASSWORD, new_item, pdf_upload, publish_item, sample_hardcopy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, world):
    item = new_item(world, title="Laporan Keuangan 2025")
    add_document(item, world.officer, pdf_upload())
    hardcopy = sample_hardcopy(world, item)
    item = publish_item(world, item)
    get_user_model().objects.create_superuser("admin", "admin@example.go.id", PASSWORD)
    public = [
        reverse("portal:home"),
        reverse("portal:dip"),
        reverse("portal:dik"),
        reverse("portal:item", args=[item.pk]),
        reverse("portal:search") + "?q=laporan",
        reverse("portal:sop-list"),
        reverse("portal:sop", args=[world.body.sop.pk]),
        reverse("portal:editions"),
        "/api/v1/docs",
        reverse("office:login"),
        reverse("office:password-reset"),
    ]
    office = [
        reverse("office:my-work"),
        reverse("office:item", args=[item.pk]),
        reverse("office:item-history", args=[item.pk]),
        reverse("office:dashboard"),
        reverse("office:calendar"),
        reverse("office:notifications"),
        reverse("office:hardcopies-out"),
        reverse("office:hardcopy-label", kwargs={"hardcopy_id": hardcopy.pk}),
        reverse("office:account"),
    ]
    admin = ["/admin/", "/admin/register/informationitem/", "/admin/axes/accessattempt/"]
    return live_server.url, world, public, office, admin


def watch(page) -> list[str]:
    """Collect every CSP violation Chromium reports on `page`."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def login(page, base: str, username: str) -> None:
    page.goto(base + reverse("office:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/masuk/" not in url)


def visit(page, base: str, paths: list[str], found: list[str]) -> None:
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert not found, f"{path}: {found}"


def test_no_page_breaks_the_content_security_policy(browser, site):
    base, world, public, office, admin = site
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    found = watch(page)
    visit(page, base, public, found)
    login(page, base, world.officer.username)
    visit(page, base, office, found)
    context.close()

    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    found = watch(page)
    login(page, base, "admin")
    visit(page, base, admin, found)
    context.close()


def test_the_print_buttons_work_under_the_policy(browser, site):
    base, world, public, office, _ = site
    context = browser.new_context(locale="id-ID")
    context.add_init_script("window.print = () => { window.printed = true; };")
    page = context.new_page()
    found = watch(page)
    page.goto(base + public[6])  # an SOP
    page.click("a[data-print]")
    assert page.evaluate("window.printed") is True
    assert page.url == base + public[6]  # printed, not followed
    login(page, base, world.officer.username)
    page.goto(base + office[7])  # a hard copy's label
    page.evaluate("window.printed = false")
    page.click("button[data-print]")
    assert page.evaluate("window.printed") is True
    assert not found
    context.close()


def test_the_check_catches_an_inline_script(browser, live_server):
    """The same watch sees a violation when a page breaks the policy."""
    context = browser.new_context()
    page = context.new_page()
    found = watch(page)
    page.goto(live_server.url + reverse("portal:home"))
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None
    assert found and "script-src" in found[0]
    context.close()
