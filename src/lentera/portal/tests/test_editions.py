"""DIP edition pages: public, frozen, comparable; issued from the office by approvers only."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.register.constants import Category
from lentera.register.editions import issue_edition
from lentera.register.models import DipEdition, InformationItem
from lentera.register.workflow import complete_step, withdraw
from lentera.testing import build_world, make_user, new_item, pdf_upload, publish_item

SIGNER = "Drs. H. Ahmad Syarif, M.Si."
RENSTRA = "Rencana Strategis Biro Kesra 2025-2029"
BANJIR = "Bantuan Sosial Korban Banjir Sintang"
LATER = "Informasi Baru Setelah Penetapan Pertama"
DRAFT = "Draf Rencana Kerja Anggaran 2026"
EXEMPT = "Data Pribadi Penerima Bantuan Sosial"
EN = {"accept-language": "en"}


def published(world, **fields):
    item = new_item(world, **fields)
    add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", item.title))
    return publish_item(world, item)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def head(world):
    return make_user("kepala.ppid", world.main, Role.APPROVER)


@pytest.fixture
def editions(world, head):
    """SK 1 with two items; then one is withdrawn, one changes and one is added: SK 2."""
    renstra = published(world, title=RENSTRA)
    banjir = published(world, title=BANJIR, category=Category.IMMEDIATE)
    draft = new_item(world, title=DRAFT)
    complete_step(draft, world.officer)
    published(world, title=EXEMPT, category=Category.EXEMPT)
    first = issue_edition(world.body, head, "SK PPID 1/2025", days_ago(30), SIGNER)

    withdraw(renstra, world.approver, "Diganti rencana strategis baru.")
    InformationItem.objects.filter(pk=banjir.pk).update(retention_period="10 tahun")
    later = published(world, title=LATER)
    second = issue_edition(world.body, head, "SK PPID 2/2025", days_ago(1), SIGNER)
    return {"first": first, "second": second, "renstra": renstra, "banjir": banjir, "later": later}


def test_list_shows_every_edition_newest_first_with_its_pdf_fingerprint(client, editions):
    page = client.get(reverse("portal:editions"), headers=EN)
    assert page.status_code == 200
    html = page.content.decode()
    first, second = editions["first"], editions["second"]
    assert html.index("SK PPID 2/2025") < html.index("SK PPID 1/2025")
    for edition in (first, second):
        assert reverse("portal:edition", args=[edition.pk]) in html
        assert reverse("portal:edition-pdf", args=[edition.pk]) in html
        assert edition.pdf_sha256 in html
    assert SIGNER in html
    assert "Pemerintah Provinsi Kalimantan Barat" in html


def test_list_filters_by_body(client, editions):
    other = build_world(prefix="b-")
    other_head = make_user("b-kepala.ppid", other.main, Role.APPROVER)
    issue_edition(other.body, other_head, "SK 9/2025", days_ago(2), SIGNER)
    html = client.get(reverse("portal:editions") + "?badan=b-kalbar").content.decode()
    assert "SK 9/2025" in html and "SK PPID 1/2025" not in html
    assert client.get(reverse("portal:editions") + "?badan=tidak-ada").status_code == 404


def test_edition_page_shows_the_frozen_entries_not_the_live_register(client, editions):
    page = client.get(reverse("portal:edition", args=[editions["first"].pk]), headers=EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert RENSTRA in html  # withdrawn since, but part of this edition
    assert BANJIR in html and "5 tahun" in html and "10 tahun" not in html
    assert LATER not in html
    assert DRAFT not in html and EXEMPT not in html
    assert "Pejabat atau unit yang menguasai informasi" in html  # official headings
    assert "Compare with the previous edition" not in html  # it is the first


def test_edition_page_links_to_the_comparison_with_the_previous_edition(client, editions):
    first, second = editions["first"], editions["second"]
    html = client.get(reverse("portal:edition", args=[second.pk]), headers=EN).content.decode()
    assert reverse("portal:edition-diff", args=[second.pk, first.pk]) in html
    assert LATER in html and RENSTRA not in html


def test_edition_pdf_is_the_stored_file_with_its_sha256_as_etag(client, editions):
    edition = editions["first"]
    url = reverse("portal:edition-pdf", args=[edition.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    with edition.pdf.open("rb") as handle:
        assert content == handle.read()
    assert hashlib.sha256(content).hexdigest() == edition.pdf_sha256
    assert response["ETag"] == f'"{edition.pdf_sha256}"'
    assert "public" in response["Cache-Control"]
    again = client.get(url, headers={"if-none-match": f'"{edition.pdf_sha256}"'})
    assert again.status_code == 304


def test_comparison_shows_added_removed_and_changed_entries(client, editions):
    first, second = editions["first"], editions["second"]
    for args in ([second.pk, first.pk], [first.pk, second.pk]):  # either order: old to new
        page = client.get(reverse("portal:edition-diff", args=args), headers=EN)
        assert page.status_code == 200
        html = page.content.decode()
        added = html[html.index('id="added"') : html.index('id="removed"')]
        removed = html[html.index('id="removed"') : html.index('id="changed"')]
        changed = html[html.index('id="changed"') :]
        assert LATER in added
        assert RENSTRA in removed
        assert BANJIR in changed
        assert "Jangka waktu penyimpanan atau retensi arsip" in changed
        assert changed.index("5 tahun") < changed.index("10 tahun")


def test_editions_of_different_bodies_cannot_be_compared(client, editions):
    other = build_world(prefix="b-")
    other_head = make_user("b-kepala.ppid", other.main, Role.APPROVER)
    foreign = issue_edition(other.body, other_head, "SK 9/2025", days_ago(2), SIGNER)
    url = reverse("portal:edition-diff", args=[editions["first"].pk, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:edition", args=[999999])).status_code == 404
    assert client.get(reverse("portal:edition-pdf", args=[999999])).status_code == 404


# The office page that issues an edition.


def test_office_page_needs_login(client, world):
    response = client.get(reverse("office:edition-new"))
    assert response.status_code == 302
    assert reverse("office:login") in response["Location"]


@pytest.mark.parametrize("who", ["approver", "main_officer", "officer", "outsider"])
def test_office_page_is_forbidden_to_everyone_but_the_ppid_utama_approver(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("office:edition-new")).status_code == 403
    menu = client.get(reverse("office:my-work")).content.decode()
    assert f'href="{reverse("office:edition-new")}"' not in menu  # no link where refused
    response = client.post(
        reverse("office:edition-new"),
        {
            "body": world.body.pk,
            "decree_number": "SK 1/2025",
            "decided_on": days_ago(1).isoformat(),
            "signer": SIGNER,
        },
    )
    assert response.status_code == 403
    assert DipEdition.objects.count() == 0


def test_approver_issues_an_edition_from_the_office(client, world, head):
    published(world, title=RENSTRA)
    client.force_login(head)
    menu = client.get(reverse("office:my-work")).content.decode()
    assert f'href="{reverse("office:edition-new")}"' in menu  # in the office menu
    form = client.get(reverse("office:edition-new"), headers=EN)
    assert form.status_code == 200
    assert "Pemerintah Provinsi Kalimantan Barat: 1 public entry now" in form.content.decode()
    response = client.post(
        reverse("office:edition-new"),
        {
            "body": world.body.pk,
            "decree_number": "SK PPID 3/2025",
            "decided_on": days_ago(1).isoformat(),
            "signer": SIGNER,
        },
        headers=EN,
    )
    edition = DipEdition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:edition", args=[edition.pk])
    assert edition.issued_by == head and edition.item_count == 1
    page = client.get(response["Location"], headers=EN).content.decode()
    assert "The DIP edition was issued." in page and RENSTRA in page


def test_office_refusal_is_shown_and_issues_nothing(client, world, head):
    issue_edition(world.body, head, "SK PPID 3/2025", days_ago(3), SIGNER)
    client.force_login(head)
    fields = {"body": world.body.pk, "signer": SIGNER}
    duplicate = client.post(
        reverse("office:edition-new"),
        {**fields, "decree_number": "SK PPID 3/2025", "decided_on": days_ago(1).isoformat()},
        headers=EN,
    )
    assert duplicate.status_code == 200
    assert "already exists for this body" in duplicate.content.decode()
    future = client.post(
        reverse("office:edition-new"),
        {**fields, "decree_number": "SK PPID 4/2025", "decided_on": days_ago(-3).isoformat()},
        headers=EN,
    )
    assert "The date of the decree cannot be in the future." in future.content.decode()
    assert DipEdition.objects.count() == 1
