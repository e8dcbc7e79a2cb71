"""Accounts as an attacker and an auditor try them: lockout after failed logins
(office and admin), lifting it in the admin, changing and resetting a password over
real SMTP, the idle timeout and logging out everywhere. All recorded in the log."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

import lentera.settings
from lentera.accounts.constants import Verb
from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/kantor/masuk/"
NEW_PASSWORD = "Lentera-Kalbar-2026!"


def attempt(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return client.get("/kantor/").status_code == 200


def verbs() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("verb", flat=True))


def test_five_failures_lock_the_username_at_that_address(world, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="id")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(attacker, "petugas.kesra", "salah").status_code == 200  # the form again
    locked = attempt(attacker, "petugas.kesra", "salah")
    assert locked.status_code == 429
    assert "Login terkunci" in locked.content.decode()
    # Now even the right password does not get in from there...
    assert attempt(attacker, "petugas.kesra", PASSWORD).status_code == 429
    assert not logged_in(attacker)
    # ...not with a forged X-Forwarded-For either (no proxy is configured)...
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert attempt(forged, "petugas.kesra", PASSWORD).status_code == 429
    # ...while the officer at the office's own address still can.
    office = Client(REMOTE_ADDR="10.0.0.5")
    assert attempt(office, "petugas.kesra", PASSWORD).status_code == 302
    assert Verb.LOCKED_OUT in verbs()
    event = ActivityEvent.objects.get(verb=Verb.LOCKED_OUT)
    assert event.actor == world.officer and "203.0.113.9" in event.note
    assert verify_chain()[1] is None


def test_the_admin_login_is_locked_too_and_an_administrator_lifts_it(world, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/admin/login/", {"username": "petugas.kesra", "password": "x"})
    response = attacker.post("/admin/login/", {"username": "petugas.kesra", "password": PASSWORD})
    assert response.status_code == 429

    admin = get_user_model().objects.create_superuser("admin", "admin@example.go.id", PASSWORD)
    staff = Client()
    staff.force_login(admin)
    listing = staff.get("/admin/axes/accessattempt/").content.decode()
    assert "203.0.113.7" in listing
    lock = AccessAttempt.objects.get(username="petugas.kesra")
    staff.post(f"/admin/axes/accessattempt/{lock.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert attempt(attacker, "petugas.kesra", PASSWORD).status_code == 302
    lifted = ActivityEvent.objects.get(verb=Verb.UNLOCKED)
    assert lifted.actor == admin and "petugas.kesra" in lifted.note


def test_the_lock_ends_by_itself_after_the_cooloff(world, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "petugas.kesra", "salah")
    assert attempt(attacker, "petugas.kesra", PASSWORD).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        assert attempt(attacker, "petugas.kesra", PASSWORD).status_code == 302


def test_changing_the_password_checks_it_and_ends_the_other_sessions(world):
    phone, laptop = Client(), Client()
    assert attempt(phone, "petugas.kesra", PASSWORD).status_code == 302
    assert attempt(laptop, "petugas.kesra", PASSWORD).status_code == 302
    page = "/kantor/akun/sandi/"
    weak = laptop.post(
        page,
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert weak.status_code == 200 and "terlalu umum" in weak.content.decode()
    new = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    wrong = laptop.post(page, {"old_password": "bukan", **new})
    assert wrong.status_code == 200
    done = laptop.post(page, {"old_password": PASSWORD, **new})
    assert done.status_code == 302
    assert logged_in(laptop) and not logged_in(phone)
    assert verbs()[-2:] == [Verb.PASSWORD_CHANGED, Verb.SESSIONS_ENDED]
    assert attempt(Client(), "petugas.kesra", NEW_PASSWORD).status_code == 302


def test_a_password_is_reset_by_mail_in_indonesian(
    world, smtp, settings, django_capture_on_commit_callbacks
):
    settings.LENTERA_SITE_URL = "https://ppid.kalbarprov.go.id"
    world.officer.email = "petugas@kalbarprov.go.id"
    world.officer.save()
    signed_in = Client()
    signed_in.force_login(world.officer)

    visitor = Client(HTTP_ACCEPT_LANGUAGE="id", HTTP_HOST="localhost")
    response = visitor.post("/kantor/lupa-sandi/", {"email": "petugas@kalbarprov.go.id"})
    assert response.status_code == 302
    # An unknown address looks the same and sends nothing.
    unknown = visitor.post("/kantor/lupa-sandi/", {"email": "siapa@contoh.id"})
    assert unknown.status_code == 302 and unknown.url == response.url
    assert [m["to"] for m in smtp.messages] == [["petugas@kalbarprov.go.id"]]
    mail = smtp.messages[0]
    assert mail["subject"] == "Atur kata sandi baru Lentera"
    assert "Nama pengguna Anda: petugas.kesra" in mail["body"]
    link = re.search(r"https://ppid\.kalbarprov\.go\.id(/kantor/lupa-sandi/\S+/)", mail["body"])
    assert link, mail["body"]

    form = visitor.get(link.group(1), follow=True)
    assert form.status_code == 200 and "Atur kata sandi baru" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = visitor.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert done.status_code == 302
    notice = smtp.messages[-1]  # the account's owner is told (accounts/notices.py)
    assert notice["to"] == ["petugas@kalbarprov.go.id"]
    assert "telah diatur lewat tautan yang dikirim ke alamat ini" in notice["body"]
    assert attempt(Client(), "petugas.kesra", NEW_PASSWORD).status_code == 302
    assert not logged_in(signed_in)  # the old session ended
    assert Verb.PASSWORD_RESET in verbs()
    # The link works once.
    again = visitor.get(link.group(1), follow=True).content.decode()
    assert "tidak berlaku" in again


def test_a_session_ends_after_an_hour_without_activity(world, settings):
    assert lentera.settings.SESSION_COOKIE_AGE == 3600  # the default
    settings.SESSION_COOKIE_AGE = lentera.settings.SESSION_COOKIE_AGE  # conftest lengthens it
    client = Client()
    assert attempt(client, "petugas.kesra", PASSWORD).status_code == 302
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=50)):
        assert logged_in(client)  # activity renews it
    with time_machine.travel(start + datetime.timedelta(minutes=100)):
        assert logged_in(client)  # 50 minutes after the last request
    with time_machine.travel(start + datetime.timedelta(minutes=161)):
        assert not logged_in(client)


def test_log_out_everywhere_else(world):
    here, there = Client(), Client()
    attempt(here, "petugas.kesra", PASSWORD)
    attempt(there, "petugas.kesra", PASSWORD)
    other = Client()
    other.force_login(world.approver)
    response = here.post("/kantor/akun/keluar-semua/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert logged_in(here) and not logged_in(there)
    assert logged_in(other)  # someone else's session is theirs
    event = ActivityEvent.objects.filter(verb=Verb.SESSIONS_ENDED).get()
    assert event.actor == world.officer and event.changes == {"sessions": 1}


def test_behind_a_proxy_the_address_is_read_from_the_right(world, settings):
    """nginx appends the address it saw to whatever X-Forwarded-For the visitor sent:
    rotating a forged left part does not escape the lockout, and the lock falls on
    that visitor alone."""
    settings.LENTERA_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        forged = Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.66", **proxy)
        attempt(forged, "petugas.kesra", "salah")
    thief = Client(HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.66", **proxy)
    assert attempt(thief, "petugas.kesra", PASSWORD).status_code == 429
    officer = Client(HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)
    assert attempt(officer, "petugas.kesra", PASSWORD).status_code == 302
    assert "203.0.113.66" in ActivityEvent.objects.get(verb=Verb.LOCKED_OUT).note


def test_password_reset_mails_are_limited(world, smtp, settings):
    world.officer.email = "petugas@kalbarprov.go.id"
    world.officer.save()
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    answers = [
        visitor.post("/kantor/lupa-sandi/", {"email": "petugas@kalbarprov.go.id"}).status_code
        for _ in range(7)
    ]
    assert answers == [302] * 5 + [429] * 2
    assert len(smtp.messages) == 5
