"""Seed 004 (Kabupaten Bangka) in a real browser, with its correction loop as written:
the PPID Pelaksana documents, the Petugas Layanan receives, recaps and submits it to
the PPID, the PPID returns it to the Petugas Layanan with a note, who follows it up and
submits it again, the PPID completes the correction, the Atasan PPID ratifies and
publishes it, and a citizen downloads the file from the DIP."""

from pathlib import Path

import pytest

from lentera.testing import PASSWORD, pdf_upload

from .bangka import build_bangka

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Profil Kesehatan Kabupaten Bangka Tahun 2025"
CORRECTION = "Ringkasan belum menyebut jumlah puskesmas; lengkapi sebelum diajukan lagi."
CORRECTED_SUMMARY = (
    "Derajat kesehatan, sumber daya kesehatan dan 13 puskesmas di Kabupaten Bangka tahun 2025."
)
REVIEW_NOTE = "Dikoreksi PPID: ringkasan dan kolom DIP sudah lengkap."


def log_in(page, base, user):
    page.goto(f"{base}/kantor/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/kantor/")


def log_out(page):
    with page.expect_navigation():
        page.click("header form[action$='/kantor/keluar/'] button")


def submit(page, selector):
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def current_step(page) -> str:
    return page.get_attribute("#steps", "data-current-step")


def complete_current_step(page, note=""):
    number = current_step(page)
    if note:
        page.fill("#id_note", note)
    submit(page, "button[name=complete]")
    assert page.locator(".msg.success").count() == 1, page.locator(".messages").inner_text()
    assert current_step(page) != number


def open_from_queue(page):
    submit(page, f"#queue a:text('{TITLE}')")


def test_seed_004_correction_loop_to_public_download(live_server, page, browser, tmp_path):
    bangka = build_bangka()
    base = live_server.url
    pdf = tmp_path / "profil-kesehatan-2025.pdf"
    pdf.write_bytes(pdf_upload(text=TITLE).read())

    # The PPID Pelaksana records the item with its soft copy and completes steps 1 to 3.
    log_in(page, base, bangka.officer)
    submit(page, "a[href='/kantor/informasi/baru/']")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Derajat kesehatan dan sumber daya kesehatan Kabupaten Bangka.")
    page.select_option("#id_holding_unit", str(bangka.unit.pk))
    page.fill("#id_responsible_official", "Kepala Dinas Kesehatan Kabupaten Bangka")
    page.fill("#id_made_on", "2026-04-30")
    page.fill("#id_made_place", "Sungailiat")
    page.fill("#id_retention_period", "10 tahun")
    page.select_option("#id_category", "berkala")
    page.fill("#id_year", "2025")
    page.set_input_files("#id_file", str(pdf))
    submit(page, "form.stack button[type=submit]")
    item_url = page.url
    for number in ("1", "2", "3"):
        assert current_step(page) == number
        complete_current_step(page)
    assert current_step(page) == "4"
    assert page.locator("#actions").count() == 0  # now the PPID's turn
    log_out(page)

    # The Petugas Layanan of the PPID receives it, recaps it and submits it to the PPID.
    log_in(page, base, bangka.layanan)
    open_from_queue(page)
    assert page.url == item_url
    submit(page, "button[name=intake]")
    assert page.locator("#submit-form").count() == 0
    log_out(page)

    # The PPID finds a gap and returns it to the Petugas Layanan with a note.
    log_in(page, base, bangka.ppid)
    open_from_queue(page)
    assert page.url == item_url
    assert page.locator("#note-hint").count() == 1  # step 4 needs a review note
    page.select_option("#id_return_to_step", "4")
    page.fill("#id_return_note", CORRECTION)
    submit(page, "button[name=return]")
    assert page.locator("#intake-pending").count() == 1
    log_out(page)

    # The Petugas Layanan reads the note, follows it up (corrects the summary) and
    # submits it again.
    log_in(page, base, bangka.layanan)
    open_from_queue(page)
    submit(page, "#history-link")
    history = page.locator("#history").inner_text()
    assert CORRECTION in history
    assert bangka.ppid.get_full_name() in history
    page.goto(item_url)
    submit(page, "a[href$='/ubah/']")
    page.fill("#id_summary", CORRECTED_SUMMARY)
    submit(page, "form.stack button[type=submit]")
    assert page.url == item_url
    assert CORRECTED_SUMMARY in page.locator("dl.columns").inner_text()
    submit(page, "button[name=intake]")
    assert current_step(page) == "4"
    log_out(page)

    # The PPID completes the correction step with a note.
    log_in(page, base, bangka.ppid)
    open_from_queue(page)
    complete_current_step(page, note=REVIEW_NOTE)
    assert current_step(page) == "5"
    log_out(page)

    # The Atasan PPID ratifies and publishes (step 5).
    log_in(page, base, bangka.atasan)
    open_from_queue(page)
    complete_current_step(page)
    assert page.locator("#status.published").count() == 1
    history = page.locator("#history").inner_text()
    assert REVIEW_NOTE in history
    for person in (bangka.officer, bangka.layanan, bangka.ppid, bangka.atasan):
        assert person.get_full_name() in history
    log_out(page)

    # A citizen, not logged in, finds it in the DIP and downloads the very same file.
    citizen = browser.new_context(locale="id-ID", accept_downloads=True)
    try:
        public = citizen.new_page()
        public.set_default_timeout(15_000)
        public.goto(f"{base}/dip/")
        with public.expect_navigation():
            public.click(f"a:text('{TITLE}')")
        assert CORRECTED_SUMMARY in public.content()
        with public.expect_download() as download_info:
            public.click("a[download]")
        assert Path(download_info.value.path()).read_bytes() == pdf.read_bytes()
    finally:
        citizen.close()
