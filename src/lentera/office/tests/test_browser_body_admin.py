"""The body's administration in Chromium: an administrator gives a role with the
keyboard alone and corrects the calendar; every administration page meets WCAG 2.1 AA
(axe-core) at desktop width and on a 390 px phone, where nothing scrolls sideways."""

import pytest

from lentera.accounts import services as accounts
from lentera.deadlines.models import CalendarDay
from lentera.organizations.constants import Role
from lentera.organizations.models import Membership
from lentera.portal.tests.conftest import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    axe_source,
    describe,
    open_context,
    wcag_violations,
)
from lentera.portal.tests.test_phone_width import PHONE_390, sideways
from lentera.testing import make_user

from .test_browser_sop_003 import log_in, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_gives_a_role_with_the_keyboard_alone(
    live_server,
    world,
    open_context,  # noqa: F811
):
    admin = make_user("admin.kalbar", world.main, Role.ADMIN)
    person = world.other_officer  # an officer of another unit of the body
    base = live_server.url
    page = open_context(**DESKTOP).new_page()
    log_in(page, base, admin)
    page.goto(f"{base}/kantor/badan/{world.body.slug}/anggota/")
    tab_to(page, "#id_role-username")
    page.keyboard.type("petugas.dinkes")
    page.keyboard.press("Tab")  # the unit: the first in name order is the Biro
    assert page.evaluate("document.activeElement.id") == "id_role-unit"
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # Reviewer, below Officer
    page.keyboard.press("ArrowUp")  # back to Officer: it takes effect at once
    page.keyboard.press("Tab")
    page.keyboard.type("Petugas Dokumentasi")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.success")
    member = Membership.objects.get(user=person, unit=world.unit)
    assert (member.unit, member.role) == (world.unit, Role.OFFICER)
    assert member.position == "Petugas Dokumentasi"


def test_the_administration_pages_meet_wcag_on_desktop_and_phone(
    live_server,
    world,
    open_context,  # noqa: F811
    wcag_violations,  # noqa: F811
):
    admin = make_user("admin.kalbar", world.main, Role.ADMIN)
    accounts.issue_token(world.officer, name="Sinkron Satu Data")
    CalendarDay.objects.create(body=world.body, date="2026-06-01", name="Hari jadi")
    base = live_server.url
    body = f"/kantor/badan/{world.body.slug}"
    paths = (
        f"{body}/",
        f"{body}/anggota/",
        f"{body}/unit/",
        f"{body}/unit/{world.unit.pk}/",
        f"{body}/token/",
        f"/kantor/kalender/?badan={world.body.slug}&tahun=2026",
    )
    problems = []
    for size in (DESKTOP, PHONE_390):
        page = open_context(**size).new_page()
        log_in(page, base, admin)
        for path in paths:
            response = page.goto(base + path)
            assert response.status == 200, path
            found = wcag_violations(page)
            if found:
                problems.append(f"{path} at {size['viewport']['width']} px: {describe(found)}")
            if size is PHONE_390:
                problems.append(sideways(page))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
