"""A typical seed-003 berkala entry recorded in Chromium from the unit's usual values:
at most 6 typed fields and 8 clicks, from the work list to the saved entry; the same
with the keyboard alone; several files dropped on an item's page at once."""

import pytest

from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.testing import new_item, pdf_upload

from .test_browser_sop_003 import log_in, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Counted:
    """The page, counting what the officer types and clicks."""

    def __init__(self, page):
        self.page, self.typed, self.clicks = page, 0, 0

    def fill(self, selector: str, text: str) -> None:
        self.typed += 1
        self.page.fill(selector, text)

    def click(self, selector: str) -> None:
        self.clicks += 1
        self.page.click(selector)

    def choose_file(self, selector: str, path) -> None:
        self.clicks += 1  # the file dialog
        self.page.set_input_files(selector, str(path))


def test_a_berkala_entry_from_the_units_usual_values(live_server, world, page, tmp_path):
    new_item(world, title="LKjIP Biro Kesra 2024", category=Category.PERIODIC,
             responsible_official="Kepala Biro Kesejahteraan Rakyat", made_place="Pontianak",
             retention_period="10 tahun", update_interval_months=6)  # fmt: skip
    pdf = tmp_path / "laporan-keuangan-2025.pdf"
    pdf.write_bytes(pdf_upload(text="Laporan Keuangan 2025").read())
    log_in(page, live_server.url, world.officer)
    officer = Counted(page)
    officer.click("a[href='/kantor/informasi/baru/']")
    officer.fill("#id_title", "Laporan Keuangan Biro Kesra 2025")
    officer.fill("#id_summary", "Neraca, laporan realisasi anggaran dan catatan atas laporan.")
    officer.fill("#id_made_on", "2026-03-31")
    officer.choose_file("#id_file", pdf)
    officer.click("form.stack button[type=submit]")
    page.wait_for_selector("#actions")
    entry = InformationItem.objects.get(title="Laporan Keuangan Biro Kesra 2025")
    assert (entry.category, entry.made_place, entry.retention_period) == (
        Category.PERIODIC, "Pontianak", "10 tahun"
    )  # fmt: skip
    assert entry.documents.count() == 1 and entry.current_step.number == 1
    assert officer.typed <= 6 and officer.clicks <= 8, (officer.typed, officer.clicks)


def test_the_same_entry_with_the_keyboard_alone(live_server, world, page):
    new_item(world, title="LKjIP Biro Kesra 2024", category=Category.PERIODIC,
             responsible_official="Kepala Biro Kesejahteraan Rakyat", made_place="Pontianak",
             retention_period="10 tahun", update_interval_months=6)  # fmt: skip
    log_in(page, live_server.url, world.officer)
    keys = page.keyboard
    tab_to(page, "a[href='/kantor/informasi/baru/']")
    keys.press("Enter")
    page.wait_for_selector("#id_title")
    tab_to(page, "#id_title")
    keys.type("Laporan Keuangan Biro Kesra 2025")
    tab_to(page, "#id_summary")
    keys.type("Neraca dan laporan realisasi anggaran.")
    tab_to(page, "#id_made_on")
    keys.type("03312026")  # the date field's own order, month first in en-US Chromium
    tab_to(page, "form.stack button[type=submit]")
    keys.press("Enter")
    page.wait_for_selector("#actions")
    entry = InformationItem.objects.get(title="Laporan Keuangan Biro Kesra 2025")
    assert entry.made_on.isoformat() == "2026-03-31"
    assert (entry.category, entry.made_place) == (Category.PERIODIC, "Pontianak")
    assert entry.current_step.number == 1


def test_several_files_dropped_on_an_items_page(live_server, world, page):
    item = new_item(world, form_softcopy=False)
    log_in(page, live_server.url, world.officer)
    page.goto(f"{live_server.url}/kantor/informasi/{item.pk}/")
    # What a drag from the file manager delivers: a drop event carrying two PDFs.
    page.evaluate(
        """pdfs => {
            const transfer = new DataTransfer();
            for (const [name, bytes] of pdfs) {
                transfer.items.add(new File([new Uint8Array(bytes)], name,
                                            {type: "application/pdf"}));
            }
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer,
                                                          bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer,
                                                      bubbles: true, cancelable: true}));
        }""",
        [
            [name, list(pdf_upload(name, text).read())]
            for name, text in (("neraca-2025.pdf", "Neraca"), ("lra-2025.pdf", "LRA"))
        ],
    )
    assert page.inner_text("[data-dropzone] .dropped").split() == [
        "neraca-2025.pdf", "lra-2025.pdf"
    ]  # fmt: skip
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".msg.success")
    names = set(item.documents.values_list("versions__original_name", flat=True))
    assert names == {"neraca-2025.pdf", "lra-2025.pdf"}


def test_the_retention_follows_the_chosen_category(live_server, world, page):
    new_item(world, title="Pengumuman 2024", category=Category.ON_DEMAND,
             retention_period="2 tahun")  # fmt: skip
    new_item(world, title="LKjIP 2024", category=Category.PERIODIC,
             retention_period="10 tahun", update_interval_months=6)  # fmt: skip
    new_item(world, title="Data Pribadi", category=Category.EXEMPT, retention_period="rahasia")
    log_in(page, live_server.url, world.officer)
    page.goto(f"{live_server.url}/kantor/informasi/baru/")
    assert page.input_value("#id_retention_period") == "10 tahun"  # the newest entry's
    page.select_option("#id_category", Category.ON_DEMAND)
    assert page.input_value("#id_retention_period") == "2 tahun"
    page.select_option("#id_category", Category.EXEMPT)  # nothing offered from exempt ones
    assert page.input_value("#id_retention_period") == "2 tahun"
    page.fill("#id_retention_period", "5 tahun")  # the officer's own value stays
    page.select_option("#id_category", Category.PERIODIC)
    assert page.input_value("#id_retention_period") == "5 tahun"
