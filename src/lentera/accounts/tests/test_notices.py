"""A person hears by mail, over real SMTP, when how they sign in changes: a thief who
has their password and sets up an authenticator app first, a new password, two-factor
login turned off or reset by a superuser. A mail server that refuses changes nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lentera.accounts import services
from lentera.testing import PASSWORD

from .test_two_factor import totp

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lentera-Kalbar-2026!"


@pytest.fixture
def mailed(world, settings):
    settings.LENTERA_SITE_URL = "https://ppid.kalbarprov.go.id"
    for user, address in ((world.officer, "petugas@kalbarprov.go.id"), (world.approver, "")):
        user.email = address
        user.save()
    return world


def signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    response = client.post("/kantor/masuk/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def set_up_app(client: Client) -> None:
    page = client.get("/kantor/akun/2fa/").content.decode()
    secret = re.search(r'<code class="token">([A-Z2-7]+)</code>', page)[1]
    assert (
        client.post("/kantor/akun/2fa/", {"code": totp(secret, timezone.now())}).status_code == 200
    )


def test_an_app_set_up_with_a_stolen_password_is_told_to_the_owner(
    mailed, smtp, django_capture_on_commit_callbacks
):
    thief = signed_in("petugas.kesra")  # the password, phished
    with django_capture_on_commit_callbacks(execute=True):
        set_up_app(thief)
    assert [m["to"] for m in smtp.messages] == [["petugas@kalbarprov.go.id"]]
    mail = smtp.messages[0]
    assert mail["subject"] == "Cara masuk akun Lentera Anda berubah"
    assert "Login dua langkah diaktifkan untuk akun Anda" in mail["body"]
    assert "Nama pengguna: petugas.kesra" in mail["body"]
    assert re.search(r"Waktu: \d+ \w+ 20\d\d, \d\d:\d\d WIB", mail["body"]), mail["body"]
    assert "Lupa kata sandi?" in mail["body"]
    assert "https://ppid.kalbarprov.go.id" in mail["body"]


def test_turning_it_off_and_a_superusers_reset_are_told(
    mailed, smtp, django_capture_on_commit_callbacks
):
    owner = signed_in("petugas.kesra")
    with django_capture_on_commit_callbacks(execute=True):
        set_up_app(owner)
        owner.post("/kantor/akun/2fa/matikan/")
        set_up_app(owner)
        admin = get_user_model().objects.create_superuser("admin", "", PASSWORD)
        services.turn_off_two_factor(mailed.officer, by=admin)
        # Removing it again (nothing left), or an app never finished: no mail.
        services.turn_off_two_factor(mailed.officer, by=admin)
        services.pending_device(mailed.officer)
        services.turn_off_two_factor(mailed.officer, by=admin)
    bodies = [m["body"] for m in smtp.messages]
    assert len(bodies) == 4, bodies
    assert "Login dua langkah dinonaktifkan" in bodies[1]
    assert "Superuser menghapus aplikasi autentikator akun Anda" in bodies[3]
    assert not TOTPDevice.objects.filter(user=mailed.officer).exists()


def test_a_new_password_is_told_and_a_person_without_address_gets_nothing(
    mailed, smtp, django_capture_on_commit_callbacks
):
    new = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in("petugas.kesra").post("/kantor/akun/sandi/", new).status_code == 302
        assert (
            signed_in(mailed.approver.username).post("/kantor/akun/sandi/", new).status_code == 302
        )
    assert [m["to"] for m in smtp.messages] == [["petugas@kalbarprov.go.id"]]
    assert "Kata sandi akun Anda diganti." in smtp.messages[0]["body"]


def test_a_refused_notice_leaves_the_change_standing(
    mailed, smtp, caplog, django_capture_on_commit_callbacks
):
    smtp.refuse = "Lentera"  # every notice: 554
    new = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in("petugas.kesra").post("/kantor/akun/sandi/", new)
    assert done.status_code == 302
    again = Client().post("/kantor/masuk/", {"username": "petugas.kesra", "password": NEW_PASSWORD})
    assert again.status_code == 302
    assert smtp.messages == []
    assert "could not be sent" in caplog.text


def test_a_change_rolled_back_sends_nothing(mailed, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.password_changed(mailed.officer)
            raise RuntimeError("the request failed after the change")
    assert smtp.messages == []
