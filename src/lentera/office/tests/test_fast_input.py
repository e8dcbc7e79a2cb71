"""Recording a new entry quickly: the form opens with this year and the unit's usual
values, a recurring entry is recorded again from the last one, the columns a later
step asks for are marked, and a chosen file survives a form that comes back."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lentera.documents.models import DocumentVersion
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.testing import new_item, pdf_upload

from .test_office_pages import form_data, stored_files

NEW = reverse("office:item-create")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def test_the_form_opens_with_this_year_and_the_units_usual_values(client, world):
    new_item(world, responsible_official="Kepala Biro Kesra", made_place="Pontianak",
             retention_period="10 tahun", category=Category.PERIODIC)  # fmt: skip
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0), tick=False):
        client.force_login(world.officer)
        initial = client.get(NEW).context["form"].initial
    assert initial["year"] == 2027 and initial["holding_unit"] == world.unit.pk
    assert initial["responsible_official"] == "Kepala Biro Kesra"
    assert initial["made_place"] == "Pontianak" and initial["retention_period"] == "10 tahun"
    assert initial["category"] == Category.PERIODIC
    assert "title" not in initial and "made_on" not in initial


def test_a_recurring_entry_is_recorded_again_from_the_last_one(client, world):
    last = new_item(world, title="LKjIP Biro Kesra 2025", summary="Laporan kinerja 2025",
                    year=2025, category=Category.PERIODIC)  # fmt: skip
    client.force_login(world.officer)
    page = client.get(reverse("office:item", args=[last.pk])).content.decode()
    assert f"{NEW}?salin={last.pk}" in page
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, 0), tick=False):
        response = client.get(NEW, {"salin": last.pk})
    initial = response.context["form"].initial
    assert initial["title"] == "LKjIP Biro Kesra 2026" and initial["year"] == 2026
    assert initial["summary"] == "Laporan kinerja 2026" and "made_on" not in initial
    assert 'id="copied-from"' in response.content.decode()


def test_nobody_copies_an_entry_they_may_not_see(client, world):
    secret = new_item(world, title="Rancangan Rahasia Biro Kesra 2025")
    client.force_login(world.other_officer)
    response = client.get(NEW, {"salin": secret.pk})
    assert response.context["form"].initial.get("title") is None
    assert "Rancangan Rahasia" not in response.content.decode()
    for junk in ("x", "9" * 40, "-1"):
        assert client.get(NEW, {"salin": junk}).status_code == 200


def test_the_columns_a_later_step_asks_for_are_marked(client, world):
    client.force_login(world.officer)
    form = client.get(NEW).context["form"]
    step = next(s for s in world.unit.sop_in_use().steps.all() if "dip_complete" in s.checks)
    for name in ("made_on", "made_place"):
        assert f"step {step.number}" in str(form.fields[name].help_text)


def test_a_chosen_file_is_kept_when_the_form_comes_back(client, world, files_dir, settings):
    client.force_login(world.officer)
    first = client.post(NEW, {**form_data(world, title=""), "file": pdf_upload("lkjip.pdf")})
    assert first.status_code == 200 and first.context["form"].errors["title"]
    kept = first.context["kept"]
    assert kept and kept.name == "lkjip.pdf" and 'id="kept-file"' in first.content.decode()
    assert not InformationItem.objects.exists() and not stored_files(files_dir)
    # Another officer cannot use the token.
    client.force_login(world.other_officer)
    assert client.post(NEW, {"kept_file": kept.token}).context["kept"] is None
    client.force_login(world.officer)
    client.post(NEW, {**form_data(world), "kept_file": kept.token})
    item = InformationItem.objects.get()
    (version,) = DocumentVersion.objects.filter(document__item=item)
    assert version.original_name == "lkjip.pdf"
    assert not list(settings.KEPT_UPLOADS_DIR.iterdir())  # taken, not left behind


def test_a_kept_file_may_be_left_out(client, world, files_dir):
    client.force_login(world.officer)
    kept = client.post(NEW, {**form_data(world, title=""), "file": pdf_upload()}).context["kept"]
    client.post(NEW, {**form_data(world), "kept_file": kept.token, "drop_kept": "1"})
    assert InformationItem.objects.get().documents.count() == 0


def test_an_exempt_entry_lends_the_form_nothing(client, world):
    new_item(world, responsible_official="Kepala Biro", category=Category.PERIODIC)
    new_item(world, responsible_official="Sekretaris Rahasia", category=Category.EXEMPT,
             legal_basis="UU 27/2022")  # fmt: skip
    client.force_login(world.officer)
    initial = client.get(NEW).context["form"].initial
    assert initial["category"] == Category.PERIODIC
    assert initial["responsible_official"] == "Kepala Biro"


def test_only_a_file_of_a_form_with_errors_is_kept_and_one_at_a_time(client, world, settings):
    client.force_login(world.officer)
    # Refused by the service (its type): shown as an error, not kept to fail again.
    virus = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 200)
    refused = client.post(NEW, {**form_data(world), "file": virus})
    assert refused.context["kept"] is None and not InformationItem.objects.exists()
    # Larger than an upload may be: the handler kept only its start; nothing is kept.
    settings.LENTERA_MAX_UPLOAD_BYTES = 1000
    large = SimpleUploadedFile("besar.pdf", b"%PDF-1.4\n" + b"0" * 5000)
    big = client.post(NEW, {**form_data(world, title=""), "file": large})
    assert big.context["kept"] is None
    settings.LENTERA_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    for name in ("satu.pdf", "dua.pdf"):
        client.post(NEW, {**form_data(world, title=""), "file": pdf_upload(name)})
    kept = sorted(p.name for p in settings.KEPT_UPLOADS_DIR.iterdir())
    assert len(kept) == 2 and kept[0].endswith(".file") and kept[1].endswith(".name")


def test_a_kept_file_gone_meanwhile_is_asked_for_again(client, world, monkeypatch):
    from lentera.office import kept_uploads

    client.force_login(world.officer)
    kept = client.post(NEW, {**form_data(world, title=""), "file": pdf_upload()}).context["kept"]

    def gone(self):  # a second click took it between finding and opening it
        raise FileNotFoundError(self.path)

    monkeypatch.setattr(kept_uploads.Kept, "open", gone)
    response = client.post(NEW, {**form_data(world), "kept_file": kept.token})
    assert response.status_code == 200 and "choose it again" in str(response.context["form"].errors)
    assert not InformationItem.objects.exists()


def test_odd_numbers_are_not_found_not_errors(client, world):
    client.force_login(world.officer)
    assert client.get(NEW, {"salin": "\u00b2"}).status_code == 200
    sheet = reverse("office:hardcopy-labels")
    assert client.get(sheet, {"nomor": "9" * 30}).status_code == 404
