"""The officer's own pages meet WCAG 2.1 AA (axe-core) at desktop width and on a 390 px
phone: the work list, an item's page (with its upload box), the new-entry form, its
history, the dashboard, notifications, hard copies and the account page."""

import pytest

from lentera.documents.services import add_document
from lentera.portal.tests.conftest import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    axe_source,
    describe,
    open_context,
    wcag_violations,
)
from lentera.portal.tests.test_phone_width import PHONE_390
from lentera.testing import new_item, pdf_upload, sample_hardcopy

from .test_browser_sop_003 import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officers_pages_meet_wcag_on_desktop_and_phone(
    live_server,
    world,
    open_context,  # noqa: F811
    wcag_violations,  # noqa: F811
):
    item = new_item(world, title="Laporan Realisasi Anggaran Semester I 2025")
    add_document(item, world.officer, pdf_upload("laporan-realisasi-2025.pdf"))
    sample_hardcopy(world, item)
    base = live_server.url
    paths = (
        "/kantor/",
        f"/kantor/informasi/{item.pk}/",
        f"/kantor/informasi/{item.pk}/ubah/",
        f"/kantor/informasi/{item.pk}/riwayat/",
        "/kantor/informasi/baru/",
        "/kantor/dasbor/",
        "/kantor/pemberitahuan/",
        "/kantor/arsip-fisik/",
        "/kantor/kalender/",
        "/kantor/akun/",
    )
    problems = []
    for size in (DESKTOP, PHONE_390):
        page = open_context(**size).new_page()
        log_in(page, base, world.officer)
        for path in paths:
            response = page.goto(base + path)
            assert response.status == 200, path
            found = wcag_violations(page)
            if found:
                problems.append(f"{path} at {size['viewport']['width']} px: {describe(found)}")
    assert not problems, "\n".join(problems)
