"""A body's face: its administrators set the logo, the PPID's contact, service hours,
maklumat pelayanan and social links in the office; the portal shows them beside the
body's entries and the DIP PDF carries them in its header; nobody else changes them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from lentera.audit.models import ActivityEvent
from lentera.documents.services import add_document
from lentera.organizations.constants import Role
from lentera.organizations.models import PublicBody
from lentera.testing import build_world, make_user, new_item, pdf_upload, publish_item

FACE = {
    "address": "Jl. Ahmad Yani No. 1, Pontianak",
    "website": "https://kalbarprov.go.id",
    "ppid_email": "ppid@kalbarprov.go.id",
    "ppid_phone": "(0561) 736541",
    "ppid_whatsapp": "6281234567890",
    "service_hours": "Senin–Jumat 08.00–16.00 WIB",
    "service_notice": "Kami siap memberikan pelayanan informasi publik.",
    "social_links": "https://instagram.com/ppidkalbar\nhttps://x.com/ppidkalbar",
    "licence": "cc-by-sa",
}


def png(size=(120, 60), kind="PNG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 90, 20)).save(out, kind)
    return SimpleUploadedFile(f"logo.{kind.lower()}", out.getvalue())


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def admin(world):
    return make_user("admin.kalbar", world.main, Role.ADMIN)


def page(world) -> str:
    return reverse("office:body-face", args=[world.body.slug])


def test_an_administrator_sets_the_face_and_the_public_sees_it(client, world, admin, files_dir):
    item = new_item(world, form_softcopy=False)
    publish_item(world, item)
    client.force_login(admin)
    assert f'href="{page(world)}"' in client.get(reverse("office:my-work")).content.decode()
    response = client.post(page(world), {**FACE, "new_logo": png()})
    assert response.status_code == 302
    body = PublicBody.objects.get(pk=world.body.pk)
    assert body.ppid_email == FACE["ppid_email"] and body.logo.name.endswith(".png")
    assert body.licence == "cc-by-sa"
    event = ActivityEvent.objects.get(verb="face_changed")
    assert event.actor == admin and event.changes["ppid_email"] == ["", FACE["ppid_email"]]
    assert event.changes["licence"] == ["cc-by", "cc-by-sa"]

    client.logout()
    html = client.get(reverse("portal:item", args=[item.pk])).content.decode()
    for text in ("mailto:ppid@kalbarprov.go.id", "https://wa.me/6281234567890",
                 "Senin–Jumat 08.00–16.00 WIB", "instagram.com/ppidkalbar"):  # fmt: skip
        assert text in html
    logo = client.get(reverse("portal:body-logo", args=[body.slug]))
    assert logo["Content-Type"] == "image/png" and logo.content.startswith(b"\x89PNG")
    dip = client.get(reverse("portal:dip") + f"?badan={body.slug}").content.decode()
    assert "mailto:ppid@kalbarprov.go.id" in dip


def test_the_dip_pdf_carries_the_face_in_its_header(client, world, admin):
    item = new_item(world)
    add_document(item, world.officer, pdf_upload())
    publish_item(world, item)
    client.force_login(admin)
    client.post(page(world), {**FACE, "new_logo": png()})
    client.logout()
    response = client.get(reverse("portal:dip-pdf") + f"?badan={world.body.slug}")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "ppid@kalbarprov.go.id" in text and "+6281234567890" in text
    assert list(reader.pages[0].images)  # the logo, drawn from inside the page


@pytest.mark.parametrize("who", ["officer", "approver", "main_officer", "outsider"])
def test_nobody_but_its_administrators_changes_a_face(client, world, who):
    other = build_world(prefix="lain-")
    for user in (getattr(world, who), make_user("admin.lain", other.main, Role.ADMIN)):
        client.force_login(user)
        assert client.get(page(world)).status_code == 403
        assert client.post(page(world), FACE).status_code == 403
    assert PublicBody.objects.get(pk=world.body.pk).ppid_email == ""


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            SimpleUploadedFile(
                "logo.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            ),
            "PNG or JPEG",
        ),  # fmt: skip
        (SimpleUploadedFile("logo.png", b"\x89PNG not really"), "PNG or JPEG"),
        (SimpleUploadedFile("logo.png", b"\x00" * (1024 * 1024 + 1)), "1 MB"),
        (png((2400, 100)), "2,000 pixels"),
        (png(kind="GIF"), "PNG or JPEG"),
    ],
)
def test_a_bad_logo_changes_nothing(client, world, admin, files_dir, upload, expected):
    client.force_login(admin)
    response = client.post(page(world), {**FACE, "new_logo": upload})
    assert response.status_code == 200 and expected in str(response.context["form"].errors)
    body = PublicBody.objects.get(pk=world.body.pk)
    assert not body.logo and body.ppid_email == ""
    assert not [p for p in files_dir.rglob("*") if p.is_file()]


def test_odd_contact_details_are_refused_with_a_message(client, world, admin):
    client.force_login(admin)
    bad = {**FACE, "ppid_whatsapp": "+62 812-3456", "social_links": "javascript:alert(1)"}
    response = client.post(page(world), bad)
    errors = response.context["form"].errors
    assert "ppid_whatsapp" in errors and "social_links" in errors
    assert PublicBody.objects.get(pk=world.body.pk).ppid_whatsapp == ""
