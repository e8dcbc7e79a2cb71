"""A body's administration in the office: its administrators give and take roles, make
accounts (the person sets the password from a real mail), add and rename units, correct
the calendar (due times move) and see the body's API tokens. Nobody else does, an
administrator never changes their own roles, and bad input changes nothing."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from lentera.accounts import services as accounts
from lentera.audit.models import ActivityEvent
from lentera.deadlines.models import CalendarDay
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership, ProposedRole, Unit
from lentera.register import dip_import, imports
from lentera.sop import policy
from lentera.testing import PONTIANAK, build_preset_world, build_world, make_user, new_item

WIB = ZoneInfo("Asia/Jakarta")
NEW_PASSWORD = "sandi-baru-yang-cukup-panjang-7"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def admin(world):
    return make_user("admin.kalbar", world.main, Role.ADMIN)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def url(name, world, *args) -> str:
    return reverse(f"office:{name}", args=[world.body.slug, *args])


def role_post(username, unit, role=Role.REVIEWER, position="") -> dict:
    return {"form": "role", "role-username": username, "role-unit": unit.pk,
            "role-role": role, "role-position": position}  # fmt: skip


def new_post(unit, /, **overrides) -> dict:
    data = {"form": "new", "new-username": "rina.kesra", "new-full_name": "Rina Marlina",
            "new-email": "rina@kalbarprov.go.id", "new-unit": unit.pk,
            "new-role": Role.OFFICER, "new-position": "Petugas Dokumentasi"}  # fmt: skip
    data.update({f"new-{key}": value for key, value in overrides.items()})
    return data


def verbs() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("verb", flat=True))


def test_the_menu_leads_administrators_to_every_page(admin_client, world):
    html = admin_client.get(reverse("office:my-work")).content.decode()
    assert f'href="{url("body-face", world)}"' in html
    page = admin_client.get(url("body-members", world)).content.decode()
    for name in ("body-face", "body-members", "body-units", "body-tokens"):
        assert f'href="{url(name, world)}"' in page
    assert f'href="{reverse("office:calendar")}?badan={world.body.slug}"' in page
    assert f'href="{reverse("office:edition-new")}"' in page
    assert admin_client.get(reverse("office:edition-new")).status_code == 200


def test_an_officer_role_for_someone_of_the_body_counts_at_once(admin_client, admin, world):
    person = world.other_officer  # works in the body already, in another unit
    response = admin_client.post(
        url("body-members", world), role_post("PETUGAS.dinkes", world.unit, Role.OFFICER)
    )
    assert response.status_code == 302
    member = Membership.objects.get(user=person, unit=world.unit)
    assert member.role == Role.OFFICER
    event = ActivityEvent.objects.get(verb="member_added")
    assert event.actor == admin and event.unit == world.unit and "petugas.dinkes" in event.note
    # They now record information for the unit.
    worker = Client()
    worker.force_login(person)
    form = worker.get(reverse("office:item-create")).text
    assert f'<option value="{world.unit.pk}"' in form

    # The position, then the role taken away: each logged.
    admin_client.post(url("body-member-edit", world, member.pk), {"position": " Petugas  PPID "})
    member.refresh_from_db()
    assert member.position == "Petugas PPID"
    admin_client.post(url("body-member-remove", world, member.pk))
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert Membership.objects.filter(user=person, unit=world.other_unit).exists()
    assert verbs()[-3:] == ["member_added", "member_changed", "member_removed"]
    assert f'<option value="{world.unit.pk}"' not in worker.get(reverse("office:item-create")).text


def test_anyone_new_to_the_body_waits_for_a_second_person(client, admin_client, world):
    """Even as an officer: an account the administrator made could be their own second
    identity, recording what they approve."""
    head = make_user("kepala.utama", world.main, Role.APPROVER)
    newcomer = make_user("budi.baru")
    admin_client.post(url("body-members", world), role_post("budi.baru", world.unit, Role.OFFICER))
    proposal = ProposedRole.objects.get(user=newcomer)
    assert not Membership.objects.filter(user=newcomer).exists()
    client.force_login(head)
    client.post(url("body-proposal-decide", world, proposal.pk), {"confirm": "1"})
    assert Membership.objects.get(user=newcomer).role == Role.OFFICER


def test_a_new_person_sets_their_password_from_the_mail(admin_client, world, smtp, settings):
    settings.LENTERA_SITE_URL = "https://ppid.kalbarprov.go.id"
    response = admin_client.post(url("body-members", world), new_post(world.unit))
    assert response.status_code == 302
    person = get_user_model().objects.get(username="rina.kesra")
    assert (person.first_name, person.last_name) == ("Rina", "Marlina")
    proposal = ProposedRole.objects.get(user=person)  # new to the body: a second person
    assert (proposal.role, proposal.position) == (Role.OFFICER, "Petugas Dokumentasi")
    assert verbs()[-2:] == ["account_created", "role_proposed"]

    [mail] = smtp.messages
    assert mail["to"] == ["rina@kalbarprov.go.id"] and "rina.kesra" in mail["body"]
    link = re.search(r"https://ppid\.kalbarprov\.go\.id(/kantor/lupa-sandi/\S+/)", mail["body"])
    assert link, mail["body"]
    visitor = Client()
    form = visitor.get(link.group(1), follow=True)
    done = visitor.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    login = Client().post(
        reverse("office:login"), {"username": "rina.kesra", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"username": "petugas.kesra"}, "The username petugas.kesra is taken."),
        ({"username": "Petugas.Kesra"}, "The username Petugas.Kesra is taken."),
        ({"email": "bukan-surel"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"username": "nama dengan spasi"}, "Enter a valid value."),
        ({"role": "superuser"}, "Select a valid choice."),
        ({"unit": "999999"}, "Select a valid choice."),
    ],
)
def test_a_bad_new_person_changes_nothing(admin_client, world, overrides, message):
    users, events = get_user_model().objects.count(), ActivityEvent.objects.count()
    response = admin_client.post(url("body-members", world), new_post(world.unit, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert get_user_model().objects.count() == users
    assert ActivityEvent.objects.count() == events


def test_an_address_already_in_use_makes_no_second_account(admin_client, world):
    world.officer.email = "rina@kalbarprov.go.id"
    world.officer.save()
    response = admin_client.post(url("body-members", world), new_post(world.unit))
    assert response.status_code == 400
    assert "Another account already uses this e-mail address." in response.content.decode()
    assert not get_user_model().objects.filter(username="rina.kesra").exists()


def test_an_unknown_account_or_a_role_held_twice_is_refused(admin_client, world):
    unknown = admin_client.post(url("body-members", world), role_post("siapa", world.unit))
    assert unknown.status_code == 400
    assert "No account of this body has this username" in unknown.content.decode()
    twice = admin_client.post(
        url("body-members", world), role_post("petugas.kesra", world.unit, Role.OFFICER)
    )
    assert twice.status_code == 400
    assert "already holds this role" in twice.content.decode()
    assert Membership.objects.filter(user=world.officer).count() == 1


def test_an_administrator_never_changes_their_own_roles(admin_client, admin, world):
    before = set(Membership.objects.values_list("pk", "role", "position"))
    grab = admin_client.post(
        url("body-members", world), role_post("admin.kalbar", world.main, Role.APPROVER)
    )
    assert grab.status_code == 400
    assert "Another administrator changes your own roles" in grab.content.decode()
    own = Membership.objects.get(user=admin)
    admin_client.post(url("body-member-edit", world, own.pk), {"position": "Kepala"})
    admin_client.post(url("body-member-remove", world, own.pk))
    assert set(Membership.objects.values_list("pk", "role", "position")) == before
    # So nobody makes themselves reviewer and approver of the same item.
    assert not policy.is_approver_for(admin, new_item(world))


@pytest.mark.parametrize("who", ["officer", "approver", "main_officer", "outsider"])
def test_nobody_else_reads_or_changes_the_body(client, world, who):
    client.force_login(getattr(world, who))
    member = Membership.objects.get(user=world.officer)
    for name, args in [("body-members", []), ("body-units", []), ("body-tokens", []),
                       ("body-unit-edit", [world.unit.pk])]:  # fmt: skip
        assert client.get(url(name, world, *args)).status_code == 403
    assert (
        client.post(url("body-members", world), role_post("warga", world.unit)).status_code == 403
    )
    assert client.post(url("body-member-remove", world, member.pk)).status_code == 403
    assert client.post(url("body-units", world), {"name": "Unit Palsu"}).status_code == 403
    assert Membership.objects.filter(pk=member.pk).exists()
    assert not Unit.objects.filter(name="Unit Palsu").exists()


def test_another_bodys_administrator_cannot_reach_this_body(client, world):
    other = build_world("lain-")
    outside_admin = make_user("admin.lain", other.main, Role.ADMIN)
    client.force_login(outside_admin)
    member = Membership.objects.get(user=world.officer)
    assert client.get(url("body-members", world)).status_code == 403
    # Through their own body's address, this body's records are not found.
    mine = reverse("office:body-member-remove", args=[other.body.slug, member.pk])
    assert client.post(mine).status_code == 404
    unit = reverse("office:body-unit-edit", args=[other.body.slug, world.unit.pk])
    assert client.get(unit).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()


def test_units_are_added_and_renamed(admin_client, admin, world):
    response = admin_client.post(
        url("body-units", world), {"name": "  Dinas   Pendidikan ", "short_name": "Disdik"}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Dinas Pendidikan")
    assert unit.parent == world.main and unit.ppid_role == "implementing"
    assert unit.slug == "kalbar-disdik"
    again = admin_client.post(url("body-units", world), {"name": "Dinas Pendidikan"})
    assert again.status_code == 400
    assert Unit.objects.filter(body=world.body, name="Dinas Pendidikan").count() == 1

    edit = url("body-unit-edit", world, unit.pk)
    admin_client.post(edit, {"name": "Dinas Pendidikan dan Kebudayaan", "short_name": "Disdikbud",
                             "parent": world.unit.pk})  # fmt: skip
    unit.refresh_from_db()
    assert (unit.name, unit.parent) == ("Dinas Pendidikan dan Kebudayaan", world.unit)
    assert unit.slug == "kalbar-disdik"  # addresses stay
    event = ActivityEvent.objects.filter(verb="unit_changed").get()
    assert event.actor == admin and event.changes["name"][0] == "Dinas Pendidikan"
    assert verbs().count("unit_added") == 1


def test_a_unit_cannot_sit_below_itself_or_take_anothers_name(admin_client, world):
    child = Unit.objects.create(body=world.body, parent=world.unit, name="Subbag", slug="subbag")
    circle = admin_client.post(
        url("body-unit-edit", world, world.unit.pk),
        {"name": world.unit.name, "short_name": "", "parent": child.pk},
    )
    assert circle.status_code == 400
    assert "A unit cannot sit below itself." in circle.content.decode()
    taken = admin_client.post(
        url("body-unit-edit", world, child.pk),
        {"name": world.other_unit.name, "short_name": "", "parent": world.unit.pk},
    )
    assert taken.status_code == 400
    world.unit.refresh_from_db()
    child.refresh_from_db()
    assert world.unit.parent == world.main and child.name == "Subbag"
    # The PPID Utama stays the top: its form has no parent to choose.
    main = admin_client.get(url("body-unit-edit", world, world.main.pk)).content.decode()
    assert 'name="parent"' not in main


def test_a_calendar_correction_moves_the_waiting_work_and_back(client, db):
    world = build_preset_world(PONTIANAK)  # step 1 takes 1 working day
    admin = make_user("admin.ptk", world.main, Role.ADMIN)
    client.force_login(admin)
    with time_machine.travel(datetime.datetime(2026, 10, 21, 10, tzinfo=WIB), tick=False):
        item = new_item(world)  # a Wednesday: due Thursday 16:00
    due = item.step_due_at
    assert due == datetime.datetime(2026, 10, 22, 16, tzinfo=WIB)
    calendar = reverse("office:calendar") + f"?badan={world.body.slug}&tahun=2026"
    assert "correction-form" in client.get(calendar).content.decode()

    response = client.post(
        url("calendar-correction-add", world),
        {"date": "2026-10-22", "day_off": "1", "name": "Hari Jadi Kota"},
        follow=True,
    )
    assert "The correction was saved." in response.content.decode()
    item.refresh_from_db()
    assert item.step_due_at == datetime.datetime(2026, 10, 23, 16, tzinfo=WIB)
    event = ActivityEvent.objects.filter(verb="calendar").get()
    assert event.actor == admin and "Hari Jadi Kota" in event.changes["name"][1]

    twice = client.post(
        url("calendar-correction-add", world),
        {"date": "2026-10-22", "day_off": "1", "name": "Lagi"},
        follow=True,
    )
    assert "already has a correction" in twice.content.decode()
    assert CalendarDay.objects.filter(body=world.body).count() == 1

    correction = CalendarDay.objects.get(body=world.body)
    client.post(url("calendar-correction-remove", world, correction.pk))
    item.refresh_from_db()
    assert item.step_due_at == due and not CalendarDay.objects.exists()


def test_a_bad_correction_gets_a_message_and_changes_nothing(admin_client, world):
    response = admin_client.post(
        url("calendar-correction-add", world), {"date": "31-02-2026", "day_off": "1", "name": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid date." in html and "This field is required." in html
    assert not CalendarDay.objects.exists()


def test_members_read_the_calendar_but_only_administrators_correct_it(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("office:calendar")).content.decode()
    assert "correction-form" not in page
    response = client.post(
        url("calendar-correction-add", world), {"date": "2026-06-01", "day_off": "1", "name": "X"}
    )
    assert response.status_code == 403 and not CalendarDay.objects.exists()


def test_the_bodys_tokens_are_listed_and_no_other_bodys(admin_client, world):
    accounts.issue_token(world.officer, name="Sinkron Satu Data")
    other = build_world("lain-")
    accounts.issue_token(other.officer, name="Token badan lain")
    html = admin_client.get(url("body-tokens", world)).content.decode()
    assert "Sinkron Satu Data" in html and "Token badan lain" not in html
    assert "lnt_" in html  # the prefix only
    token = world.officer.api_tokens.get()
    assert token.key_hash not in html


def test_an_administrator_issues_the_dip_but_never_confirms_an_import(admin, world):
    assert policy.can_issue_edition(admin, world.body)
    sheet = (
        "No;Ringkasan Isi Informasi;Unit Kerja;Penanggung Jawab;Waktu dan Tempat;"
        "Bentuk Informasi;Retensi;Kategori\n"
        f"1;Laporan 2025;{world.unit.name};Kepala;3 Maret 2025, Pontianak;Softcopy;5 tahun;"
        "Berkala\n"
    )
    batch = imports.apply(
        dip_import.plan(sheet.encode(), "dip.csv", world.body), world.main_officer
    )
    assert policy.import_refusal(admin, batch) is not None


def test_a_mail_server_that_refuses_leaves_the_account_and_says_so(admin_client, world, smtp):
    smtp.refuse = "Lentera"
    response = admin_client.post(url("body-members", world), new_post(world.unit), follow=True)
    assert "The mail could not be sent." in response.content.decode()
    assert ProposedRole.objects.filter(user__username="rina.kesra").exists()
    assert smtp.messages == []


def test_a_working_day_cannot_be_worked_after_all(admin_client, world):
    monday = "2026-06-08"  # no holiday
    response = admin_client.post(
        url("calendar-correction-add", world),
        {"date": monday, "day_off": "0", "name": "Masuk"},
        follow=True,
    )
    assert "June 8, 2026 is a working day already." in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_a_checking_role_waits_for_a_second_person(client, admin_client, admin, world):
    """An administrator proposes a reviewer; neither they nor the person confirm it; the
    head of the PPID Utama does, and only then does the role count."""
    head = make_user("kepala.utama", world.main, Role.APPROVER)
    person = make_user("rudi.kesra")
    response = admin_client.post(
        url("body-members", world), role_post("rudi.kesra", world.unit, Role.REVIEWER),
        follow=True,
    )  # fmt: skip
    assert "another administrator, the head of the PPID or a superuser confirms it" in response.text
    proposal = ProposedRole.objects.get(user=person)
    assert not Membership.objects.filter(user=person).exists()
    decide = url("body-proposal-decide", world, proposal.pk)
    admin_client.post(decide, {"confirm": "1"})
    as_person = Client()
    as_person.force_login(person)
    assert as_person.post(decide, {"confirm": "1"}).status_code == 403
    assert not Membership.objects.filter(user=person).exists()

    client.force_login(head)
    assert "1 proposed role in" in client.get(reverse("office:my-work")).text
    assert client.get(url("body-members", world)).status_code == 200  # to decide
    assert (
        client.post(url("body-members", world), role_post("warga", world.unit)).status_code == 403
    )
    client.post(decide, {"confirm": "1"})
    member = Membership.objects.get(user=person)
    assert (member.unit, member.role) == (world.unit, Role.REVIEWER)
    assert not ProposedRole.objects.exists()
    event = ActivityEvent.objects.filter(verb="member_added").last()
    assert event.actor == head and event.changes["proposed_by"] == "admin.kalbar"
    assert verbs().count("role_proposed") == 1


def test_one_administrator_cannot_make_an_approver_of_their_own(admin_client, admin, world, smtp):
    """The puppet: a new account for an address the administrator reads, as approver.
    It stays a proposal that neither of the two can confirm."""
    admin_client.post(url("body-members", world), new_post(world.main, role=Role.APPROVER))
    puppet = get_user_model().objects.get(username="rina.kesra")
    proposal = ProposedRole.objects.get(user=puppet)
    for who in (admin, puppet):
        as_who = Client()
        as_who.force_login(who)
        as_who.post(url("body-proposal-decide", world, proposal.pk), {"confirm": "1"})
    assert not Membership.objects.filter(user=puppet).exists()
    # Nor a second administrator to confirm for them.
    admin_client.post(
        url("body-members", world), role_post("petugas.kesra", world.main, Role.ADMIN)
    )
    assert not Membership.objects.filter(user=world.officer, role=Role.ADMIN).exists()
    # The proposer withdraws.
    response = admin_client.post(
        url("body-proposal-decide", world, proposal.pk), {"reject": "1"}, follow=True
    )
    assert "was withdrawn" in response.text
    assert not ProposedRole.objects.filter(pk=proposal.pk).exists()
    assert "role_withdrawn" in verbs()


def test_a_proposal_is_checked_again_when_confirmed(client, admin, admin_client, world):
    head = make_user("kepala.utama", world.main, Role.APPROVER)
    first = make_user("satu.baru")
    second = make_user("dua.baru")
    for name in ("satu.baru", "dua.baru"):
        admin_client.post(url("body-members", world), role_post(name, world.unit, Role.REVIEWER))
    one, two = ProposedRole.objects.get(user=first), ProposedRole.objects.get(user=second)
    # The second person went to work in another body meanwhile.
    other = build_world("lain-")
    Membership.objects.create(user=second, unit=other.unit, role=Role.OFFICER)
    client.force_login(head)
    moved = client.post(url("body-proposal-decide", world, two.pk), {"confirm": "1"}, follow=True)
    assert "now works in another body" in moved.text
    # The proposer is no longer an administrator.
    Membership.objects.filter(user=admin).delete()
    gone = client.post(url("body-proposal-decide", world, one.pk), {"confirm": "1"}, follow=True)
    assert "Its proposer no longer administers the body" in gone.text
    assert not Membership.objects.filter(user__in=[first, second], unit=world.unit).exists()


def test_another_bodys_people_are_not_found_by_username(admin_client, world):
    other = build_world("lain-")
    response = admin_client.post(
        url("body-members", world), role_post(other.officer.username, world.unit, Role.OFFICER)
    )
    assert response.status_code == 400
    assert "No account of this body has this username" in response.text
    assert not Membership.objects.filter(user=other.officer, unit=world.unit).exists()


@pytest.mark.parametrize("name", ["ＢＵＤＩ", "budi kesra", "büdi"])
def test_look_alike_usernames_are_refused(admin_client, world, name):
    make_user("budi")
    response = admin_client.post(url("body-members", world), new_post(world.unit, username=name))
    assert response.status_code == 400
    assert get_user_model().objects.filter(username__in=["BUDI", name]).count() == 0


def test_a_unit_name_that_another_unit_goes_by_is_refused(admin_client, world):
    world.other_unit.short_name = "Dinkes"
    world.other_unit.save()
    for data in (
        {"name": "DINKES"},
        {"name": "Dinas  kesehatan"},
        {"name": "X", "short_name": "dinkes"},
    ):
        response = admin_client.post(url("body-units", world), data)
        assert response.status_code == 400, data
        assert "Another unit of this body already goes by this name." in response.text
    orphan = admin_client.post(
        url("body-unit-edit", world, world.unit.pk), {"name": world.unit.name, "short_name": ""}
    )
    assert orphan.status_code == 400 and "Choose the unit above this one." in orphan.text
    world.unit.refresh_from_db()
    assert world.unit.parent == world.main


def test_a_position_too_long_changes_nothing(admin_client, world):
    member = Membership.objects.get(user=world.officer)
    response = admin_client.post(
        url("body-member-edit", world, member.pk), {"position": "x" * 121}, follow=True
    )
    assert "The position is at most 120 characters." in response.text
    member.refresh_from_db()
    assert member.position == ""
