"""Two-factor login as an approver, an officer, a superuser and a thief with a password
see it. Codes are computed with an independent RFC 6238 implementation from the key the
page shows, as an authenticator app would."""

import base64
import datetime
import hashlib
import hmac
import re
import struct

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

import lentera.settings
from lentera.accounts.constants import Verb
from lentera.audit.models import ActivityEvent
from lentera.testing import PASSWORD

pytestmark = pytest.mark.django_db


def totp(secret: str, at: datetime.datetime) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written from the RFC, not from django-otp."""
    counter = int(at.timestamp()) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


@pytest.fixture
def roles(settings):
    assert lentera.settings.LENTERA_2FA == "roles"  # the default
    settings.LENTERA_2FA = "roles"  # conftest makes it optional for the other tests


def login(username: str) -> tuple[Client, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/kantor/masuk/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response.url


def enrol(client: Client) -> tuple[str, list[str]]:
    page = client.get("/kantor/akun/2fa/").content.decode()
    secret = re.search(r'<code class="token">([A-Z2-7]+)</code>', page)[1]
    assert "<svg" in page  # the QR code to scan
    done = client.post("/kantor/akun/2fa/", {"code": totp(secret, timezone.now())})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return secret, codes


def test_an_approver_must_set_it_up_and_then_use_it(world, roles):
    client, target = login(world.approver.username)
    assert target == "/kantor/"
    response = client.get("/kantor/")
    assert response.status_code == 302 and response.url.startswith("/kantor/akun/2fa/")
    assert client.get("/admin/").status_code == 302
    history = client.get(f"/api/v1/items/{world.unit.pk}/history")
    assert history.status_code in (401, 404)  # the session does not count yet

    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=world.approver, confirmed=True)
    assert base64.b32encode(device.bin_key).decode() == secret
    assert secret in device.config_url
    assert client.get("/kantor/").status_code == 200
    assert Verb.TWO_FACTOR_ON in ActivityEvent.objects.values_list("verb", flat=True)

    # The next login: the password is not enough.
    later = timezone.now() + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        thief, _ = login(world.approver.username)
        response = thief.get("/kantor/")
        assert response.url.startswith("/kantor/masuk/kode/")
        wrong = thief.post("/kantor/masuk/kode/", {"code": "000000", "next": "/kantor/"})
        assert wrong.status_code == 400
        assert thief.get("/kantor/").status_code == 302

    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        owner, _ = login(world.approver.username)
        done = owner.post(
            "/kantor/masuk/kode/",
            {"code": totp(secret, later + datetime.timedelta(minutes=1)), "next": "/kantor/"},
        )
        assert done.status_code == 302 and done.url == "/kantor/"
        assert owner.get("/kantor/").status_code == 200
        # An approver may not turn it off.
        owner.post("/kantor/akun/2fa/matikan/")
        assert TOTPDevice.objects.filter(user=world.approver).exists()


def test_a_recovery_code_works_once(world, roles):
    client, _ = login(world.approver.username)
    _, codes = enrol(client)
    first, _ = login(world.approver.username)
    assert first.post("/kantor/masuk/kode/", {"code": codes[0]}).status_code == 302
    assert first.get("/kantor/").status_code == 200
    again, _ = login(world.approver.username)
    assert again.post("/kantor/masuk/kode/", {"code": codes[0]}).status_code == 400
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):  # backed off
        assert again.post("/kantor/masuk/kode/", {"code": codes[1].upper()}).status_code == 302


def test_an_officer_may_choose_it_and_turn_it_off(world, roles):
    client, _ = login(world.officer.username)
    assert client.get("/kantor/").status_code == 200  # not required of an officer
    enrol(client)
    client.post("/kantor/akun/2fa/matikan/")
    assert not TOTPDevice.objects.filter(user=world.officer).exists()
    verbs = list(ActivityEvent.objects.values_list("verb", flat=True))
    assert Verb.TWO_FACTOR_ON in verbs and Verb.TWO_FACTOR_OFF in verbs


def test_with_all_everyone_must_use_it(world, settings):
    settings.LENTERA_2FA = "all"
    client, _ = login(world.officer.username)
    assert client.get("/kantor/").url.startswith("/kantor/akun/2fa/")


def test_a_superuser_resets_a_lost_phone_in_the_admin(world, roles):
    approver, _ = login(world.approver.username)
    enrol(approver)
    get_user_model().objects.create_superuser("admin", "admin@example.go.id", PASSWORD)
    admin, _ = login("admin")
    assert admin.get("/admin/").status_code == 302  # the superuser needs it too
    enrol(admin)
    assert admin.get("/admin/").status_code == 200
    device = TOTPDevice.objects.get(user=world.approver)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.approver).exists()
    reset = ActivityEvent.objects.filter(verb=Verb.TWO_FACTOR_OFF).get()
    assert reset.note == world.approver.username
    again, _ = login(world.approver.username)
    assert again.get("/kantor/").url.startswith("/kantor/akun/2fa/")  # set it up anew


def test_guessing_codes_is_throttled(world, roles):
    client, _ = login(world.approver.username)
    secret, _ = enrol(client)
    start = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(start, tick=False):
        guesser, _ = login(world.approver.username)
        for _ in range(4):
            guesser.post("/kantor/masuk/kode/", {"code": "123456"})
        # Right after the guesses even the right code waits (django-otp backs off).
        assert guesser.post("/kantor/masuk/kode/", {"code": totp(secret, start)}).status_code == 400
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        code = totp(secret, start + datetime.timedelta(seconds=31))
        assert guesser.post("/kantor/masuk/kode/", {"code": code}).status_code == 302


def test_a_half_finished_login_is_anonymous_outside_the_office(world, roles):
    client, _ = login(world.approver.username)
    enrol(client)
    later = timezone.now() + datetime.timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        half, _ = login(world.approver.username)
        page = half.get("/").content.decode()
        assert 'class="who"' not in page  # the portal sees nobody signed in
        history = half.get(f"/api/v1/items/{world.unit.pk}/history")
        assert history.status_code in (401, 404)


def test_the_admin_never_shows_a_second_factors_key(world, roles):
    approver, _ = login(world.approver.username)
    enrol(approver)
    get_user_model().objects.create_superuser("admin", "admin@example.go.id", PASSWORD)
    admin, _ = login("admin")
    enrol(admin)
    device = TOTPDevice.objects.get(user=world.approver)
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert base64.b32encode(device.bin_key).decode() not in page
    for pk in (device.pk, 99999):  # django-otp's config and QR views are gone
        for view in ("config", "qrcode"):
            response = admin.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/", follow=True)
            assert response.status_code == 200  # the admin's "no such object" page
            assert response["Content-Type"].startswith("text/html")
            assert device.key not in response.content.decode()
