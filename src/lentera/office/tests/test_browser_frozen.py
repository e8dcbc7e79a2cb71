"""After the approval the office shows the content frozen and offers the return for
correction; after the return the unit's officer can edit again (seed 003, Chromium)."""

import pytest

from lentera.documents.services import add_document
from lentera.register.workflow import complete_step
from lentera.testing import new_item, pdf_upload

from .test_browser_sop_003 import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approved_content_is_frozen_until_returned_for_correction(live_server, world, page):
    base = live_server.url
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    for actor in (world.officer, world.officer, world.approver):
        complete_step(item, actor)
    item_url = f"{base}/kantor/informasi/{item.pk}/"

    # The unit's officer sees the frozen content: no edit, no upload.
    log_in(page, base, world.officer)
    page.goto(item_url)
    assert page.locator("#frozen").is_visible()
    assert "mengembalikannya untuk perbaikan" in page.locator("#frozen").inner_text()
    assert page.locator(f"a[href='/kantor/informasi/{item.pk}/ubah/']").count() == 0
    assert page.locator("#id_file").count() == 0
    page.goto(f"{item_url}ubah/")  # a guessed URL goes back with the rule
    page.wait_for_url(item_url)
    assert "Langkah 3" in page.locator(".msg.error").inner_text()
    history = page.locator("#history").inner_text()
    assert "disetujui" in history and "sidik jari" in history
    log_out(page)

    # The PPID Utama's officer (step 4) is offered the return for correction.
    log_in(page, base, world.main_officer)
    page.goto(item_url)
    button = page.locator("#return-form button[name=return]")
    assert button.inner_text().strip().lower() == "kembalikan untuk perbaikan"
    page.select_option("#return-form select", "2")
    page.fill("#id_return_note", "Ringkasan harus menyebut realisasi anggaran.")
    button.click()
    page.wait_for_selector(".msg.success")
    assert page.locator("#frozen").count() == 0
    log_out(page)

    # The officer can edit again.
    log_in(page, base, world.officer)
    page.goto(item_url)
    page.click(f"a[href='/kantor/informasi/{item.pk}/ubah/']")
    page.fill("#id_summary", "Ringkasan yang diperbaiki: capaian dan realisasi anggaran.")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".msg.success")
    item.refresh_from_db()
    assert item.summary.startswith("Ringkasan yang diperbaiki")
