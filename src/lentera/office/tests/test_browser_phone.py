"""The office on a 390 x 844 phone (Chromium): the work list, an item's page, the
dashboard and the forms fit the screen, with nothing scrolling sideways."""

import pytest

from lentera.documents.services import add_document
from lentera.portal.tests.conftest import open_context  # noqa: F401  (fixture)
from lentera.portal.tests.test_phone_width import PHONE_390, sideways
from lentera.testing import new_item, pdf_upload, sample_hardcopy

from .test_browser_sop_003 import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officers_pages_fit_a_390_px_phone(live_server, world, open_context):  # noqa: F811
    item = new_item(
        world,
        title="Laporan Realisasi Anggaran Pendapatan dan Belanja Daerah Semester I 2025",
    )
    add_document(item, world.officer, pdf_upload("laporan-realisasi-semester-1-2025.pdf"))
    sample_hardcopy(world, item)
    page = open_context(**PHONE_390).new_page()
    base = live_server.url
    log_in(page, base, world.officer)
    problems = []
    for path in (
        "/kantor/",
        f"/kantor/informasi/{item.pk}/",
        f"/kantor/informasi/{item.pk}/ubah/",
        f"/kantor/informasi/{item.pk}/riwayat/",
        "/kantor/informasi/baru/",
        "/kantor/dasbor/",
        "/kantor/pemberitahuan/",
        "/kantor/arsip-fisik/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        problems.append(sideways(page))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
    # The signed-in header (menu, office menu, language, account) leaves the screen to
    # the work: at most a quarter of it.
    page.goto(base + "/kantor/")
    header = page.evaluate("document.querySelector('header.site').getBoundingClientRect().height")
    assert header <= 844 / 4, f"the header takes {header:.0f} px of 844"
