"""Edition pages and PDFs after an item they list was made exempt: the public reads a
redacted copy; the office keeps the original."""

import datetime
import hashlib
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lentera.audit.models import ActivityEvent
from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.register.constants import Category
from lentera.register.editions import issue_edition
from lentera.register.models import DipEdition
from lentera.register.services import update_item
from lentera.register.workflow import complete_step, reopen
from lentera.sop.constants import Verb
from lentera.testing import classify, make_user, new_item, pdf_upload, publish_item

SIGNER = "Drs. H. Ahmad Syarif, M.Si."
BANSOS_TITLE = "Data Penerima Bantuan Sosial"
BANSOS = "Nama, NIK dan alamat penerima bantuan sosial tahun 2024."
BANSOS_LATER = "Rekap penerima bantuan sosial per kecamatan."
RENSTRA = "Sasaran strategis biro untuk lima tahun ke depan."
EN = {"accept-language": "en"}
SINCE = "exempt since 20 May 2025"


def published(world, title: str, summary: str):
    item = new_item(world, title=title, summary=summary)
    add_document(item, world.officer, pdf_upload(f"{item.pk}.pdf", title))
    return publish_item(world, item)


def walk_update(world, item):
    for actor in (world.officer, world.officer, world.approver, world.main_officer):
        item = complete_step(item, actor)
    item.refresh_from_db()
    return item


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def head(world):
    return make_user("kepala.ppid", world.main, Role.APPROVER)


@pytest.fixture
def editions(world, head):
    """SK 1 and SK 2 list the bansos item (its summary rewritten in between); then it is
    classified exempt (decision of 20 May 2025) and passes its update."""
    published(world, "Rencana Strategis Biro Kesra", RENSTRA)
    bansos = published(world, BANSOS_TITLE, BANSOS)
    first = issue_edition(world.body, head, "SK PPID 1/2025", days_ago(30), SIGNER)
    bansos = reopen(bansos, world.officer, "Ringkasan diperbaiki.")
    update_item(bansos, world.officer, summary=BANSOS_LATER)
    bansos = walk_update(world, bansos)
    second = issue_edition(world.body, head, "SK PPID 2/2025", days_ago(2), SIGNER)

    bansos = reopen(bansos, world.officer, "Ternyata memuat data pribadi.")
    update_item(bansos, world.officer, category=Category.EXEMPT)
    classify(bansos, head, decided_on=datetime.date(2025, 5, 20))
    bansos = walk_update(world, bansos)
    assert bansos.category == Category.EXEMPT
    return {"first": first, "second": second, "bansos": bansos}


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def original_bytes(edition: DipEdition) -> bytes:
    with edition.pdf.open("rb") as handle:
        return handle.read()


def shown_sha256(html: str) -> str:
    return re.search(r'id="public-sha256">([0-9a-f]{64})<', html).group(1)


def test_edition_page_shows_exempt_since_in_place_of_the_summary(client, editions):
    for edition, summary in ((editions["first"], BANSOS), (editions["second"], BANSOS_LATER)):
        page = client.get(reverse("portal:edition", args=[edition.pk]), headers=EN)
        html = page.content.decode()
        assert page.status_code == 200
        assert summary not in html
        assert BANSOS_TITLE in html and SINCE in html
        assert RENSTRA in html  # entries still public keep their summary


def test_edition_page_shows_the_redacted_sha256_and_names_the_original(client, editions):
    edition = editions["first"]
    html = client.get(reverse("portal:edition", args=[edition.pk]), headers=EN).content.decode()
    stored = DipEdition.objects.get(pk=edition.pk)
    assert shown_sha256(html) == stored.redacted_sha256 != edition.pdf_sha256
    assert f'id="original-sha256">{edition.pdf_sha256}<' in html
    assert "Redacted copy of the PDF with SHA-256" in html
    assert "1 entry has been made exempt since the edition was issued" in html
    assert reverse("portal:edition-original-pdf", args=[edition.pk]) not in html


def test_comparison_shows_exempt_since_in_place_of_the_changed_summary(client, editions):
    first, second = editions["first"], editions["second"]
    page = client.get(reverse("portal:edition-diff", args=[first.pk, second.pk]), headers=EN)
    html = page.content.decode()
    assert page.status_code == 200
    changed = html[html.index('id="changed"') :]
    assert BANSOS_TITLE in changed and SINCE in changed
    assert BANSOS not in html and BANSOS_LATER not in html


def test_public_pdf_is_a_redacted_copy_whose_sha256_the_page_shows(client, editions):
    edition = editions["first"]
    response = client.get(reverse("portal:edition-pdf", args=[edition.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = content_of(response)
    assert content != original_bytes(edition)
    text = pdf_text(content)
    assert BANSOS not in text and BANSOS_LATER not in text
    assert "dikecualikan sejak 20 Mei 2025" in text and RENSTRA in text
    assert f"Salinan yang disamarkan dari PDF SHA-256 {edition.pdf_sha256}" in text

    sha256 = hashlib.sha256(content).hexdigest()
    page = client.get(reverse("portal:edition", args=[edition.pk]), headers=EN)
    assert shown_sha256(page.content.decode()) == sha256
    assert response["ETag"] == f'"{sha256}"'
    listing = client.get(reverse("portal:editions"), headers=EN).content.decode()
    assert sha256 in listing and edition.pdf_sha256 in listing


def test_caches_holding_the_original_get_the_redacted_copy(client, editions):
    edition = editions["first"]
    url = reverse("portal:edition-pdf", args=[edition.pk])
    response = client.get(url, headers={"if-none-match": f'"{edition.pdf_sha256}"'})
    assert response.status_code == 200
    assert content_of(response) != original_bytes(edition)
    assert "no-cache" in response["Cache-Control"]
    etag = response["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


@pytest.mark.parametrize("who", ["head", "main_officer"])
def test_the_ppid_utama_downloads_the_original_and_the_download_is_logged(
    client, world, editions, head, who
):
    edition = editions["first"]
    person = head if who == "head" else world.main_officer
    client.force_login(person)
    html = client.get(reverse("portal:edition", args=[edition.pk]), headers=EN).content.decode()
    url = reverse("portal:edition-original-pdf", args=[edition.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert content_of(response) == original_bytes(edition)
    assert response["ETag"] == f'"{edition.pdf_sha256}"'
    assert response["Cache-Control"].startswith("private")
    event = ActivityEvent.objects.get(verb=Verb.DOWNLOAD, item=None)
    assert (event.actor, event.unit) == (person, world.main)
    assert event.changes == {
        "edition": edition.pk,
        "pdf_sha256": edition.pdf_sha256,
        "exempt_items": [editions["bansos"].pk],
    }
    # A PDF viewer asking for a later range is not another download.
    assert client.get(url, headers={"range": "bytes=100-199"}).status_code == 206
    assert ActivityEvent.objects.filter(verb=Verb.DOWNLOAD).count() == 1


def test_anonymous_visitors_cannot_reach_the_original_by_any_url(client, editions):
    edition = editions["first"]
    original = original_bytes(edition)
    response = client.get(reverse("portal:edition-original-pdf", args=[edition.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:login"))
    public = content_of(client.get(reverse("portal:edition-pdf", args=[edition.pk])))
    assert public != original
    ranged = client.get(
        reverse("portal:edition-pdf", args=[edition.pk]), headers={"range": "bytes=0-99"}
    )
    assert content_of(ranged) == public[:100]  # from the redacted copy
    for guess in (
        f"/{edition.pdf.name}",
        f"/media/{edition.pdf.name}",
        f"/files/{edition.pdf.name}",
    ):
        assert client.get(guess).status_code == 404
    assert not ActivityEvent.objects.filter(verb=Verb.DOWNLOAD).exists()


@pytest.mark.parametrize("who", ["officer", "approver", "other_officer", "outsider"])
def test_others_in_the_office_get_404_for_the_original(client, world, editions, who):
    client.force_login(getattr(world, who))
    edition = editions["first"]
    assert client.get(reverse("portal:edition-original-pdf", args=[edition.pk])).status_code == 404
    page = client.get(reverse("portal:edition", args=[edition.pk])).content.decode()
    assert reverse("portal:edition-original-pdf", args=[edition.pk]) not in page


def test_while_the_redacted_copy_is_prepared_the_public_gets_503_never_the_original(
    client, editions
):
    edition = editions["first"]
    DipEdition.objects.filter(pk=edition.pk).update(redacting_since=timezone.now())
    response = client.get(reverse("portal:edition-pdf", args=[edition.pk]), headers=EN)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "being prepared" in response.content.decode()
    page = client.get(reverse("portal:edition", args=[edition.pk]), headers=EN)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="redaction-pending"' in html
    assert edition.pdf_sha256 not in html and BANSOS not in html
