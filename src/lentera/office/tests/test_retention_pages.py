"""The retention pages: members see their records past retention; others see nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from lentera.register.constants import DisposalChoice, Disposition
from lentera.register.models import DisposalDecision, RetentionRule
from lentera.register.retention import propose_disposal, set_retention
from lentera.sop.constants import Verb
from lentera.testing import DISKOMINFO, PONTIANAK, build_preset_world, new_item

OLD = dict(made_on=datetime.date(2010, 3, 1), year=2010)


def in_indonesian(message: str) -> str:
    """A message as the pages show it (Indonesian is the default language)."""
    with translation.override("id"):
        return translation.gettext(message)


@pytest.fixture
def world(db):
    return build_preset_world(DISKOMINFO)


def jra(body, code="000.1.2", **fields):
    values = dict(
        record_type="Laporan kinerja tahunan",
        active_years=2,
        inactive_years=5,
        disposition=Disposition.DESTROY,
    )
    values.update(fields)
    return RetentionRule.objects.create(body=body, code=code, **values)


def due_item(world, **fields):
    item = new_item(world, **{**OLD, **fields})
    code = RetentionRule.objects.filter(body=world.body).first() or jra(world.body)
    return set_retention(item, world.officer, code)


def test_members_see_items_past_retention_with_code_type_and_date(client, world):
    item = due_item(world, title="Laporan Kinerja Dinas Kesehatan 2010")
    new_item(world, title="Laporan Tanpa Kode", **OLD)
    client.force_login(world.officer)
    page = client.get(reverse("office:retention"))
    assert page.status_code == 200
    assert [i.pk for i in page.context["due"]] == [item.pk]
    html = page.text
    assert "Laporan Kinerja Dinas Kesehatan 2010" in html and "Laporan Tanpa Kode" not in html
    assert "000.1.2" in html and "Laporan kinerja tahunan" in html
    assert reverse("office:retention-propose", args=[item.pk]) in html
    assert reverse("office:retention") in client.get(reverse("office:my-work")).text  # nav link


def test_a_proposal_is_made_on_the_page_and_decided_by_another_approver(client, world):
    item = due_item(world)
    client.force_login(world.officer)
    response = client.post(
        reverse("office:retention-propose", args=[item.pk]),
        {"decision": DisposalChoice.PERMANENT, "reason": "Arsip sejarah daerah."},
    )
    assert response.status_code == 302
    proposal = DisposalDecision.objects.get(item=item)
    assert proposal.proposed_by == world.officer and proposal.reason == "Arsip sejarah daerah."
    page = client.get(reverse("office:retention"))
    assert page.context["due"] == [] and not page.context["proposals"][0].may_decide
    decide = reverse("office:retention-decide", args=[proposal.pk])
    assert decide not in page.text  # the officer sees the proposal, not the buttons

    client.force_login(world.approver)
    assert decide in client.get(reverse("office:retention")).text
    client.post(decide, {"approve": "", "note": "Setuju disimpan permanen."})
    proposal.refresh_from_db()
    assert proposal.state == DisposalDecision.State.APPROVED
    assert proposal.decided_by == world.approver
    assert item.events.filter(verb=Verb.DECIDE_DISPOSAL, actor=world.approver).exists()


def test_a_refused_proposal_explains_and_changes_nothing(client, world):
    item = due_item(world)
    client.force_login(world.officer)
    response = client.post(
        reverse("office:retention-propose", args=[item.pk]),
        {"decision": DisposalChoice.EXTEND, "reason": "Masih dipakai."},
        follow=True,
    )
    assert in_indonesian("Keeping longer needs a review date in the future.") in response.text
    assert not DisposalDecision.objects.exists()


def test_the_proposer_cannot_decide_through_the_page(client, world):
    item = due_item(world)
    proposal = propose_disposal(
        item, world.main_approver, decision=DisposalChoice.PERMANENT, reason="Arsip sejarah."
    )
    client.force_login(world.main_approver)
    response = client.post(
        reverse("office:retention-decide", args=[proposal.pk]), {"approve": ""}, follow=True
    )
    assert (
        in_indonesian("You proposed this decision, so someone else must decide it.")
        in response.text
    )
    proposal.refresh_from_db()
    assert proposal.state == DisposalDecision.State.PROPOSED


def test_outsiders_see_nothing_of_other_bodies(client, world):
    item = due_item(world)
    proposal = propose_disposal(
        item, world.officer, decision=DisposalChoice.DESTROY, reason="Retensi habis."
    )
    elsewhere = build_preset_world(PONTIANAK)
    due_item(elsewhere, title="Laporan Dinas Sosial Kota Pontianak 2010")
    for person in (elsewhere.main_approver, elsewhere.officer, world.outsider):
        client.force_login(person)
        page = client.get(reverse("office:retention"))
        assert page.status_code == 200
        assert item.title not in page.text and "Retensi habis." not in page.text
        assert all(p.item.holding_unit.body_id != world.body.pk for p in page.context["proposals"])
        assert all(i.holding_unit.body_id != world.body.pk for i in page.context["due"])
        propose = client.post(
            reverse("office:retention-propose", args=[item.pk]),
            {"decision": DisposalChoice.PERMANENT, "reason": "Coba."},
        )
        decide = client.post(
            reverse("office:retention-decide", args=[proposal.pk]), {"approve": ""}
        )
        assert (propose.status_code, decide.status_code) == (404, 404)
        assert client.get(reverse("office:item-retention", args=[item.pk])).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == DisposalDecision.State.PROPOSED
    assert DisposalDecision.objects.count() == 1
    client.force_login(elsewhere.officer)
    page = client.get(reverse("office:retention"))
    assert "Laporan Dinas Sosial Kota Pontianak 2010" in page.text  # their own, though


def test_the_officer_picks_the_code_on_the_item_page(client, world):
    item = new_item(world)
    code = jra(world.body, code="000.5.1", disposition=Disposition.PERMANENT, active_years=5)
    foreign = jra(build_preset_world(PONTIANAK).body, code="999.9")
    client.force_login(world.officer)
    assert (
        reverse("office:item-retention", args=[item.pk])
        in client.get(reverse("office:item", args=[item.pk])).text
    )
    url = reverse("office:item-retention", args=[item.pk])
    page = client.get(url)
    assert "000.5.1" in page.text and "999.9" not in page.text  # only the body's schedule
    refused = client.post(url, {"rule": foreign.pk, "lock_version": item.lock_version})
    assert refused.status_code == 200 and refused.context["form"].errors
    response = client.post(url, {"rule": code.pk, "lock_version": item.lock_version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.retention_rule == code
    assert item.retention_period == "Aktif 5 tahun, inaktif 5 tahun; permanen (JRA 000.5.1)"
    assert item.events.filter(verb=Verb.RETENTION, actor=world.officer).exists()


def test_a_stale_code_form_is_refused(client, world):
    item = new_item(world)
    code = jra(world.body)
    client.force_login(world.officer)
    url = reverse("office:item-retention", args=[item.pk])
    response = client.post(url, {"rule": code.pk, "lock_version": item.lock_version - 1})
    assert response.status_code == 200
    assert (
        in_indonesian(
            "Someone else changed this item while you were working on it. "
            "Reload the page to see their change, then try again."
        )
        in response.context["form"].non_field_errors()
    )
    item.refresh_from_db()
    assert item.retention_rule is None


def test_who_may_not_edit_sees_the_code_without_a_form(client, world):
    item = due_item(world)
    client.force_login(world.other_officer)
    assert client.get(reverse("office:item-retention", args=[item.pk])).status_code == 404
    client.force_login(world.main_approver)  # sees the whole body, edits nothing here
    page = client.get(reverse("office:item-retention", args=[item.pk]))
    assert page.status_code == 200 and page.context["form"] is None and "000.1.2" in page.text
    response = client.post(reverse("office:item-retention", args=[item.pk]), {"rule": 1})
    assert response.status_code == 302
