"""API tokens as their owner, an attacker and an upgrade see them: named, scoped,
expiring, revocable in the office, issued by `lentera apitoken`, throttled when
guessed, and carried over from the previous main's table."""

import datetime
import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from lentera.accounts.constants import TokenScope, Verb
from lentera.accounts.models import ApiToken, hash_token
from lentera.accounts.services import issue_token
from lentera.api.auth import FAILED_TOKEN_LIMIT
from lentera.audit.models import ActivityEvent
from lentera.testing import build_world, item_fields

ITEMS = "/api/v1/items"


def bearer(token: str, address: str = "192.0.2.10") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def new_item(client: Client, world):
    fields = item_fields(world.unit)
    fields["holding_unit"] = world.unit.slug
    fields["made_on"] = fields["made_on"].isoformat()
    fields["category"] = str(fields["category"])
    return client.post(ITEMS, fields, content_type="application/json")


@pytest.mark.django_db
def test_an_officer_creates_uses_and_revokes_a_token_in_the_office(world):
    office = Client(HTTP_ACCEPT_LANGUAGE="id")
    office.force_login(world.officer)
    page = office.post("/kantor/akun/token/", {"name": "Sinkron Satu Data", "days": "30"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    token = html.split('<code class="token">')[1].split("</code>")[0]
    assert token.startswith("lnt_") and "hanya ditampilkan sekali ini" in html
    record = ApiToken.objects.get(user=world.officer)
    assert record.key_hash == hash_token(token) and token not in record.key_hash
    assert record.scope == TokenScope.READ_WRITE
    assert (record.expires_at - timezone.now()).days == 29  # 30 days less a moment
    assert token not in office.get("/kantor/akun/").content.decode()  # shown once

    client = bearer(token)
    assert client.get(ITEMS).status_code == 200
    assert new_item(client, world).status_code == 201
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=None)
    client.get(ITEMS)
    assert ApiToken.objects.get(pk=record.pk).last_used_at is not None

    # Someone else cannot revoke it...
    other = Client()
    other.force_login(world.approver)
    other.post(f"/kantor/akun/token/{record.pk}/cabut/")
    assert client.get(ITEMS).status_code == 200
    # ...its owner can, and it stops working at once.
    office.post(f"/kantor/akun/token/{record.pk}/cabut/")
    assert client.get(ITEMS).status_code == 401
    verbs = list(ActivityEvent.objects.filter(actor=world.officer).values_list("verb", flat=True))
    assert Verb.TOKEN_ISSUED in verbs and Verb.TOKEN_REVOKED in verbs


@pytest.mark.django_db
def test_a_token_needs_a_name_and_a_sane_lifetime(world):
    office = Client(HTTP_ACCEPT_LANGUAGE="en")
    office.force_login(world.officer)
    assert office.post("/kantor/akun/token/", {"name": "", "days": "30"}).status_code == 400
    assert office.post("/kantor/akun/token/", {"name": "x", "days": "5000"}).status_code == 400
    assert office.post("/kantor/akun/token/", {"name": "x", "days": "-1"}).status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_read_only_token_cannot_write(world):
    _, token = issue_token(world.officer, name="laporan", read_only=True)
    client = bearer(token)
    assert client.get(ITEMS).status_code == 200
    response = new_item(client, world)
    assert response.status_code == 403
    assert response.json()["detail"] == "Token API ini hanya boleh membaca."


@pytest.mark.django_db
def test_a_token_expires(world):
    record, token = issue_token(world.officer, name="sementara", days=2)
    assert bearer(token).get(ITEMS).status_code == 200
    with time_machine.travel(record.expires_at + datetime.timedelta(seconds=1)):
        assert bearer(token).get(ITEMS).status_code == 401


@pytest.mark.django_db
def test_guessing_tokens_gets_an_address_throttled(world):
    _, token = issue_token(world.officer, name="asli")
    for n in range(FAILED_TOKEN_LIMIT):
        assert bearer(f"lnt_tebakan{n}", "203.0.113.5").get(ITEMS).status_code == 401
    throttled = bearer(token, "203.0.113.5").get(ITEMS)  # even the right one, from there
    assert throttled.status_code == 429
    assert bearer(token, "192.0.2.99").get(ITEMS).status_code == 200  # others go on


@pytest.mark.django_db
def test_lentera_apitoken_issues_a_scoped_expiring_token(world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "apitoken", world.officer.username, "--name", "skrip", "--expires", "10",
        "--read-only", stdout=out, stderr=err,
    )  # fmt: skip
    token = out.getvalue().strip()
    record = ApiToken.objects.get(key_hash=hash_token(token))
    assert record.name == "skrip" and record.scope == TokenScope.READ
    assert 9 <= (record.expires_at - timezone.now()).days <= 10
    assert bearer(token).get(ITEMS).status_code == 200
    with pytest.raises(CommandError):
        call_command("apitoken", world.officer.username, "--expires", "0", stdout=out)
    with pytest.raises(CommandError):
        call_command("apitoken", "tidak-ada", stdout=out)


# The previous main kept tokens in the api app, without scope or expiry.
PREVIOUS = [("accounts", None), ("api", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_tokens_of_the_previous_main_keep_working_after_the_upgrade():
    world = build_world()
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    executor.loader.build_graph()
    old = executor.loader.project_state(PREVIOUS[1]).apps.get_model("api", "ApiToken")
    token = "lnt_dari-versi-sebelumnya"
    old.objects.create(
        user_id=world.officer.pk, name="lama", prefix=token[:12], key_hash=hash_token(token)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    record = ApiToken.objects.get(name="lama")
    assert record.scope == TokenScope.READ_WRITE  # they had full access
    assert 364 <= (record.expires_at - timezone.now()).days <= 365
    assert ContentType.objects.get_for_model(ApiToken).app_label == "accounts"
    assert bearer(token).get(ITEMS).status_code == 200
