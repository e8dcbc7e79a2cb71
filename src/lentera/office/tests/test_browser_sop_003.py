"""Seed 003 in a real browser: a unit officer inputs, the Kepala PPID approves,
the PPID Utama publishes, and a citizen downloads the file from the DIP."""

import pytest

from lentera.testing import PASSWORD, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Laporan Keuangan Biro Kesejahteraan Rakyat Tahun 2025"


def log_in(page, base, user):
    page.goto(f"{base}/kantor/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/kantor/")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user moves."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def log_out(page):
    page.click("header form[action$='/kantor/keluar/'] button")


def complete_current_step(page):
    page.click("button[name=complete]")
    page.wait_for_selector(".msg.success")


def test_seed_003_from_officer_to_public_dip(live_server, world, page, tmp_path):
    base = live_server.url
    pdf = tmp_path / "laporan-keuangan-2025.pdf"
    pdf.write_bytes(pdf_upload(text=TITLE).read())

    # Petugas PPID of the unit collects (step 1) and inputs (step 2).
    log_in(page, base, world.officer)
    page.click("a[href='/kantor/informasi/baru/']")
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_summary", "Neraca, laporan realisasi anggaran dan catatan atas laporan keuangan."
    )
    page.select_option("#id_holding_unit", str(world.unit.pk))
    page.fill("#id_responsible_official", "Kepala Biro Kesejahteraan Rakyat")
    page.fill("#id_made_on", "2026-03-31")
    page.fill("#id_made_place", "Pontianak")
    page.fill("#id_retention_period", "10 tahun")
    page.select_option("#id_category", "berkala")
    page.fill("#id_year", "2025")
    page.set_input_files("#id_file", str(pdf))
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#actions")
    item_url = page.url
    complete_current_step(page)  # step 1
    complete_current_step(page)  # step 2
    assert page.locator("#actions").count() == 0  # now waits for the Kepala PPID
    log_out(page)

    # Kepala PPID of the unit approves (step 3) from the work queue.
    log_in(page, base, world.approver)
    page.click(f"#queue a:text('{TITLE}')")
    complete_current_step(page)
    log_out(page)

    # Petugas PPID of the PPID Utama publishes (step 4); step 5 is the application's.
    log_in(page, base, world.main_officer)
    page.click(f"#queue a:text('{TITLE}')")
    assert page.url == item_url
    complete_current_step(page)
    assert page.locator("#status.published").count() == 1
    history = page.locator("#history").inner_text()
    for user in (world.officer, world.approver, world.main_officer):
        assert user.first_name in history
    log_out(page)

    # A citizen finds it in the DIP and downloads the file.
    page.goto(f"{base}/dip/")
    page.click(f"a:text('{TITLE}')")
    with page.expect_download() as download_info:
        page.click("a[download]")
    downloaded = download_info.value.path()
    assert open(downloaded, "rb").read() == pdf.read_bytes()
