"""DCAT-AP 3 linked data of the public register: rdflib reads every serialization,
pySHACL checks the catalogue against the project's shapes, and nothing that is not
public appears."""

import hashlib
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from lentera.portal import dcat
from lentera.portal.tests.test_feeds import build_register

HOST = "http://testserver"
SHAPES = Graph().parse(Path(__file__).with_name("dcat_ap_shapes.ttl"))
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture
def register(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_register(world)


def read(client, path: str, rdf_format: str, **headers) -> tuple[Graph, bytes]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content[:300]
    return Graph().parse(data=response.content, format=rdf_format), response.content


def dataset_iri(item) -> URIRef:
    return URIRef(f"{HOST}/informasi/{item.pk}/")


def hidden(register) -> list:
    return [register.draft, register.withdrawn, register.exempt]


@pytest.mark.parametrize("extension", list(FORMATS))
def test_the_catalogue_lists_the_public_items_in_every_serialization(client, register, extension):
    graph, raw = read(client, f"/catalog.{extension}", FORMATS[extension])
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    public = (register.renstra, register.wabah, register.sekolah)
    assert set(graph.objects(catalog, DCAT.dataset)) == {dataset_iri(item) for item in public}
    for item in public:
        assert (dataset_iri(item), DCTERMS.identifier, Literal(str(item.uuid))) in graph
    for item in hidden(register):
        assert item.title.encode() not in raw and str(item.uuid).encode() not in raw
    conforms, _report, text = validate(graph, shacl_graph=SHAPES, inference="none")
    assert conforms, text


def test_a_dataset_describes_its_files_with_their_checksums(client, register):
    item = register.renstra
    graph, _ = read(client, f"/informasi/{item.pk}.ttl", "turtle")
    (distribution,) = graph.objects(dataset_iri(item), DCAT.distribution)
    version = register.renstra_version
    download = next(graph.objects(distribution, DCAT.downloadURL))
    served = client.get(str(download).removeprefix(HOST))
    content = b"".join(served.streaming_content)
    checksum = next(graph.objects(distribution, URIRef("http://spdx.org/rdf/terms#checksum")))
    value = next(graph.objects(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue")))
    assert str(value) == hashlib.sha256(content).hexdigest() == version.sha256
    assert next(graph.objects(distribution, DCAT.byteSize)) == Literal(
        len(content), datatype=XSD.nonNegativeInteger
    )
    licence = next(graph.objects(distribution, DCTERMS.license))
    assert str(licence) == "https://creativecommons.org/licenses/by/4.0/"
    # The newer file of the update in progress is not there.
    assert register.renstra_draft_version.sha256 not in graph.serialize(format="turtle")
    # Bodies and units are agents with IRIs of their own.
    publisher = next(graph.objects(dataset_iri(item), DCTERMS.publisher))
    creator = next(graph.objects(dataset_iri(item), DCTERMS.creator))
    assert str(publisher) == f"{HOST}/dip/?badan={item.holding_unit.body.slug}"
    assert str(creator) == f"{HOST}/dip/{item.holding_unit.slug}/"
    conforms, _report, text = validate(graph, shacl_graph=SHAPES, inference="none")
    assert conforms, text


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")],
)
def test_the_item_page_answers_rdf_to_a_client_that_asks(client, register, accept, rdf_format):
    item = register.wabah
    graph, _ = read(client, f"/informasi/{item.pk}/", rdf_format, accept=accept)
    assert (dataset_iri(item), RDF.type, DCAT.Dataset) in graph
    page = client.get(f"/informasi/{item.pk}/", headers={"accept": "text/html,*/*;q=0.8"})
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]


@pytest.mark.parametrize("which", ["draft", "withdrawn", "exempt"])
def test_hidden_items_have_no_linked_data(client, register, which):
    item = getattr(register, which)
    for extension in FORMATS:
        assert client.get(f"/informasi/{item.pk}.{extension}").status_code == 404
    negotiated = client.get(f"/informasi/{item.pk}/", headers={"accept": "text/turtle"})
    assert negotiated.status_code == 404


def test_the_catalogue_is_paged_with_hydra(client, register, monkeypatch):
    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    hydra = "http://www.w3.org/ns/hydra/core#"
    first, _ = read(client, "/catalog.ttl", "turtle")
    second, _ = read(client, "/catalog.ttl?page=2", "turtle")
    datasets = [set(g.objects(None, DCAT.dataset)) for g in (first, second)]
    assert [len(found) for found in datasets] == [2, 1] and not datasets[0] & datasets[1]
    (paging,) = first.subjects(RDF.type, URIRef(hydra + "PagedCollection"))
    assert str(next(first.objects(paging, URIRef(hydra + "totalItems")))) == "3"
    assert str(next(first.objects(paging, URIRef(hydra + "nextPage")))).endswith("?page=2")
    assert not list(second.objects(None, URIRef(hydra + "nextPage")))
    for bad in ("3", "0", "dua", "9" * 40):
        assert client.get(f"/catalog.ttl?page={bad}").status_code == 404


def test_the_shapes_catch_a_missing_property(client, register):
    graph, _ = read(client, "/catalog.ttl", "turtle")
    graph.remove((dataset_iri(register.renstra), DCTERMS.title, None))
    conforms, _report, text = validate(graph, shacl_graph=SHAPES, inference="none")
    assert not conforms and "title" in text


def test_the_dip_page_carries_a_data_catalog_of_its_rows(client, register):
    import json

    import lxml.html

    page = lxml.html.fromstring(client.get("/dip/").content)
    (script,) = page.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@type"] == "DataCatalog"
    shown = {entry["@id"]: entry["identifier"] for entry in data["dataset"]}
    public = (register.renstra, register.wabah, register.sekolah)
    assert shown == {str(dataset_iri(item)): str(item.uuid) for item in public}
    (alternate,) = page.xpath("//link[@type='text/turtle']")
    assert alternate.get("href") == "/catalog.ttl"


def test_odd_stored_values_never_break_the_catalogue(client, register):
    """A website a URLField accepts but an IRI may not hold, and a mistyped year: the
    harvest's pages still answer, with what can be said."""
    from lentera.register.models import InformationItem

    body = register.renstra.holding_unit.body
    body.website = "https://kalbarprov.go.id/index.php?p=a|b&q={x}"
    body.save()
    InformationItem.objects.filter(pk=register.wabah.pk).update(year=0)
    for extension, rdf_format in FORMATS.items():
        graph, _ = read(client, f"/catalog.{extension}", rdf_format)
        assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 3
        read(client, f"/informasi/{register.renstra.pk}.{extension}", rdf_format)
    item_graph, _ = read(client, f"/informasi/{register.wabah.pk}.ttl", "turtle")
    assert not list(item_graph.objects(dataset_iri(register.wabah), DCTERMS.temporal))
