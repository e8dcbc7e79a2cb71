"""Browser fixtures for the public website: Chromium, axe-core and a small published DIP."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from lentera.documents.services import add_document
from lentera.register.constants import Category
from lentera.testing import build_world, new_item, pdf_upload, publish_item

AXE_PATH = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Browser context options: a desktop screen, and a phone that honours <meta name=viewport>.
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SEARCH_WORD = "Jembatan"  # in the published item's title and nowhere else


@pytest.fixture
def page(browser):
    """A visitor whose browser asks for Indonesian, at desktop width."""
    # bypass_csp: the tests inject axe-core, an inline script the site's CSP refuses
    # (core/tests/test_browser_csp.py checks the site under its policy).
    context = browser.new_context(locale="id-ID", accept_downloads=True, bypass_csp=True, **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def open_context(browser):
    """Open more browser contexts (a phone, JavaScript off); all closed after the test."""
    contexts = []

    def open_(**options):
        options.setdefault("locale", "id-ID")
        options.setdefault("bypass_csp", True)  # for axe-core, as above
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.is_file():
        pytest.fail(f"{AXE_PATH} is missing: run scripts/test, it installs axe-core with npm.")
    return AXE_PATH.read_text(encoding="utf-8")


def run_axe(page, source: str, run_only: dict) -> list[dict]:
    """Inject axe-core into `page` and return the violations of the rules `run_only` picks."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": run_only, "resultTypes": ["violations"]},
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """One line per violation, then the elements it was found on."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']!r}")
    return "\n".join(lines)


@pytest.fixture
def wcag_violations(axe_source):
    """The WCAG 2.1 A and AA violations axe-core finds in a page."""

    def find(page) -> list[dict]:
        return run_axe(page, axe_source, {"type": "tag", "values": WCAG_21_AA})

    return find


@dataclass
class PublicSite:
    """A published DIP on the live server and the public pages to visit."""

    base: str
    world: object
    item: object  # published, with a PDF online
    exempt: object  # in the DIK
    pages: dict[str, str]  # name -> path

    def url(self, name: str) -> str:
        return self.base + self.pages[name]


PAGE_NAMES = ["home", "dip", "unit-dip", "dik", "item", "search", "sop-list", "sop"]


@pytest.fixture
def public_site(live_server, transactional_db, run_worker) -> PublicSite:
    world = build_world()
    title = f"Laporan Pembangunan {SEARCH_WORD} Kapuas Tahun 2025"
    item = new_item(
        world,
        title=title,
        summary="Realisasi anggaran dan kemajuan fisik pembangunan jembatan penghubung.",
    )
    add_document(item, world.officer, pdf_upload("laporan-jembatan-2025.pdf", title))
    item = publish_item(world, item)
    exempt = new_item(
        world,
        title="Data Pribadi Penerima Bantuan Sosial 2025",
        summary="Nama dan alamat penerima bantuan sosial.",
        category=Category.EXEMPT,
    )
    add_document(exempt, world.officer, pdf_upload("penerima-bansos-2025.pdf", "Rahasia"))
    exempt = publish_item(world, exempt)
    run_worker()  # text extraction, thumbnails and search indexing, as in production
    pages = {
        "home": reverse("portal:home"),
        "dip": reverse("portal:dip"),
        "unit-dip": reverse("portal:unit-dip", args=[world.unit.slug]),
        "dik": reverse("portal:dik"),
        "item": reverse("portal:item", args=[item.pk]),
        "search": reverse("portal:search") + f"?q={SEARCH_WORD.lower()}",
        "sop-list": reverse("portal:sop-list"),
        "sop": reverse("portal:sop", args=[world.body.sop.pk]),
    }
    assert list(pages) == PAGE_NAMES
    return PublicSite(live_server.url, world, item, exempt, pages)


def open_page(page, url: str):
    """Go to `url` and insist that it answers 200."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        f"{url} answered {response.status if response else 'nothing'}"
    )
    return response


def switch_language(page, code: str) -> None:
    """Press the header's language button for `code` and wait for the page to come back."""
    with page.expect_navigation():
        page.click(f"header form.language button[value={code}]")
    assert page.locator("html").get_attribute("lang") == code
