"""The CKAN API as real clients use it, against a live server: ckanapi (the library
developers script CKAN with) calls every action, and a harvester does what
ckanext-harvest's CKAN harvester does, full and incremental runs, while items are
published, changed and withdrawn."""

import datetime
import json
from urllib.parse import urlencode

import ckanapi
import pytest
import requests
from django.utils import timezone

from lentera.documents.services import add_document
from lentera.portal.tests.test_feeds import build_register
from lentera.register.constants import Category
from lentera.register.workflow import withdraw
from lentera.testing import new_item, pdf_upload, publish_item

ACTIONS = [
    "status_show",
    "site_read",
    "package_list",
    "current_package_list_with_resources",
    "package_search",
    "package_show",
    "resource_show",
    "organization_list",
    "organization_show",
    "group_list",
    "group_show",
    "tag_list",
    "license_list",
]


@pytest.fixture
def register(transactional_db, world):
    return build_register(world)


@pytest.fixture(params=["post", "get"])
def remote(request, live_server):
    """ckanapi as a script uses it: JSON posted to /api/action/ (its default), or GET."""
    client = ckanapi.RemoteCKAN(
        live_server.url, user_agent="lentera-tests", get_only=request.param == "get"
    )
    yield client
    client.close()


def test_ckanapi_calls_every_action(remote, register):
    renstra = register.renstra
    called = set()

    def act(name, **params):
        called.add(name)
        return getattr(remote.action, name)(**params)

    assert act("status_show")["api_version"] == 3
    assert act("site_read") is True
    names = act("package_list")
    assert renstra.name in names and register.draft.name not in names
    assert len(act("current_package_list_with_resources", limit=2)) == 2
    package = act("package_show", id=renstra.name)
    assert package["id"] == str(renstra.uuid)
    assert package["license_id"] == "cc-by" and package["isopen"] is True
    (resource,) = package["resources"]
    assert act("resource_show", id=resource["id"])["hash"] == resource["hash"]
    found = act(
        "package_search",
        q="demam berdarah",
        fq="-groups:berkala",
        sort="metadata_modified desc, name asc",
        rows=5,
        **{"facet.field": json.dumps(["organization", "groups", "res_format", "tags"])},
    )
    assert [p["name"] for p in found["results"]] == [register.wabah.name]
    assert found["facets"]["res_format"] == {"PDF": 1}
    assert found["search_facets"]["groups"]["items"][0]["name"] == Category.IMMEDIATE
    bodies = act("organization_list", all_fields=True)
    assert {b["name"] for b in bodies} >= {register.world.body.slug}
    shown = act("organization_show", id=register.world.body.slug)
    assert shown["package_count"] == 2  # renstra and wabah; withdrawn and exempt stay out
    assert set(act("group_list")) == {"berkala", "serta_merta", "setiap_saat"}
    assert act("group_show", id="berkala")["package_count"] == 1
    assert {"berkala", "2025"} <= set(act("tag_list"))
    assert "cc-by" in {licence["id"] for licence in act("license_list")}
    assert called == set(ACTIONS)

    # CKAN's errors arrive as ckanapi's exceptions.
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id=register.exempt.name)
    with pytest.raises(ckanapi.NotFound):
        remote.action.resource_show(id=str(register.renstra_draft_version.document.uuid) + "0")
    with pytest.raises(ckanapi.ValidationError):
        remote.action.package_search(fq="metadata_modified:[kemarin TO *]")
    with pytest.raises(ckanapi.ValidationError):
        remote.action.package_search(sort="popularity desc")


# What ckanext-harvest's CKAN harvester does in its gather stage.


def harvest(base: str, since: datetime.datetime | None = None, rows: int = 100) -> dict:
    """Every dataset the source lists, by id: `sort=id asc`, paged by `start` until an
    empty page, duplicates dropped; with `since`, only those modified an hour before it
    or later, as the harvester asks after an error-free run."""
    params = {"rows": str(rows), "start": "0", "sort": "id asc"}
    if since is not None:
        naive = since.astimezone(datetime.UTC).replace(tzinfo=None)
        params["fq"] = (
            f"metadata_modified:[{(naive - datetime.timedelta(hours=1)).isoformat()}Z TO *]"
        )
    found: dict[str, dict] = {}
    while True:
        response = requests.get(
            f"{base}/api/3/action/package_search?{urlencode(params)}", timeout=30
        )
        # The harvester reads an error as an empty page: that must never happen here.
        assert response.status_code == 200, response.text
        page = response.json()["result"]["results"]
        if not page:
            return found
        for package in page:
            found.setdefault(package["id"], package)
        params["start"] = str(int(params["start"]) + rows)


def test_a_harvester_sees_every_publication_change_and_withdrawal(live_server, register):
    world = register.world
    base = live_server.url
    full = harvest(base, rows=2)  # paged two at a time
    public = (register.renstra, register.wabah, register.sekolah)
    assert set(full) == {str(item.uuid) for item in public}
    assert sorted(full) == list(full)  # in id order, as asked
    last_run = timezone.now()
    assert harvest(base, since=last_run) == {}  # nothing changed since

    # Published, changed (the update in progress goes online), withdrawn.
    fresh = new_item(world, title="Laporan Realisasi Anggaran Semester I", year=2026)
    add_document(fresh, world.officer, pdf_upload("lra.pdf", "LRA semester I"))
    fresh = publish_item(world, fresh)
    renstra = publish_item(world, register.renstra)
    other = register.other_world
    withdraw(register.sekolah, other.approver, "Diganti daftar tahun anggaran berikutnya.")

    changed = harvest(base, since=last_run)
    assert set(changed) == {str(fresh.uuid), str(renstra.uuid)}
    assert changed[str(renstra.uuid)]["name"] == full[str(renstra.uuid)]["name"]  # stable
    modified = changed[str(renstra.uuid)]["metadata_modified"]
    assert modified > full[str(renstra.uuid)]["metadata_modified"]
    assert (
        changed[str(renstra.uuid)]["metadata_created"]
        == full[str(renstra.uuid)]["metadata_created"]
    )
    # The next full run no longer lists the withdrawn item: the harvester deletes it.
    assert set(harvest(base)) == {str(fresh.uuid), str(renstra.uuid), str(register.wabah.uuid)}


def test_items_of_two_registers_never_collide_in_one_harvest(live_server, register):
    # The same title in two bodies, as two offices' registers harvested into one portal.
    twins = []
    for world in (register.world, register.other_world):
        item = new_item(world, title="Laporan Kinerja Instansi Pemerintah 2025")
        add_document(item, world.officer, pdf_upload("lkjip.pdf", f"LKjIP {world.body.slug}"))
        twins.append(publish_item(world, item))
    found = harvest(live_server.url)
    names = [found[str(item.uuid)]["name"] for item in twins]
    assert len(set(names)) == 2 and all(n.startswith("laporan-kinerja-instansi") for n in names)
    assert len({p["name"] for p in found.values()}) == len(found)
