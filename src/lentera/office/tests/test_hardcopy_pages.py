"""The office pages for hard copies: the printable label with its QR code, taking a copy
out and bringing it back from the item page, moving it, and the list of copies out."""

import datetime
import re
from pathlib import Path

import pytest
import segno
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from lentera.documents.hardcopies import bring_back, take_out
from lentera.documents.models import HardCopy
from lentera.documents.services import record_hardcopy
from lentera.sop.constants import Verb
from lentera.testing import new_item, sample_hardcopy

pytestmark = pytest.mark.django_db

BORROWER = "Rina Marlina (Inspektorat)"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def item(world):
    return new_item(world)


@pytest.fixture
def hardcopy(world, item) -> HardCopy:
    return sample_hardcopy(world, item)


def as_user(client, user):
    client.force_login(user)
    return client


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """Read the dark modules (row, column) back from segno's SVG path: each `h` run
    paints modules along the row its pen is on."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for op, a, b in re.findall(r"([Mmh])\s*(-?[\d.]+)(?:[ ,]?(-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark.update((int(y), int(x) + i) for i in range(int(float(a))))
            x += float(a)
    return dark


def matrix_modules(code: segno.QRCode, border: int) -> set[tuple[int, int]]:
    return {
        (r + border, c + border)
        for r, row in enumerate(code.matrix)
        for c, value in enumerate(row)
        if value
    }


def test_the_label_shows_the_item_and_a_qr_code_leading_to_its_office_page(
    client, world, item, hardcopy
):
    response = as_user(client, world.officer).get(
        reverse("office:hardcopy-label", args=[hardcopy.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        item.title,
        world.unit.name,
        "2024",
        "Kantor Gubernur Kalimantan Barat",
        "Ruang Arsip",
        "Lemari 2",
        "Boks 2024",
        "Siti Aminah",
        f"Hard copy no. {hardcopy.pk}",
    ):
        assert text in page
    assert "data-print" in page  # the print button (static/lentera/lentera.js)
    stylesheet = Path(finders.find("lentera/lentera.css")).read_text(encoding="utf-8")
    assert "main.wrap:has(.hardcopy-label)" in stylesheet.split("@media print")[-1]

    item_url = "http://testserver" + reverse("office:item", args=[item.pk])
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'class="qr"' in svg
    # The modules drawn are those of a QR code holding the item's URL, and of no other.
    expected = segno.make(item_url, error="m")
    assert qr_modules(svg) == matrix_modules(expected, border=2)
    other = segno.make(item_url.replace(str(item.pk), str(item.pk + 1)), error="m")
    assert qr_modules(svg) != matrix_modules(other, border=2)
    assert item_url in page  # printed under the code for eyes too


def test_the_ppid_utama_may_print_a_label_of_any_unit(client, world, hardcopy):
    url = reverse("office:hardcopy-label", args=[hardcopy.pk])
    assert as_user(client, world.main_officer).get(url).status_code == 200


@pytest.mark.parametrize("who", ["other_officer", "outsider"])
def test_outsiders_get_404_on_the_label_and_the_forms(client, world, hardcopy, who):
    as_user(client, getattr(world, who))
    for name in ("office:hardcopy-label", "office:hardcopy-take-out", "office:hardcopy-edit"):
        assert client.get(reverse(name, args=[hardcopy.pk])).status_code == 404
    url = reverse("office:hardcopy-take-out", args=[hardcopy.pk])
    assert client.post(url, {"taken_by": BORROWER}).status_code == 404
    assert not hardcopy.movements.exists()


def test_the_label_needs_a_login(client, hardcopy):
    url = reverse("office:hardcopy-label", args=[hardcopy.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))


def test_a_copy_is_taken_out_and_brought_back_from_the_item_page(client, world, item, hardcopy):
    as_user(client, world.officer)
    item_url = reverse("office:item", args=[item.pk])
    page = client.get(item_url).content.decode()
    assert reverse("office:hardcopy-label", args=[hardcopy.pk]) in page
    assert f'id="take-out-form-{hardcopy.pk}"' in page
    assert "Never taken out." in page

    due = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("office:hardcopy-take-out", args=[hardcopy.pk]),
        {"taken_by": BORROWER, "purpose": "Audit kinerja", "due_back_on": due.isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"] == item_url
    movement = hardcopy.movements.get()
    assert (movement.taken_by, movement.due_back_on, movement.recorded_by) == (
        BORROWER,
        due,
        world.officer,
    )
    page = client.get(item_url).content.decode()
    assert f"Out: {BORROWER}" in page
    assert f'id="bring-back-form-{hardcopy.pk}"' in page
    assert "Audit kinerja" in page  # the movement history

    response = client.post(reverse("office:hardcopy-bring-back", args=[hardcopy.pk]))
    assert response.status_code == 302
    movement.refresh_from_db()
    assert movement.returned_at is not None
    assert movement.return_recorded_by == world.officer
    page = client.get(item_url).content.decode()
    assert "In its place" in page
    assert BORROWER in page  # still in the history
    verbs = list(item.events.values_list("verb", flat=True))
    assert verbs[-2:] == [Verb.HARDCOPY_OUT, Verb.HARDCOPY_BACK]


def test_taking_out_a_copy_that_is_out_shows_why(client, world, item, hardcopy):
    take_out(hardcopy, world.officer, taken_by=BORROWER)
    as_user(client, world.approver)
    response = client.post(
        reverse("office:hardcopy-take-out", args=[hardcopy.pk]), {"taken_by": "Budi Santoso"}
    )
    assert response.status_code == 200
    assert "This hard copy is already out" in response.content.decode()
    assert 'value="Budi Santoso"' in response.content.decode()
    assert hardcopy.movements.count() == 1


def test_a_take_out_given_a_time_in_the_future_is_refused(client, world, hardcopy):
    as_user(client, world.officer)
    later = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        reverse("office:hardcopy-take-out", args=[hardcopy.pk]),
        {"taken_by": BORROWER, "taken_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not hardcopy.movements.exists()


def test_bringing_back_a_copy_that_is_in_shows_a_message(client, world, item, hardcopy):
    as_user(client, world.officer)
    response = client.post(reverse("office:hardcopy-bring-back", args=[hardcopy.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("not out" in m for m in messages)
    assert not item.events.filter(verb=Verb.HARDCOPY_BACK).exists()


def test_moving_a_copy_records_its_new_place(client, world, item, hardcopy):
    as_user(client, world.main_officer)
    url = reverse("office:hardcopy-edit", args=[hardcopy.pk])
    assert client.get(url).status_code == 200
    data = {
        "building": "Kantor Gubernur Kalimantan Barat",
        "room": "Depo Arsip Inaktif",
        "cabinet": "Rak 4",
        "box": "Boks 2024",
        "custodian": "Siti Aminah",
        "note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    hardcopy.refresh_from_db()
    assert (hardcopy.room, hardcopy.cabinet) == ("Depo Arsip Inaktif", "Rak 4")
    event = item.events.filter(verb=Verb.HARDCOPY_MOVE).latest("id")
    assert event.actor == world.main_officer
    assert event.changes["room"] == ["Ruang Arsip", "Depo Arsip Inaktif"]

    response = client.post(url, {**data, "building": ""})
    assert response.status_code == 200
    hardcopy.refresh_from_db()
    assert hardcopy.building == "Kantor Gubernur Kalimantan Barat"


def test_the_list_shows_copies_out_with_the_overdue_ones_highlighted(client, world, item, hardcopy):
    on_time_copy = record_hardcopy(item, world.officer, building="Gedung B", custodian="Andi")
    back_copy = record_hardcopy(item, world.officer, building="Gedung C", custodian="Andi")
    today = timezone.localdate()
    late = take_out(
        hardcopy,
        world.officer,
        taken_by=BORROWER,
        taken_at=timezone.now() - datetime.timedelta(days=10),
        due_back_on=today - datetime.timedelta(days=3),
    )
    on_time = take_out(
        on_time_copy,
        world.officer,
        taken_by="Budi Santoso",
        due_back_on=today + datetime.timedelta(days=3),
    )
    bring_back(take_out(back_copy, world.officer, taken_by="Ani Wijaya"), world.officer)

    url = reverse("office:hardcopies-out")
    page = as_user(client, world.main_officer).get(url).content.decode()
    late_row = re.search(rf'<tr id="movement-{late.pk}"[^>]*>.*?</tr>', page, re.S).group(0)
    on_time_row = re.search(rf'<tr id="movement-{on_time.pk}"[^>]*>.*?</tr>', page, re.S).group(0)
    assert 'class="overdue"' in late_row and "Overdue" in late_row and BORROWER in late_row
    assert "overdue" not in on_time_row and "Budi Santoso" in on_time_row
    assert "Ani Wijaya" not in page
    assert page.index(f"movement-{late.pk}") < page.index(f"movement-{on_time.pk}")
    assert "1 is overdue." in page

    # Returning from the list comes back to the list.
    response = client.post(
        reverse("office:hardcopy-bring-back", args=[hardcopy.pk]), {"from": "list"}
    )
    assert response["Location"] == url
    assert BORROWER not in client.get(url).content.decode()

    other_page = as_user(client, world.other_officer).get(url).content.decode()
    assert "Budi Santoso" not in other_page
    assert "Every hard copy is in its place." in other_page


MM = 72 / 25.4  # PDF points in a millimetre


def _pdf_pages(content: bytes) -> list:
    import pypdfium2

    return list(pypdfium2.PdfDocument(content))


def _qr_read_back(page, pixels_per_mm: int = 12) -> set[tuple[int, int]]:
    """Render `page` (a 100 x 70 mm label) and read the QR code's dark modules back
    where the label draws it: 32 mm square, 4 mm from the top left corner."""
    image = page.render(scale=pixels_per_mm / MM, grayscale=True).to_pil()
    left = top = 4 * pixels_per_mm
    side = 32 * pixels_per_mm
    # The code's own size: its finder pattern's dark run, along the top row, is 7 modules.
    run = next(x for x in range(left, left + side) if image.getpixel((x, top + side // 10)) < 128)
    modules = round(side / ((run - left) / 2))  # the quiet zone: two modules
    size = side / modules
    return {
        (r, c)
        for r in range(modules)
        for c in range(modules)
        if image.getpixel((int(left + (c + 0.5) * size), int(top + (r + 0.5) * size))) < 128
    }


def test_a_label_pdf_is_100_by_70_mm_with_the_item_and_a_readable_qr_code(
    client, world, item, hardcopy
):
    response = as_user(client, world.officer).get(
        reverse("office:hardcopy-label-pdf", args=[hardcopy.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    (page,) = _pdf_pages(response.content)
    width, height = page.get_size()
    assert (round(width / MM), round(height / MM)) == (100, 70)
    text = page.get_textpage().get_text_range()
    for value in (item.title, world.unit.name, "Boks 2024", "Siti Aminah", "Lemari 2"):
        assert value in " ".join(text.split())
    item_url = "http://testserver" + reverse("office:item", args=[item.pk])
    assert _qr_read_back(page) == matrix_modules(segno.make(item_url, error="m"), border=2)


def test_an_a4_sheet_holds_eight_labels_a_page(client, world, item):
    copies = [
        record_hardcopy(
            item, world.officer, building="Gedung A", box=f"Boks {n:02}", custodian="Siti Aminah"
        )  # fmt: skip
        for n in range(1, 10)
    ]
    query = "&".join(f"nomor={h.pk}" for h in copies)
    response = as_user(client, world.officer).get(reverse("office:hardcopy-labels") + "?" + query)
    assert response.status_code == 200
    pages = _pdf_pages(response.content)
    assert len(pages) == 2
    for page in pages:
        width, height = page.get_size()
        assert (round(width / MM), round(height / MM)) == (210, 297)
    first = pages[0].get_textpage().get_text_range()
    assert all(f"Boks {n:02}" in first for n in range(1, 9)) and "Boks 09" not in first
    assert "Boks 09" in pages[1].get_textpage().get_text_range()


def test_label_pdfs_only_for_hard_copies_the_user_sees(client, world, item, hardcopy):
    single = reverse("office:hardcopy-label-pdf", args=[hardcopy.pk])
    sheet = reverse("office:hardcopy-labels")
    assert client.get(single).status_code == 302  # to the login
    as_user(client, world.other_officer)
    assert client.get(single).status_code == 404
    assert client.get(f"{sheet}?nomor={hardcopy.pk}").status_code == 404
    as_user(client, world.officer)
    for query in ("", "?nomor=x", f"?nomor={hardcopy.pk}&nomor={hardcopy.pk + 99}"):
        assert client.get(sheet + query).status_code == 404
