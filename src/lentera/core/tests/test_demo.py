"""The demo data: three seed bodies, people of every role and a register in every state."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from lentera.audit.models import ActivityEvent
from lentera.audit.selectors import verify_chain
from lentera.core.demo import DEMO_PASSWORD, SUPERUSER, load_demo
from lentera.documents.models import Document, DocumentVersion, HardCopy
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import Membership, PublicBody, Unit
from lentera.register.constants import Category, Status
from lentera.register.models import ClassificationDecision, DipEdition, InformationItem
from lentera.register.selectors import filter_register, public_items
from lentera.sop.constants import StepKind, Verb
from lentera.sop.policy import can_perform

DEMO_BODIES = {"kota-pontianak", "prov-kalbar", "kab-bangka"}
# Each body follows its own seed SOP; Biro Kesra chose seed 002 for itself.
BODY_SOPS = {
    "kota-pontianak": "kota-pontianak-2023",
    "prov-kalbar": "kalbar-diskominfo-2024",
    "kab-bangka": "bangka-dinkominfotik-2024",
}
UNIT_SOPS = {"kalbar-biro-kesra": "kalbar-biro-kesra-2021"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return tmp_path_factory.mktemp("demo") / "files"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, demo_files):
    """The demo, loaded once for this module's tests (a quarter of a minute each) in a
    transaction rolled back after the last; each test's own changes are rolled back at
    its end, as always (pytest-django's `db` makes a savepoint)."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as every test's (conftest)
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=_storages(demo_files), PASSWORD_HASHERS=fast),
    ):
        with transaction.atomic():
            yield load_demo()
            transaction.set_rollback(True)


@pytest.fixture
def logins(loaded, db, settings, demo_files):
    settings.STORAGES = _storages(demo_files)  # where the demo's files went
    return loaded


@pytest.fixture
def files_dir(demo_files):
    return demo_files


def _storages(location) -> dict:
    default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {**django_settings.STORAGES, "default": {**default, "OPTIONS": {"location": location}}}


def counts() -> dict[str, int]:
    models = (
        PublicBody,
        Unit,
        get_user_model(),
        Membership,
        InformationItem,
        Document,
        DocumentVersion,
        ActivityEvent,
        DipEdition,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_demo_creates_the_three_seed_bodies_each_with_one_ppid_utama(logins):
    bodies = PublicBody.objects.all()
    assert {body.slug for body in bodies} == DEMO_BODIES
    for body in bodies:
        assert body.units.filter(ppid_role=PpidRole.MAIN).count() == 1
        assert body.units.filter(ppid_role=PpidRole.IMPLEMENTING).count() >= 2


def test_each_body_and_biro_kesra_follow_their_own_seed_sop(logins):
    for body in PublicBody.objects.all():
        assert body.sop.preset_key == BODY_SOPS[body.slug]
        for unit in body.units.all():
            expected = UNIT_SOPS.get(unit.slug, BODY_SOPS[body.slug])
            assert unit.sop_in_use().preset_key == expected, unit.slug
            assert (unit.sop_id is not None) == (unit.slug in UNIT_SOPS)
    for item in InformationItem.objects.select_related("holding_unit", "sop"):
        assert item.sop == item.holding_unit.sop_in_use()


def test_demo_register_fills_every_dip_column(logins):
    items = InformationItem.objects.all()
    assert items.count() >= 20
    for item in items:
        assert item.title and item.summary and item.responsible_official
        assert item.made_on and item.made_place and item.retention_period
        assert item.legal_basis and item.year
        assert item.form_softcopy or item.form_hardcopy
    assert {c for c in items.values_list("category", flat=True)} == set(Category.values)


def test_published_items_are_spread_over_the_bodies_with_a_stored_pdf(logins):
    published = InformationItem.objects.filter(status=Status.PUBLISHED)
    assert published.count() >= 8
    assert {item.holding_unit.body.slug for item in published} == DEMO_BODIES
    for item in published:
        assert item.published_at is not None
        assert (item.current_step is None) != item.in_update  # an update goes through the SOP
        version = DocumentVersion.objects.get(document__item=item, published_at__isnull=False)
        assert default_storage.exists(version.file.name)
        with version.file.open("rb") as stored:
            assert stored.read(4) == b"%PDF"
        assert version.content_type == "application/pdf"


def test_each_body_lists_items_as_its_sop_allows(logins):
    """Published where the SOP has a publish step; documented, files on request, where not."""
    listed = InformationItem.objects.filter(status__in=(Status.PUBLISHED, Status.DOCUMENTED))
    for body in PublicBody.objects.all():
        for unit in body.units.filter(items__isnull=False).distinct():
            sop = unit.sop_in_use()
            publishes = sop.steps.filter(kind=StepKind.PUBLISH).exists()
            items = listed.filter(holding_unit=unit, category__in=(Category.PERIODIC,))
            expected = Status.PUBLISHED if publishes else Status.DOCUMENTED
            assert items.filter(status=expected).exists(), unit.slug
            if not publishes:
                assert not items.filter(status=Status.PUBLISHED).exists()
                for item in items:
                    assert item.published_at is None and item.current_step is None
                    files = DocumentVersion.objects.filter(document__item=item)
                    assert files.exists() and not files.filter(published_at__isnull=False)
                    assert HardCopy.objects.filter(item=item).exists()
                    step_1 = item.events.filter(verb=Verb.COMPLETE, step__number=1).first()
                    assert step_1.changes == {"ticked": sop.first_step().checklist_items}
        assert public_items().filter(holding_unit__body=body).exists()


def test_items_wait_at_several_steps(logins):
    waiting = InformationItem.objects.filter(current_step__isnull=False)
    assert set(waiting.values_list("current_step__number", flat=True)) == {1, 2, 3, 4, 5}
    for body in PublicBody.objects.all():
        here = waiting.filter(holding_unit__body=body)
        assert len(set(here.values_list("current_step__number", flat=True))) >= 2


def test_a_return_is_logged_with_its_note_by_the_performer_of_the_step(logins):
    returns = ActivityEvent.objects.filter(verb=Verb.RETURN)
    assert {event.item.holding_unit.body.slug for event in returns} == DEMO_BODIES
    for event in returns:
        assert event.note.strip()
        assert event.to_step.number < event.step.number
        assert can_perform(event.actor, event.item, event.step)
    # Returned items were corrected and went on to be published.
    corrected = InformationItem.objects.filter(
        events__verb=Verb.RETURN, status=Status.PUBLISHED
    ).distinct()
    assert corrected.exists()
    for item in corrected:
        assert item.events.filter(verb=Verb.EDIT).exists()


def test_a_published_item_waits_with_its_update_proposed(logins):
    updating = InformationItem.objects.filter(in_update=True)
    assert updating.exists()
    for item in updating:
        assert item.status == Status.PUBLISHED and item.current_step is not None
        assert item.pending_changes
        # The public keeps the published columns and files until the update is published.
        public = public_items().get(pk=item.pk)
        for name, value in item.pending_changes.items():
            assert getattr(public, name) != value
        assert DocumentVersion.objects.filter(
            document__item=item, published_at__isnull=True
        ).exists()
        assert item.events.filter(verb=Verb.REOPEN).exists()


def test_exempt_items_never_become_public(logins):
    exempt = InformationItem.objects.filter(category=Category.EXEMPT)
    assert exempt.filter(status=Status.IN_PROGRESS).exists()
    assert exempt.filter(status=Status.DOCUMENTED).exists()
    assert not exempt.filter(status=Status.PUBLISHED).exists()
    for item in exempt.filter(status=Status.DOCUMENTED):
        # It passed its review only with a Penetapan Klasifikasi, recorded in the log.
        assert ClassificationDecision.objects.filter(item=item).exists()
        assert item.events.filter(verb=Verb.CLASSIFY).exists()
    assert not public_items().filter(category=Category.EXEMPT).exists()
    assert not DocumentVersion.objects.filter(
        document__item__in=exempt, published_at__isnull=False
    ).exists()


def test_every_item_moved_through_the_services(logins):
    for item in InformationItem.objects.all():
        verbs = list(item.events.values_list("verb", flat=True))
        assert verbs[0] == Verb.CREATE
        assert (Verb.PUBLISH in verbs) == (item.status == Status.PUBLISHED)
    events = list(ActivityEvent.objects.order_by("id"))
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    assert verify_chain() == (len(events), None)


def test_every_demo_login_works(logins, client):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert get_user_model().objects.get(username=SUPERUSER).is_superuser
    usernames = [username for username, _ in logins]
    assert len(usernames) == len(set(usernames)) == get_user_model().objects.count()
    for username in usernames:  # through the login form, as people do
        response = client.post("/kantor/masuk/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post("/kantor/keluar/")


def test_every_ppid_utama_and_working_unit_is_staffed(logins):
    def roles_in(unit):
        return set(unit.memberships.values_list("role", flat=True))

    for body in PublicBody.objects.all():
        assert roles_in(body.main_unit) == set(Role.values)
    for unit in Unit.objects.filter(items__isnull=False).distinct():
        assert {Role.OFFICER, Role.APPROVER} <= roles_in(unit)


def test_loading_twice_changes_nothing(logins, files_dir):
    before = counts()
    files_before = sorted(files_dir.rglob("*.pdf"))
    assert len(files_before) == DocumentVersion.objects.count() + DipEdition.objects.count()
    assert load_demo() == logins
    assert counts() == before
    assert sorted(files_dir.rglob("*.pdf")) == files_before


def test_each_body_has_its_dip_decided_once(logins, client):
    for body in PublicBody.objects.all():
        edition = DipEdition.objects.get(body=body)
        assert edition.item_count == filter_register(public_items(), body=body).count() > 0
        assert edition.issued_by.memberships.filter(unit=body.main_unit, role=Role.APPROVER)
        page = client.get(reverse("portal:edition", args=[edition.pk]))
        assert page.status_code == 200 and edition.decree_number in page.content.decode()
