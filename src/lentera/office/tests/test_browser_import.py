"""Importing a DIP in Chromium: the PPID Utama's officer uploads a real XLSX, reads the
preview and saves; the head of the PPID confirms; the entries appear in the public
DIP. Both office pages meet WCAG 2.1 AA (axe-core) at desktop width and on a phone,
with nothing scrolling sideways on the phone."""

import pytest

from lentera.organizations.constants import Role
from lentera.portal.tests.conftest import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    PHONE,
    axe_source,
    describe,
    open_context,
    wcag_violations,
)
from lentera.register.tests.test_dip_import import ROWS, merged_xlsx
from lentera.testing import make_user

from .test_browser_sop_003 import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page, wcag_violations) -> None:  # noqa: F811
    found = wcag_violations(page)
    assert not found, describe(found)
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{page.url} scrolls sideways"


def test_import_preview_save_confirm_in_a_browser(
    live_server,
    world,
    open_context,  # noqa: F811
    wcag_violations,  # noqa: F811
    tmp_path,
):
    base = live_server.url
    head = make_user("kepala.ppid", world.main, Role.APPROVER)
    sheet = tmp_path / "dip-2025.xlsx"
    sheet.write_bytes(merged_xlsx())
    phone = open_context(**PHONE).new_page()
    page = open_context(**DESKTOP).new_page()

    log_in(page, base, world.main_officer)
    page.click("a[href='/kantor/impor/']")
    page.set_input_files("#id_file", str(sheet))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-rows")
    assert page.locator("#import-rows tbody tr").count() == len(ROWS)
    _checked(page, wcag_violations)
    page.click("#import-save button")
    page.wait_for_selector("#batch-refusal")  # the importer does not decide
    _checked(page, wcag_violations)
    batch_url = page.url
    log_out(page)

    log_in(phone, base, head)
    phone.goto(batch_url)
    _checked(phone, wcag_violations)
    phone.goto(f"{base}/kantor/impor/")
    _checked(phone, wcag_violations)
    phone.goto(batch_url)
    phone.click("button[name=confirm]")
    phone.wait_for_selector(".msg.success")
    assert "Dikonfirmasi" in phone.inner_text("#batch-state")
    phone.goto(f"{base}/dip/")
    assert "Daftar Penerima Bantuan Sosial 2024" in phone.content()  # hard copy only
    assert "Rencana Strategis 2025-2029" not in phone.content()  # waits for its file
