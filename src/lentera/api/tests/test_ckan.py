"""The CKAN-compatible read API shows the public DIP only, in CKAN's shapes."""

import hashlib
import json

import pytest
from django.urls import reverse

from lentera.api import ckan
from lentera.documents.services import add_document
from lentera.portal.tests.test_feeds import build_register
from lentera.register.services import update_item
from lentera.testing import new_item, pdf_upload, publish_item

HOST = "http://testserver"
RENSTRA = "Rencana Strategis Biro Kesra 2025-2029"
WABAH = "Peringatan Dini Wabah Demam Berdarah"
SEKOLAH = "Daftar Sekolah Penerima Bantuan Operasional"
EN = {"accept-language": "en"}


@pytest.fixture
def register(world, django_capture_on_commit_callbacks):
    # The search index follows each commit; run those callbacks as if committed.
    with django_capture_on_commit_callbacks(execute=True):
        return build_register(world)


def call(client, name: str, status: int = 200, /, **params):
    response = client.get(reverse("ckan-action", args=[name]), params, headers=EN)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["help"] == f"{HOST}/api/3/action/help_show?name={name}"
    assert body["success"] is (status == 200)
    return body, response.content


def result(client, name: str, /, **params):
    return call(client, name, **params)[0]["result"]


def package_of(client, item) -> dict:
    return result(client, "package_show", id=str(item.pk))


def test_status_show_describes_the_site(client, db):
    status = result(client, "status_show")
    assert status["ckan_version"].startswith("2.")
    assert status["site_url"] == HOST + "/"
    assert status["locale_default"] == "id"


def test_help_show_returns_the_action_documentation(client, db):
    assert "Parameter: id" in result(client, "help_show", name="package_show")
    body, _ = call(client, "help_show", 404, name="package_delete")
    assert body["error"]["__type"] == "Not Found Error"


def test_package_list_names_public_items_only(client, register):
    names = result(client, "package_list")
    items = (register.renstra, register.wabah, register.sekolah)
    assert names == [item.name for item in items]
    # Stable, readable and unique across registers: the title's words and the identifier.
    assert names[0] == f"rencana-strategis-biro-kesra-2025-2029-{register.renstra.uuid.hex[:12]}"
    assert result(client, "package_list", limit=1, offset=1) == names[1:2]


def test_package_show_accepts_the_name_or_the_id(client, register):
    name = result(client, "package_list")[0]
    by_name = result(client, "package_show", id=name)
    assert by_name == package_of(client, register.renstra)
    assert by_name["name"] == name
    assert by_name["id"] == str(register.renstra.uuid)
    assert result(client, "package_show", id=str(register.renstra.uuid)) == by_name


def test_package_carries_the_dip_columns(client, register):
    package = package_of(client, register.renstra)
    assert package["title"] == register.renstra.title
    assert package["notes"] == register.renstra.summary
    assert package["url"] == HOST + reverse("portal:item", args=[register.renstra.pk])
    assert package["metadata_created"] == "2025-03-01T02:00:00"  # listed_at in UTC
    assert package["metadata_modified"] == "2025-03-01T02:00:00"
    assert package["organization"]["name"] == register.world.body.slug
    assert package["owner_org"] == str(register.world.body.pk)
    assert [group["name"] for group in package["groups"]] == ["berkala"]
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras == {
        "holding_unit": "Biro Kesejahteraan Rakyat",
        "holding_unit_slug": register.world.unit.slug,
        "responsible_official": "Kepala Biro Kesejahteraan Rakyat",
        "made_on": "2025-02-14",
        "made_place": "Pontianak",
        "forms_available": "soft copy, hard copy",
        "retention_period": "5 tahun",
        "retention_code": "",
        "category": "berkala",
        "category_label": "Periodic (berkala)",
        "year": "2024",
        "legal_basis": "Peraturan Presiden Nomor 29 Tahun 2014",
    }


def test_resources_are_the_published_files_with_their_hashes(client, register):
    package = package_of(client, register.renstra)
    version = register.renstra_version
    assert package["num_resources"] == 1
    (resource,) = package["resources"]
    url = HOST + reverse("portal:download", args=[register.renstra.pk, version.pk])
    assert resource["id"] == str(version.document.uuid)
    assert resource["package_id"] == package["id"]
    assert result(client, "resource_show", id=resource["id"]) == resource
    assert resource["url"] == url
    assert resource["format"] == "PDF"
    assert resource["mimetype"] == "application/pdf"
    assert resource["size"] == version.size
    assert resource["hash"] == f"sha256:{version.sha256}"
    # The file behind the URL is the file the hash names.
    download = client.get(url)
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    # The newer version of the update in progress stays out.
    assert resource["size"] != register.renstra_draft_version.size or (
        resource["hash"] != f"sha256:{register.renstra_draft_version.sha256}"
    )


@pytest.mark.parametrize("which", ["draft", "withdrawn", "exempt"])
def test_hidden_items_answer_exactly_like_a_missing_one(client, register, which):
    item = getattr(register, which)
    hidden, hidden_raw = call(client, "package_show", 404, id=str(item.pk))
    missing, _ = call(client, "package_show", 404, id="999999")
    assert hidden == missing
    assert hidden["error"] == {"__type": "Not Found Error", "message": "Not found"}
    assert item.title.encode() not in hidden_raw
    named, _ = call(client, "package_show", 404, id=f"{item.pk}-data-pribadi")
    assert named == missing
    huge, _ = call(client, "package_show", 404, id="9" * 40)
    assert huge == missing


def every_public_answer(client, register) -> bytes:
    """The raw bytes of every action a harvester would call."""
    calls = [
        ("package_list", {}),
        ("current_package_list_with_resources", {"limit": 100}),
        ("package_search", {"rows": 1000}),
        ("package_search", {"q": "bantuan", "rows": 1000}),
        ("package_search", {"q": "laporan", "rows": 1000}),
        ("package_search", {"q": "data pribadi", "rows": 1000}),
        ("package_search", {"fq": "groups:dikecualikan"}),
        ("organization_list", {"all_fields": "true"}),
        ("organization_show", {"id": register.world.body.slug}),
        ("group_list", {"all_fields": "true"}),
        *(("group_show", {"id": name}) for name in ("berkala", "serta_merta", "setiap_saat")),
        *(("package_show", {"id": str(item.pk)}) for item in register.hidden),
    ]
    return b"".join(client.get(f"/api/3/action/{name}", params).content for name, params in calls)


def test_hidden_items_and_files_never_appear_in_any_action(client, register):
    raw = every_public_answer(client, register)
    for item in register.hidden:
        assert item.title.encode() not in raw
        assert item.summary.encode() not in raw
        assert f"/informasi/{item.pk}/".encode() not in raw
    assert register.renstra_draft_version.sha256.encode() not in raw
    assert register.renstra.title.encode() in raw  # the check can see a public item


def test_package_search_without_q_lists_the_register_newest_first(client, register):
    found = result(client, "package_search")
    assert found["count"] == 3
    assert [p["title"] for p in found["results"]] == [
        register.sekolah.title,
        register.wabah.title,
        register.renstra.title,
    ]
    page = result(client, "package_search", rows=1, start=1)
    assert page["count"] == 3
    assert [p["title"] for p in page["results"]] == [register.wabah.title]


@pytest.mark.parametrize(
    ("fq", "titles"),
    [
        ("organization:b-kalbar", ["Daftar Sekolah Penerima Bantuan Operasional"]),
        ("groups:serta_merta", ["Peringatan Dini Wabah Demam Berdarah"]),
        ("unit:biro-kesra", ["Rencana Strategis Biro Kesra 2025-2029"]),
        ('+organization:"kalbar" +year:2024', ["Rencana Strategis Biro Kesra 2025-2029"]),
        ("groups:dikecualikan", []),
        ("organization:tidak-ada", []),
        # What ckanext-harvest sends for organizations_filter_include / _exclude.
        ("organization:b-kalbar OR unit:dinkes", [SEKOLAH, WABAH]),
        ("-organization:b-kalbar -groups:berkala", [WABAH]),
        ("(groups:berkala OR groups:setiap_saat) AND NOT unit:biro-kesra", [SEKOLAH]),
        ("groups:(berkala OR serta_merta)", [WABAH, RENSTRA]),
        ("tags:serta_merta", [WABAH]),
        ("res_format:PDF", [SEKOLAH, WABAH, RENSTRA]),
        ("res_format:xlsx", []),
        ('license_id:"cc-by"', [SEKOLAH, WABAH, RENSTRA]),
        ("license_id:odc-odbl", []),
        ("metadata_modified:[2025-03-02T00:00:00Z TO *]", [SEKOLAH, WABAH]),
        ("metadata_modified:{2025-03-02T02:00:00Z TO NOW]", [SEKOLAH]),
        ("metadata_created:[* TO 2025-03-01T12:00:00]", [RENSTRA]),
        ("*:*", [SEKOLAH, WABAH, RENSTRA]),
        ("+" * 1900 + "groups:serta_merta", [WABAH]),
    ],
)
def test_package_search_filters(client, register, fq, titles):
    found = result(client, "package_search", fq=fq)
    assert [p["title"] for p in found["results"]] == titles
    assert found["count"] == len(titles)


def test_package_search_with_q_uses_the_search_index(client, register):
    found = result(client, "package_search", q="bantuan")
    assert [p["title"] for p in found["results"]] == [register.sekolah.title]
    assert found["results"][0]["resources"][0]["hash"].startswith("sha256:")
    by_org = result(client, "package_search", q="demam berdarah", fq="organization:b-kalbar")
    assert by_org["count"] == 0
    assert result(client, "package_search", q="data pribadi penerima")["count"] == 0
    assert result(client, "package_search", q="rencana kerja anggaran")["count"] == 0


@pytest.mark.parametrize(
    ("sort", "titles"),
    [
        ("title_string asc", [SEKOLAH, WABAH, RENSTRA]),
        ("metadata_created asc", [RENSTRA, WABAH, SEKOLAH]),
        ("metadata_modified desc, name asc", [SEKOLAH, WABAH, RENSTRA]),
        ("name desc", [RENSTRA, WABAH, SEKOLAH]),
    ],
)
def test_package_search_sorts(client, register, sort, titles):
    found = result(client, "package_search", sort=sort)
    assert [p["title"] for p in found["results"]] == titles
    by_id = result(client, "package_search", sort="id asc")["results"]
    assert [p["id"] for p in by_id] == sorted(p["id"] for p in by_id)


def test_package_search_counts_facets_over_every_match(client, register):
    fields = '["organization", "groups", "tags", "res_format", "license_id"]'
    found = result(client, "package_search", rows=1, **{"facet.field": fields})
    assert len(found["results"]) == 1
    assert found["facets"]["organization"] == {"kalbar": 2, "b-kalbar": 1}
    assert found["facets"]["groups"] == {"berkala": 1, "serta_merta": 1, "setiap_saat": 1}
    assert found["facets"]["res_format"] == {"PDF": 3}
    assert found["facets"]["license_id"] == {"cc-by": 3}
    assert found["facets"]["tags"]["2024"] >= 1
    items = found["search_facets"]["groups"]["items"]
    assert {item["name"]: item["count"] for item in items} == found["facets"]["groups"]
    assert all(item["display_name"] for item in items)
    limited = result(
        client,
        "package_search",
        **{"facet.field": fields, "facet.limit": "1", "facet.mincount": "2"},
    )
    assert limited["facets"]["organization"] == {"kalbar": 2}
    assert limited["facets"]["groups"] == {}


def test_rows_are_capped_at_a_thousand(client, register):
    found = result(client, "package_search", rows=5000)
    assert found["count"] == 3
    assert ckan.MAX_ROWS == 1000


@pytest.mark.parametrize(
    ("action", "params", "field"),
    [
        ("package_search", {"rows": "sepuluh"}, "rows"),
        ("package_search", {"rows": "-1"}, "rows"),
        ("package_search", {"start": "1.5"}, "start"),
        ("package_search", {"start": "²"}, "start"),
        ("package_search", {"start": "9" * 30}, "start"),
        ("package_search", {"fq": "year:20245"}, "fq"),
        ("package_search", {"sort": "title asc; drop table"}, "sort"),
        ("package_search", {"fq": "colour:merah"}, "fq"),
        ("package_search", {"fq": 'organization:"kalbar'}, "fq"),
        ("package_search", {"fq": "year:dua-ribu"}, "fq"),
        ("package_search", {"fq": "metadata_modified:[kemarin TO *]"}, "fq"),
        ("package_search", {"fq": "metadata_modified:2025"}, "fq"),
        ("package_search", {"fq": "(groups:berkala"}, "fq"),
        ("package_search", {"fq": "laporan"}, "fq"),
        ("package_search", {"sort": "popularity desc"}, "sort"),
        ("package_search", {"fq": "(" * 400 + "year:2020" + ")" * 400}, "fq"),
        ("package_search", {"fq": "owner_org:(" + "1 " * 200 + ")"}, "fq"),
        ("package_search", {"fq": "metadata_modified:[9999-12-31T23:59:59-14:00 TO *]"}, "fq"),
        ("package_search", {"fq": "metadata_created:[0001-01-01T00:00:00+14:00 TO *]"}, "fq"),
        ("package_search", {"fq": "groups:(berkala AND serta_merta)"}, "fq"),
        ("package_search", {"facet.field": "[" * 100_000}, "facet.field"),
        ("package_search", {"fq": "NOT " * 400 + "year:2020"}, "fq"),
        ("package_search", {"fq": " OR ".join(["year:2020"] * 300)}, "fq"),
        ("package_search", {"sort": "name sideways"}, "sort"),
        ("package_search", {"facet.field": "organization"}, "facet.field"),
        ("package_search", {"facet.field": '["colour"]'}, "facet.field"),
        ("package_list", {"limit": "x"}, "limit"),
        ("package_show", {}, "id"),
        ("organization_show", {}, "id"),
        ("group_show", {"id": ""}, "id"),
    ],
)
def test_bad_parameters_are_validation_errors(client, register, action, params, field):
    body, _ = call(client, action, 409, **params)
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["message"]
    assert body["error"][field] == [body["error"]["message"]]


def test_organizations_are_the_public_bodies(client, register):
    assert result(client, "organization_list") == ["b-kalbar", "kalbar"]
    listed = result(client, "organization_list", all_fields="true")
    assert {org["name"]: org["package_count"] for org in listed} == {"b-kalbar": 1, "kalbar": 2}
    org = result(client, "organization_show", id="kalbar")
    assert org["title"] == "Pemerintah Provinsi Kalimantan Barat"
    assert org["is_organization"] is True
    assert org["package_count"] == 2
    units = {unit["name"]: unit for unit in org["units"]}
    assert units["diskominfo"]["ppid_role"] == "main"
    assert units["biro-kesra"]["parent"] == "diskominfo"
    assert units["biro-kesra"]["package_count"] == 1  # the exempt and withdrawn ones not
    assert result(client, "organization_show", id=str(register.world.body.pk))["name"] == "kalbar"
    body, _ = call(client, "organization_show", 404, id="tidak-ada")
    assert body["error"]["__type"] == "Not Found Error"


def test_groups_are_the_three_public_categories(client, register):
    assert result(client, "group_list") == ["berkala", "serta_merta", "setiap_saat"]
    counts = {g["name"]: g["package_count"] for g in result(client, "group_list", all_fields=1)}
    assert counts == {"berkala": 1, "serta_merta": 1, "setiap_saat": 1}
    group = result(client, "group_show", id="berkala")
    assert group["title"] == "Periodic (berkala)"
    assert group["is_organization"] is False
    call(client, "group_show", 404, id="dikecualikan")


def test_current_package_list_with_resources_pages_newest_first(client, register):
    packages = result(client, "current_package_list_with_resources", limit=2)
    assert [p["title"] for p in packages] == [register.sekolah.title, register.wabah.title]
    assert all(p["resources"] for p in packages)


def test_unknown_action_is_a_bad_request(client, db):
    body, _ = call(client, "package_delete", 400)
    assert body["error"]["__type"] == "Bad Request"
    assert "package_delete" in body["error"]["message"]


def test_json_post_works_as_ckanapi_sends_it(client, register):
    url = reverse("ckan-action", args=["package_show"])
    data = json.dumps({"id": str(register.wabah.pk)})
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["result"]["title"] == register.wabah.title
    bad = client.post(url, "[1, 2]", content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["success"] is False


def test_writes_are_refused(client, db):
    response = client.delete(reverse("ckan-action", args=["package_show"]))
    assert response.status_code == 405
    assert response.json()["success"] is False


def test_cors_preflight_allows_any_origin(client, db):
    response = client.options(
        reverse("ckan-action", args=["package_search"]),
        headers={"origin": "https://data.go.id", "access-control-request-method": "GET"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_a_json_body_nested_past_the_stack_is_a_bad_request(client, db):
    response = client.post(
        "/api/3/action/package_search", "[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Bad Request"


def test_the_name_comes_from_the_approved_title_never_a_draft(client, world):
    """A reviewer may retitle an item because its draft title named a person: the CKAN
    name is made when the entry is first listed, from the title then approved."""
    draft = "Nama Korban Budi Santoso Kasus 12"
    item = new_item(world, title=draft)
    assert item.slug == ""
    update_item(item, world.officer, title="Data Kasus 12")
    add_document(item, world.officer, pdf_upload("kasus.pdf", "Data kasus"))
    item = publish_item(world, item)
    assert item.name == f"data-kasus-12-{item.uuid.hex[:12]}"
    for answer in (
        client.get(f"/api/3/action/package_show?id={item.uuid}"),
        client.get("/api/3/action/package_list"),
        client.get("/api/3/action/package_search?fq=name:nama-korban-budi-santoso-kasus-12"),
    ):
        assert answer.status_code == 200
        assert b"budi" not in answer.content.lower()
    # Kept after: a corrected title later does not rename it.
    assert result(client, "package_show", id=item.name)["name"] == item.name


def test_a_text_search_pages_through_every_match(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    # The engine answers a page at a time; a search reads as many pages as it needs.
    monkeypatch.setattr(ckan, "ENGINE_PAGE", 1)
    with django_capture_on_commit_callbacks(execute=True):
        for year in (2023, 2024, 2025):
            item = new_item(world, title=f"Laporan Sanitasi Lingkungan {year}", year=year)
            add_document(item, world.officer, pdf_upload(f"sanitasi-{year}.pdf", "Sanitasi"))
            publish_item(world, item)
    found = result(client, "package_search", q="sanitasi", rows=3)
    assert found["count"] == 3 and len(found["results"]) == 3
    assert result(client, "package_search", q="sanitasi", rows=2, start=2)["count"] == 3
    narrowed = result(client, "package_search", q="sanitasi", fq="-year:2024", rows=5)
    assert narrowed["count"] == 2
    assert {p["title"][-4:] for p in narrowed["results"]} == {"2023", "2025"}
