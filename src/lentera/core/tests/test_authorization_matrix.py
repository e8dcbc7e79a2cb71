"""The authorization matrix: every write route of the office and of the JSON API, tried
by every kind of person on items in every state of seed 003, against the grants the
SOP gives, written out below as tables.

A cell is granted when the request changed the database; every cell runs in a savepoint
rolled back afterwards, so all cells start from the same register. A route in the URL
conf or in the OpenAPI document without a row fails the test: whoever adds a route
decides here who may use it.

Seed 003 (kalbar-diskominfo-2024) for Dinas Kesehatan: steps 1 and 2 by its Petugas
PPID (officer), 3 by its Kepala PPID (approver), 4 by the Petugas PPID of the PPID Utama
(main_officer, publishes), 5 by the application.
"""

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp

from lentera.accounts import services as accounts
from lentera.api.v1 import api
from lentera.deadlines.constants import Kind
from lentera.deadlines.models import CalendarDay, Notification
from lentera.documents import hardcopies
from lentera.documents.services import add_document, delete_document
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership, ProposedRole
from lentera.register import dip_import, imports
from lentera.register.constants import DisposalChoice, Disposition
from lentera.register.models import RetentionRule
from lentera.register.retention import propose_disposal, set_retention
from lentera.register.workflow import withdraw
from lentera.testing import (
    BANGKA,
    DISKOMINFO,
    PASSWORD,
    build_preset_world,
    item_fields,
    make_user,
    new_item,
    pdf_upload,
    sample_hardcopy,
    walk_item,
)

ACTORS = (
    "anonymous",
    "officer",  # Petugas PPID of the item's unit
    "other_unit",  # officer of another unit of the body
    "other_body",  # officer of another body's unit
    "reviewer",  # reviewer of the item's unit
    "approver",  # Kepala PPID of the item's unit
    "main_officer",  # Petugas PPID of the PPID Utama
    "main_approver",  # Kepala PPID of the PPID Utama
    "body_admin",  # administrator of the body (in the PPID Utama)
    "superuser",
)
STATES = ("step1", "step3", "step4", "published", "withdrawn")
MEMBERS = "officer reviewer approver main_officer main_approver body_admin"
LOGGED_IN = " ".join(ACTORS[1:])


def grants(step1="", step3="", step4="", published="", withdrawn="") -> dict[str, set[str]]:
    row = dict(step1=step1, step3=step3, step4=step4, published=published, withdrawn=withdrawn)
    return {state: set(who.split()) for state, who in row.items()}


def everywhere(who: str) -> dict[str, set[str]]:
    return grants(who, who, who, who, who)


FIRST_PASS_WITHDRAW = "officer approver main_approver"

# Who may write what, as seed 003 and DESIGN give it. The content (DIP columns, files,
# hard copy locations) is the unit officer's to change while the item waits for the
# approval (steps 1 to 3); step 3's approval freezes it for step 4, and a listed item
# changes only through a new pass (reopen).
CONTENT = grants(step1="officer", step3="officer")
API_GRANTS = {
    "POST /items": {"none": {"officer"}},
    "PATCH /items/{item_id}": CONTENT,
    "POST /items/{item_id}/documents": CONTENT,
    "POST /items/{item_id}/documents/{document_id}/delete": CONTENT,
    # Only a file deleted while it was never online is disposed of.
    "POST /items/{item_id}/documents/{document_id}/dispose": grants(
        step1="approver main_approver superuser", step3="approver main_approver superuser"
    ),
    "POST /items/{item_id}/hardcopies": CONTENT,
    # Members keep the hard copies whatever the item's status.
    "POST /items/{item_id}/hardcopies/{hardcopy_id}/movements": everywhere(MEMBERS + " superuser"),
    "POST /items/{item_id}/hardcopies/{hardcopy_id}/return": everywhere(MEMBERS + " superuser"),
    "POST /items/{item_id}/complete": grants(
        step1="officer", step3="approver", step4="main_officer"
    ),
    "POST /items/{item_id}/return": grants(step3="approver", step4="main_officer"),
    "POST /items/{item_id}/submit": grants(),  # seed 003 has no intake step
    "POST /items/{item_id}/withdraw": grants(
        FIRST_PASS_WITHDRAW,
        FIRST_PASS_WITHDRAW,
        FIRST_PASS_WITHDRAW,
        published="approver main_approver",
    ),
    "POST /items/{item_id}/reopen": grants(published="officer", withdrawn="officer"),
    "POST /items/{item_id}/classifications": grants(
        step1="reviewer approver main_approver", step3="reviewer approver main_approver"
    ),
}

OFFICE_GRANTS = {
    "item-create": {"none": {"officer"}},
    # The head of the PPID decides the list; the body's administrators record it too.
    "edition-new": {"none": {"main_approver", "body_admin"}},
    # Importing an existing DIP: the PPID Utama's officers and the body's administrators;
    # its waiting batch is confirmed by the head of the PPID (the importer never).
    "import": {"none": {"main_officer", "body_admin"}},
    "import-batch": {"none": {"main_approver"}},
    # The body's public details: its administrators (and superusers, who keep every body).
    "body-face": {"none": {"body_admin", "superuser"}},
    # The body's people, units and calendar: its administrators (never their own roles).
    "body-members": {"none": {"body_admin", "superuser"}},
    "body-member-edit": {"none": {"body_admin", "superuser"}},
    "body-member-remove": {"none": {"body_admin", "superuser"}},
    # A proposed reviewer, approver or administrator role: a second person confirms it
    # (another administrator, the head of the PPID Utama, a superuser).
    "body-proposal-decide": {"none": {"body_admin", "main_approver", "superuser"}},
    "body-units": {"none": {"body_admin", "superuser"}},
    "body-unit-edit": {"none": {"body_admin", "superuser"}},
    "calendar-correction-add": {"none": {"body_admin", "superuser"}},
    "calendar-correction-remove": {"none": {"body_admin", "superuser"}},
    "item-edit": API_GRANTS["PATCH /items/{item_id}"],
    "item-upload": API_GRANTS["POST /items/{item_id}/documents"],
    "document-delete": API_GRANTS["POST /items/{item_id}/documents/{document_id}/delete"],
    "document-dispose": API_GRANTS["POST /items/{item_id}/documents/{document_id}/dispose"],
    "item-hardcopy": API_GRANTS["POST /items/{item_id}/hardcopies"],
    "hardcopy-take-out": API_GRANTS["POST /items/{item_id}/hardcopies/{hardcopy_id}/movements"],
    "hardcopy-bring-back": API_GRANTS["POST /items/{item_id}/hardcopies/{hardcopy_id}/return"],
    "hardcopy-edit": everywhere(MEMBERS + " superuser"),
    "item-complete": API_GRANTS["POST /items/{item_id}/complete"],
    "item-return": API_GRANTS["POST /items/{item_id}/return"],
    "item-submit": API_GRANTS["POST /items/{item_id}/submit"],
    "item-withdraw": API_GRANTS["POST /items/{item_id}/withdraw"],
    "item-reopen": API_GRANTS["POST /items/{item_id}/reopen"],
    "item-classify": API_GRANTS["POST /items/{item_id}/classifications"],
    "item-retention": CONTENT,
    # Past its retention any member proposes; an approver other than the proposer decides.
    "retention-propose": everywhere(MEMBERS),
    "retention-decide": everywhere("approver main_approver"),
    # One's own account: anyone logged in, nobody else's.
    "token-create": {"none": set(LOGGED_IN.split())},
    # A superuser revokes anyone's token (a leaked one, a person who left).
    "token-revoke": {"own": set(LOGGED_IN.split()), "approver's": {"approver", "superuser"}},
    "end-sessions": {"none": set(LOGGED_IN.split())},
    "password-change": {"none": set(LOGGED_IN.split())},
    "two-factor": {"none": set(LOGGED_IN.split())},  # a wrong code still keeps a new key
    "two-factor-off": {"none": set(LOGGED_IN.split())},
    "recovery-codes": {"none": set(LOGGED_IN.split())},
    "notifications": {"none": set(LOGGED_IN.split())},  # marks one's own read
    "notification-open": {"approver's": {"approver"}},
}

# Routes that read: a POST by anyone changes nothing.
OFFICE_READS = {
    "my-work",
    "account",
    "item",
    "item-history",
    "retention",
    "calendar",
    "body-tokens",
    "dashboard",
    "hardcopies-out",
    "hardcopy-label",
    "hardcopy-label-pdf",
    "hardcopy-labels",
    "download",
    "thumbnail",
}
# Logging in and out and resetting a forgotten password are for anyone by nature;
# accounts/tests cover them (lockout, second factor, reset mails).
OFFICE_AUTHENTICATION = {
    "login",
    "logout",
    "two-factor-verify",
    "password-reset",
    "password-reset-done",
    "password-reset-confirm",
    "password-reset-complete",
}


# A Penetapan Klasifikasi as both faces take it.
CLASSIFICATION = {
    "ground": "h",
    "statute": "UU 14/2008 Pasal 17 huruf h",
    "consequence_test": "Membuka data ini mengungkap rahasia pribadi.",
    "public_interest_test": "Perlindungan data pribadi lebih besar manfaatnya.",
    "participants": "PPID Utama, PPID Pelaksana",
    "decided_by": "Kepala Dinas Kominfo selaku PPID",
    "approved_by": "Gubernur Kalimantan Barat",
    "decree_number": "SK PPID 12/2025",
    "decided_on": "2025-03-01",
    "exempt_until": "2030-03-01",
}


class _Undo(Exception):
    pass


# The database as far as a write could change it; columns that every read touches
# (a session's expiry, a token's last use, a login's time) aside.
_NOISE = {
    "sessions.session": {"expire_date", "session_data"},
    "accounts.apitoken": {"last_used_at"},
    "auth.user": {"last_login"},
}
_SKIPPED_APPS = {"axes", "contenttypes", "admin"}


def snapshot() -> list:
    state = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in _SKIPPED_APPS or label == "auth.permission":
            continue  # fixed tables: no route writes them
        noise = _NOISE.get(label, set())
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in noise]
        state.append((label, sorted(map(repr, model._default_manager.values_list(*columns)))))
    return state


@dataclass
class Scene:
    world: object
    users: dict  # actor -> user (anonymous: None)
    items: dict  # state -> item
    rule: RetentionRule
    clients: dict | None = None  # actor -> office client, logged in


def build_scene() -> Scene:
    world = build_preset_world(DISKOMINFO)
    foreign = build_preset_world(BANGKA, prefix="x")
    users = {
        "anonymous": None,
        "officer": world.officer,
        "other_unit": world.other_officer,
        "other_body": foreign.officer,
        "reviewer": world.reviewer,
        "approver": world.approver,
        "main_officer": world.main_officer,
        "main_approver": world.main_approver,
        "body_admin": make_user("admin.kalbar", world.main, Role.ADMIN),
        "superuser": get_user_model().objects.create_superuser("super", password=PASSWORD),
    }
    rule = RetentionRule.objects.create(
        body=world.body,
        code="000.1.2",
        disposition=Disposition.DESTROY,
        record_type="Laporan kinerja tahunan",
        active_years=2,
        inactive_years=5,
    )
    # Another JRA line for the office's retention page to choose.
    RetentionRule.objects.create(
        body=world.body,
        code="000.1.3",
        disposition=Disposition.PERMANENT,
        record_type="Rencana strategis",
        active_years=5,
        inactive_years=5,
    )
    items = {}
    for state in STATES:
        # Made in 2010: its retention (2 + 5 years) has ended, so disposal may be proposed.
        item = new_item(
            world, title=f"LKjIP ({state})", made_on=datetime.date(2010, 3, 1), year=2010
        )
        add_document(item, world.officer, pdf_upload(f"{state}.pdf", f"LKjIP {state}"))
        sample_hardcopy(world, item)
        set_retention(item, world.officer, rule)
        until = {"step3": 3, "step4": 4}.get(state)
        if state != "step1":
            item = walk_item(world, item, until=until)
        if state == "withdrawn":
            withdraw(item, world.approver, "Ditarik untuk uji matriks.")
        item.refresh_from_db()
        items[state] = item
    return Scene(world=world, users=users, items=items, rule=rule)


@dataclass
class Request:
    path: str
    data: dict | None = None
    method: str = "post"
    json: bool = False


def writes() -> int:
    """Rows this connection has inserted, updated or deleted so far (in this
    transaction on PostgreSQL): when it has not moved, nothing was written."""
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_all_tables"
        )
        return cursor.fetchone()[0]


def attempt(client: Client, prepare: Callable[..., Request], *args) -> tuple[bool, int]:
    """(changed the database, status code) of the request `prepare(*args)` sets up;
    undone either way. The tables are compared only when the request wrote rows: after
    it, and again once its savepoint is rolled back."""
    outcome = (False, 0)
    cookies = copy.deepcopy(client.cookies)  # a cell that renews the session is undone too
    try:
        with transaction.atomic():
            request = prepare(*args)
            written = writes()
            after = None
            with transaction.atomic():
                send = getattr(client, request.method)
                if request.json:
                    response = send(request.path, request.data, content_type="application/json")
                else:
                    response = send(request.path, request.data or {})
                if writes() != written:
                    after = snapshot()
                transaction.set_rollback(True)
            changed = after is not None and snapshot() != after
            outcome = (changed, response.status_code)
            raise _Undo
    except _Undo:
        pass
    client.cookies = cookies
    return outcome


def run_matrix(table: dict, clients: dict, prepare_for) -> list[str]:
    """Every cell of `table`; the disagreements, one line each."""
    wrong = []
    for route, row in table.items():
        for state, granted in row.items():
            for actor in ACTORS:
                changed, status = attempt(clients[actor], prepare_for, route, state, actor)
                if status >= 500:
                    wrong.append(f"{route} [{state}] {actor}: server error {status}")
                elif changed != (actor in granted):
                    did = "granted" if changed else "refused"
                    wrong.append(f"{route} [{state}] {actor}: {did} ({status})")
    return wrong


def office_clients(scene: Scene) -> dict:
    clients = {}
    for actor, user in scene.users.items():
        clients[actor] = Client()
        if user is not None:
            clients[actor].force_login(user)
    return clients


# The JSON API


def api_write_routes() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }


def test_every_api_write_operation_has_a_row(db):
    assert api_write_routes() == set(API_GRANTS)


def _enter_content(scene: Scene, item) -> dict:
    return dict(
        building="Gedung Arsip",
        room="Ruang 1",
        cabinet="Lemari 1",
        box="Boks 1",
        custodian="Pengelola Arsip",
        note="",
        lock_version=item.lock_version,
    )


def _deleted_document(scene: Scene, item):
    """The item's first file, deleted by its officer where the SOP allows it."""
    document = item.documents.order_by("pk").first()
    try:
        delete_document(document, scene.world.officer, reason="Salah unggah")
    except Exception:  # noqa: BLE001 - a refusal leaves the file live: disposal must fail too
        pass
    return document


def _taken_out(scene: Scene, item):
    hardcopy = item.hardcopies.order_by("pk").first()
    hardcopies.take_out(hardcopy, scene.world.officer, taken_by="Siti", purpose="Audit")
    return hardcopy


def api_request(scene: Scene, route: str, state: str) -> Request:
    method, template = route.split(" ", 1)
    item = scene.items.get(state)
    if item is not None:
        item.refresh_from_db()
    lock = {"lock_version": item.lock_version} if item is not None else {}
    note = "Catatan uji matriks."
    ids = {"item_id": item.pk if item is not None else 0}
    data: dict = dict(lock)
    multipart = False
    match template:
        case "/items":
            fields = item_fields(scene.world.unit, made_on="2025-02-14")
            fields["holding_unit"] = scene.world.unit.slug
            data = fields
        case "/items/{item_id}":
            data = {"summary": "Ringkasan baru.", **lock}
        case "/items/{item_id}/documents":
            data = {"file": pdf_upload("baru.pdf", f"Baru {state}")}
            multipart = True
        case "/items/{item_id}/documents/{document_id}/delete":
            ids["document_id"] = item.documents.order_by("pk").first().pk
            data = {"reason": "Salah unggah"}
        case "/items/{item_id}/documents/{document_id}/dispose":
            ids["document_id"] = _deleted_document(scene, item).pk
            data = {"reason": "Berkas keliru, dimusnahkan."}
        case "/items/{item_id}/hardcopies":
            data = _enter_content(scene, item)
        case "/items/{item_id}/hardcopies/{hardcopy_id}/movements":
            ids["hardcopy_id"] = item.hardcopies.order_by("pk").first().pk
            data = {"taken_by": "Budi", "purpose": "Dipinjam untuk rapat"}
        case "/items/{item_id}/hardcopies/{hardcopy_id}/return":
            ids["hardcopy_id"] = _taken_out(scene, item).pk
            data = {}
        case "/items/{item_id}/complete":
            data = {"note": note, **lock}
        case "/items/{item_id}/return":
            data = {"to_step": 1, "note": note, **lock}
        case "/items/{item_id}/submit" | "/items/{item_id}/withdraw" | "/items/{item_id}/reopen":
            data = {"note": note, **lock}
        case "/items/{item_id}/classifications":
            data = dict(CLASSIFICATION)
        case _:
            raise AssertionError(f"no request written for {route}")
    path = "/api/v1" + template.format(**ids)
    return Request(path, data, method=method.lower(), json=not multipart)


@pytest.mark.django_db
def test_api_writes_follow_the_matrix():
    scene = build_scene()
    clients = {}
    for actor, user in scene.users.items():
        if user is None:
            clients[actor] = Client()
        else:
            _, key = accounts.issue_token(user, name="matriks")
            clients[actor] = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    wrong = run_matrix(
        API_GRANTS, clients, lambda route, state, actor: api_request(scene, route, state)
    )
    assert wrong == [], "\n".join(wrong)


# The office


def office_route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "office":
                names.add(entry.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_office_route_has_a_row(db):
    rows = set(OFFICE_GRANTS) | OFFICE_READS | OFFICE_AUTHENTICATION
    assert office_route_names() == rows
    assert not (OFFICE_READS & set(OFFICE_GRANTS))


def _enrolled(client: Client, user) -> None:
    """`user` turns two-factor login on in `client`'s session, which then counts as
    having shown the second factor."""
    device = accounts.pending_device(user)
    client.post(reverse("office:two-factor"), {"code": f"{totp(device.bin_key):06d}"})
    assert accounts.has_two_factor(user)


def _dip_sheet(unit: str) -> str:
    return (
        "No;Ringkasan Isi Informasi;Unit Kerja;Penanggung Jawab;Waktu dan Tempat;"
        "Bentuk Informasi;Retensi;Kategori\n"
        f"1;Laporan Matriks 2025;{unit};Kepala;3 Maret 2025, Pontianak;Softcopy;5 tahun;Berkala\n"
    )


def _notification_of(user) -> Notification:
    return Notification.objects.create(
        user=user, kind=Kind.ARRIVED, key=f"uji:{user.pk}", subject="Uji", body="Uji"
    )


def office_request(scene: Scene, route: str, state: str, actor: str) -> Request:
    world, user = scene.world, scene.users[actor]
    item = scene.items.get(state)
    if item is not None:
        item.refresh_from_db()
    lock = {"lock_version": item.lock_version} if item is not None else {}
    note = "Catatan uji matriks."
    args: list = [item.pk] if item is not None else []
    data: dict = dict(lock)
    match route:
        case "item-create":
            data = item_fields(world.unit, made_on="2025-02-14", holding_unit=world.unit.pk)
        case "edition-new":
            data = {
                "body": world.body.pk,
                "decree_number": "SK 1/2025",
                "decided_on": "2025-01-02",
                "signer": "Kepala Dinas",
            }
        case "import":
            token = "matriks"
            if user is not None:
                sheet = _dip_sheet(world.unit.name).encode()
                kept = (sheet, "dip.csv", world.body.pk, None, "")
                caches["exports"].set(f"lentera-import-2:{user.pk}:{token}", kept, 60)
            data = {"token": token}
        case "body-face":
            args = [world.body.slug]
            data = {
                "ppid_email": "ppid@contoh.go.id",
                "service_hours": "Senin–Jumat",
                "licence": "cc-by",
            }
        case "body-members":
            args = [world.body.slug]
            data = {"form": "role", "role-username": world.other_officer.username,
                    "role-unit": world.unit.pk, "role-role": Role.OFFICER}  # fmt: skip
        case "body-member-edit" | "body-member-remove":
            member = Membership.objects.get(user=world.officer, unit=world.unit)
            args, data = [world.body.slug, member.pk], {"position": "Petugas Dokumentasi"}
        case "body-proposal-decide":
            proposer = make_user(f"admin.pengusul.{actor}", world.main, Role.ADMIN)
            proposal = ProposedRole.objects.create(
                user=world.other_officer, unit=world.unit, role=Role.REVIEWER, proposed_by=proposer
            )
            args, data = [world.body.slug, proposal.pk], {"confirm": "1"}
        case "body-units":
            args, data = [world.body.slug], {"name": "Bagian Matriks", "short_name": "Matriks"}
        case "body-unit-edit":
            args = [world.body.slug, world.unit.pk]
            data = {"name": "Dinas Baru", "short_name": "", "parent": world.main.pk}
        case "calendar-correction-add":
            args = [world.body.slug]
            data = {"date": "2025-06-02", "day_off": "1", "name": "Hari jadi daerah"}
        case "calendar-correction-remove":
            correction = CalendarDay.objects.create(
                body=world.body, date=datetime.date(2025, 6, 3), name="Hari jadi"
            )
            args, data = [world.body.slug, correction.pk], {}
        case "import-batch":
            plan = dip_import.plan(_dip_sheet(world.unit.name).encode(), "dip.csv", world.body)
            batch = imports.apply(plan, world.main_officer)
            args, data = [batch.pk], {"confirm": "1", "fingerprint": batch.fingerprint}
        case "item-edit":
            data = {**item_fields(world.unit, made_on="2025-02-14", holding_unit=world.unit.pk)}
            data.update(title=item.title, summary="Ringkasan baru.", **lock)
        case "item-upload":
            data = {"file": pdf_upload("baru.pdf", f"Baru {state}"), "title": "Baru"}
        case "document-delete":
            args.append(item.documents.order_by("pk").first().pk)
            data = {"reason": "Salah unggah"}
        case "document-dispose":
            args.append(_deleted_document(scene, item).pk)
            data = {"reason": "Berkas keliru, dimusnahkan."}
        case "item-hardcopy":
            data = _enter_content(scene, item)
        case "hardcopy-take-out":
            args = [item.hardcopies.order_by("pk").first().pk]
            data = {"taken_by": "Budi", "purpose": "Rapat", "taken_at": "", "due_back_on": ""}
        case "hardcopy-bring-back":
            args = [_taken_out(scene, item).pk]
            data = {}
        case "hardcopy-edit":
            args = [item.hardcopies.order_by("pk").first().pk]
            data = _enter_content(scene, item)
            data.pop("lock_version")
        case "item-complete":
            data = {"note": note, **lock}
        case "item-return":
            data = {"to_step": 1, "note": note, **lock}
        case "item-submit" | "item-withdraw" | "item-reopen":
            data = {"note": note, **lock}
        case "item-classify":
            data = {**CLASSIFICATION, **lock}
        case "item-retention":
            other = RetentionRule.objects.filter(body=world.body).exclude(pk=scene.rule.pk)
            data = {"rule": other.get().pk, **lock}
        case "retention-propose":
            data = {"decision": DisposalChoice.DESTROY, "reason": "Retensi habis."}
        case "retention-decide":
            proposal = propose_disposal(
                item, world.reviewer, decision=DisposalChoice.DESTROY, reason="Retensi habis."
            )
            args, data = [proposal.pk], {"approve": "1", "note": note}
        case "token-create":
            data = {"name": "Sinkron Satu Data", "days": 30}
        case "token-revoke":
            owner = user if state == "own" and user is not None else world.approver
            token, _ = accounts.issue_token(owner, name="Untuk dicabut")
            args, data = [token.pk], {}
        case "end-sessions":
            if user is not None:
                Client().force_login(user)  # a second browser
            data = {}
        case "password-change":
            new = "sandi-baru-yang-panjang-91"
            data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        case "two-factor":
            data = {"code": "000000"}
        case "two-factor-off" | "recovery-codes":
            if user is not None:
                _enrolled(scene.clients[actor], user)
            data = {}
        case "notifications":
            if user is not None:
                _notification_of(user)
            data = {}
        case "notification-open":
            args, data = [_notification_of(world.approver).pk], {}
        case _:
            raise AssertionError(f"no request written for {route}")
    return Request(reverse(f"office:{route}", args=args), data)


@pytest.mark.django_db
def test_office_writes_follow_the_matrix():
    scene = build_scene()
    scene.clients = office_clients(scene)
    wrong = run_matrix(
        OFFICE_GRANTS,
        scene.clients,
        lambda route, state, actor: office_request(scene, route, state, actor),
    )
    assert wrong == [], "\n".join(wrong)


def _read_request(scene: Scene, route: str) -> Request:
    item = scene.items["published"]
    version = item.documents.first().versions.first()
    args = {
        "item": [item.pk],
        "item-history": [item.pk],
        "hardcopy-label": [item.hardcopies.first().pk],
        "hardcopy-label-pdf": [item.hardcopies.first().pk],
        "download": [version.pk],
        "thumbnail": [version.pk],
        "body-tokens": [scene.world.body.slug],
    }.get(route, [])
    url = reverse(f"office:{route}", args=args)
    if route == "hardcopy-labels":
        url += f"?nomor={item.hardcopies.first().pk}"
    return Request(url, {"note": "x", "lock_version": 1})


@pytest.mark.django_db
def test_office_reads_write_nothing_whoever_posts():
    scene = build_scene()
    clients = office_clients(scene)
    wrong = []
    for route in sorted(OFFICE_READS):
        for actor in ACTORS:
            changed, status = attempt(clients[actor], _read_request, scene, route)
            if changed or status >= 500:
                wrong.append(f"{route} {actor}: changed={changed} ({status})")
    assert wrong == [], "\n".join(wrong)
