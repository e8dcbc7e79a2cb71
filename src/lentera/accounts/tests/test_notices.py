"""A person hears by mail, over real SMTP, when how they sign in changes: a thief who
has their password and sets up an authenticator app first, a new password, two-factor
login turned off or reset by a superuser. A mail server that refuses changes nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lentera.accounts import services
from lentera.audit.models import ActivityEvent
from lentera.testing import PASSWORD

from .test_two_factor import enrol

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lentera-Kalbar-2026!"


@pytest.fixture
def mailed(world, settings):
    settings.LENTERA_SITE_URL = "https://ppid.kalbarprov.go.id"
    for user, address in ((world.officer, "petugas@kalbarprov.go.id"), (world.approver, "")):
        user.email = address
        user.save()
    return world


def signed_in(username: str, password: str = PASSWORD) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    response = client.post("/kantor/masuk/", {"username": username, "password": password})
    assert response.status_code == 302
    return client


def test_an_app_set_up_with_a_stolen_password_is_told_to_the_owner(
    mailed, smtp, django_capture_on_commit_callbacks
):
    thief = signed_in("petugas.kesra")  # the password, phished
    with django_capture_on_commit_callbacks(execute=True):
        enrol(thief)
    assert [m["to"] for m in smtp.messages] == [["petugas@kalbarprov.go.id"]]
    mail = smtp.messages[0]
    assert mail["subject"] == "Cara masuk ke akun Lentera Anda telah berubah"
    assert "Login dua langkah telah diaktifkan untuk akun Anda" in mail["body"]
    assert "Nama pengguna: petugas.kesra" in mail["body"]
    assert re.search(r"Waktu: \d+ \w+ 20\d\d, \d\d:\d\d WIB", mail["body"]), mail["body"]
    assert "Lupa kata sandi?" in mail["body"]
    assert "https://ppid.kalbarprov.go.id" in mail["body"]


def test_turning_it_off_and_a_superusers_reset_are_told(
    mailed, smtp, django_capture_on_commit_callbacks
):
    owner = signed_in("petugas.kesra")
    with django_capture_on_commit_callbacks(execute=True):
        enrol(owner)
        owner.post("/kantor/akun/2fa/matikan/")
        enrol(owner)
        admin = get_user_model().objects.create_superuser("admin", "", PASSWORD)
        services.turn_off_two_factor(mailed.officer, by=admin)
        # Removing it again (nothing left), or an app never finished: no mail.
        services.turn_off_two_factor(mailed.officer, by=admin)
        services.pending_device(mailed.officer)
        services.turn_off_two_factor(mailed.officer, by=admin)
    bodies = [m["body"] for m in smtp.messages]
    assert len(bodies) == 4, bodies
    assert "Login dua langkah telah dinonaktifkan" in bodies[1]
    assert "Seorang superuser telah menghapus aplikasi autentikator" in bodies[3]
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
    assert "Kata sandi akun Anda telah diganti." in smtp.messages[0]["body"]


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


def test_a_superuser_in_english_tells_the_owner_in_the_bodys_language(
    mailed, smtp, django_capture_on_commit_callbacks
):
    get_user_model().objects.create_superuser("admin", "", PASSWORD)
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.post("/kantor/masuk/", {"username": "admin", "password": PASSWORD})
    url = f"/admin/auth/user/{mailed.officer.pk}/password/"
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(url, form).status_code == 302
        owner = signed_in("petugas.kesra", NEW_PASSWORD)
        enrol(owner)
        # Deleting the devices of the list: one mail a person.
        changelist = "/admin/otp_totp/totpdevice/"
        devices = TOTPDevice.objects.values_list("pk", flat=True)
        chosen = {"action": "delete_selected", "_selected_action": list(devices), "post": "yes"}
        assert admin.post(changelist, chosen).status_code == 302
    subjects = [m["subject"] for m in smtp.messages]
    assert subjects == ["Cara masuk ke akun Lentera Anda telah berubah"] * 3
    bodies = [m["body"] for m in smtp.messages]
    assert "Seorang superuser telah mengatur kata sandi baru" in bodies[0]
    assert "Seorang superuser telah menghapus aplikasi autentikator" in bodies[2]
    set_by = ActivityEvent.objects.get(verb="password_set")
    assert (set_by.actor.username, set_by.note) == ("admin", "petugas.kesra")


def test_a_person_working_in_english_is_told_in_english(
    mailed, smtp, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/kantor/masuk/", {"username": "petugas.kesra", "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client)
    mail = smtp.messages[0]
    assert mail["subject"] == "Your Lentera account's sign-in changed"
    assert "Two-factor login was turned on for your account" in mail["body"]
    assert "Forgot your password?" in mail["body"]


def test_a_mail_set_up_wrongly_breaks_neither_the_change_nor_the_page(
    mailed, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("Invalid address; only PPID Kalbar could be parsed")

    monkeypatch.setattr("lentera.mail.send_mail", broken)
    client = signed_in("petugas.kesra")
    with django_capture_on_commit_callbacks(execute=True):
        _, codes = enrol(client)  # the page answers 200 with the recovery codes
    assert len(codes) == 10
    assert TOTPDevice.objects.filter(user=mailed.officer, confirmed=True).exists()


def test_an_address_changed_in_the_admin_is_told_at_the_old_one(
    mailed, smtp, django_capture_on_commit_callbacks
):
    """Whoever moves an account's mail (and with it the reset links) elsewhere."""
    get_user_model().objects.create_superuser("admin", "", PASSWORD)
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.post("/kantor/masuk/", {"username": "admin", "password": PASSWORD})
    officer = mailed.officer
    form = {
        "username": officer.username,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "email": "pencuri@contoh.id",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
    }
    url = f"/admin/auth/user/{officer.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(url, form).status_code == 302
        form["first_name"] = "Budi"  # a change of name alone: no mail
        assert admin.post(url, form).status_code == 302
    assert [m["to"] for m in smtp.messages] == [["petugas@kalbarprov.go.id"]]
    assert "Alamat surel akun Anda telah diganti" in smtp.messages[0]["body"]
    event = ActivityEvent.objects.get(verb="email_changed")
    assert (event.actor.username, event.note) == ("admin", "petugas.kesra")
    assert event.changes == {"email": ["petugas@kalbarprov.go.id", "pencuri@contoh.id"]}
