"""The officers' workspace: forms save everything or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lentera.documents.models import DocumentVersion
from lentera.register.models import InformationItem
from lentera.sop.constants import Verb
from lentera.testing import PONTIANAK, build_preset_world, item_fields, new_item, pdf_upload


def form_data(world, **overrides):
    data = {k: v for k, v in item_fields(world.unit).items() if v is not None}
    data["holding_unit"] = world.unit.pk
    data["made_on"] = data["made_on"].isoformat()
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def stored_files(files_dir):
    return [p for p in files_dir.rglob("*") if p.is_file()] if files_dir.exists() else []


def test_pages_need_login(client, db):
    response = client.get(reverse("office:my-work"))
    assert response.status_code == 302
    assert reverse("office:login") in response["Location"]


def test_officer_records_item_with_file(client, world, files_dir):
    client.force_login(world.officer)
    response = client.post(
        reverse("office:item-create"), {**form_data(world), "file": pdf_upload()}
    )
    item = InformationItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "office:item", args=[item.pk]
    )
    version = DocumentVersion.objects.get()
    assert version.document.item == item and version.content_type == "application/pdf"
    assert len(stored_files(files_dir)) == 1
    assert list(item.events.values_list("verb", flat=True)) == [Verb.CREATE, Verb.UPLOAD]


def test_invalid_form_saves_nothing_and_explains(client, world, files_dir):
    client.force_login(world.officer)
    response = client.post(
        reverse("office:item-create"),
        {**form_data(world, title="", category="rahasia", year="abc"), "file": pdf_upload()},
    )
    assert response.status_code == 200
    assert len(response.context["form"].errors) == 3
    assert not InformationItem.objects.exists()
    assert stored_files(files_dir) == []


def test_rejected_upload_leaves_no_item_and_no_file(client, world, files_dir):
    client.force_login(world.officer)
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(reverse("office:item-create"), {**form_data(world), "file": fake})
    assert response.status_code == 200
    assert "laporan.pdf" in str(response.context["form"].non_field_errors())
    assert not InformationItem.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert stored_files(files_dir) == []


def test_a_cleared_file_field_records_the_item_without_a_file(client, world, files_dir):
    # A crafted form: the file input's "clear" box ticked and no file sent.
    client.force_login(world.officer)
    response = client.post(reverse("office:item-create"), {**form_data(world), "file-clear": "on"})
    item = InformationItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "office:item", args=[item.pk]
    )
    assert not DocumentVersion.objects.exists() and stored_files(files_dir) == []


def test_officer_cannot_record_for_another_unit(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("office:item-create"), form_data(world, holding_unit=world.other_unit.pk)
    )
    assert response.status_code == 200
    assert "holding_unit" in response.context["form"].errors
    assert not InformationItem.objects.exists()


def test_item_pages_of_other_units_are_not_found(client, world):
    item = new_item(world)
    client.force_login(world.other_officer)
    for name in ("office:item", "office:item-edit"):
        assert client.get(reverse(name, args=[item.pk])).status_code == 404
    assert (
        client.post(
            reverse("office:item-complete", args=[item.pk]), {"lock_version": item.lock_version}
        ).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.current_step.number == 1


def test_return_without_note_is_refused(client, world):
    item = new_item(world)
    client.post(
        reverse("office:item-complete", args=[item.pk]), {"lock_version": item.lock_version}
    )
    client.force_login(world.officer)
    for _ in range(2):
        item.refresh_from_db()
        client.post(
            reverse("office:item-complete", args=[item.pk]), {"lock_version": item.lock_version}
        )
    item.refresh_from_db()
    assert item.current_step.number == 3
    client.force_login(world.approver)
    client.post(
        reverse("office:item-return", args=[item.pk]),
        {"to_step": 2, "note": "  ", "lock_version": item.lock_version},
    )
    item.refresh_from_db()
    assert item.current_step.number == 3
    assert not item.events.filter(verb=Verb.RETURN).exists()


def test_edit_records_before_and_after(client, world):
    item = new_item(world)
    client.force_login(world.officer)
    data = form_data(world, retention_period="10 tahun", lock_version=item.lock_version)
    response = client.post(reverse("office:item-edit", args=[item.pk]), data)
    assert response.status_code == 302
    event = item.events.get(verb=Verb.EDIT)
    assert event.changes == {"retention_period": ["5 tahun", "10 tahun"]}


def test_stale_edit_is_refused(client, world):
    item = new_item(world)
    client.force_login(world.officer)
    stale = item.lock_version
    client.post(
        reverse("office:item-edit", args=[item.pk]), form_data(world, title="A", lock_version=stale)
    )
    response = client.post(
        reverse("office:item-edit", args=[item.pk]), form_data(world, title="B", lock_version=stale)
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.title == "A"


@pytest.mark.parametrize("language,text", [("id", "Pekerjaan saya"), ("en", "My work")])
def test_my_work_in_both_languages(client, world, language, text):
    client.force_login(world.officer)
    client.cookies["django_language"] = language
    assert text in client.get(reverse("office:my-work")).content.decode()


def test_whoever_performs_step_1_records_for_the_units_that_follow_their_sop(client, db):
    # Seed 000: the PPID Utama's Pejabat Bidang PID collects the OPD's information.
    w = build_preset_world(PONTIANAK)
    client.force_login(w.main_officer)
    page = client.get(reverse("office:item-create"))
    choices = set(page.context["form"].fields["holding_unit"].queryset)
    assert {w.unit, w.other_unit, w.main} <= choices
    response = client.post(reverse("office:item-create"), form_data(w))
    assert response.status_code == 302
    item = InformationItem.objects.get()
    assert (item.holding_unit, item.created_by, item.current_step.number) == (
        w.unit,
        w.main_officer,
        1,
    )

    # The OPD's officer records only for their own unit.
    client.force_login(w.officer)
    page = client.get(reverse("office:item-create"))
    assert list(page.context["form"].fields["holding_unit"].queryset) == [w.unit]


def test_the_work_list_pages_through_everything_waiting(client, world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lentera.office import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 4)
    for number in range(9):
        new_item(world, title=f"Laporan Bulanan {number + 1:02d}")
    client.force_login(world.officer)
    url = reverse("office:my-work")
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url).content.decode()
    assert 'Menunggu tindakan saya <span class="muted">(9)</span>' in first
    assert first.count("<tr>") - first.count("<thead><tr>") == 4 + 9  # 4 waiting, 9 recent
    assert 'rel="next" href="/kantor/?halaman=2"' in first and 'rel="prev"' not in first
    last = client.get(url + "?halaman=3").content.decode()
    assert 'rel="prev" href="/kantor/?halaman=2"' in last and 'rel="next"' not in last
    assert last.count("Laporan Bulanan") == 1  # the ninth; no recent list past page 1
    assert client.get(url + "?halaman=99").status_code == 200  # the last page
    # Twice the rows, the same queries.
    for number in range(9, 18):
        new_item(world, title=f"Laporan Bulanan {number + 1:02d}")
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 8)
    with CaptureQueriesContext(connection) as second_queries:
        client.get(url)
    assert len(second_queries) == len(first_queries)


def test_the_item_page_says_which_step_waits_for_its_performer(client, world):
    item = new_item(world)
    client.force_login(world.officer)
    page = client.get(reverse("office:item", args=[item.pk])).content.decode()
    assert "Langkah 1 menunggu Anda" in page
