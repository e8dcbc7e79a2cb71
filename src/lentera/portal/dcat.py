"""The public register as DCAT-AP 3 linked data, at ckanext-dcat's addresses: the
catalogue at /catalog.ttl, .rdf and .jsonld (paged with hydra), each item at
/informasi/<id>.ttl, .rdf and .jsonld, and the item page to a client that asks for
RDF (docs/api.md, "DCAT-AP"). Built with rdflib; only public items, only published
files."""

import datetime
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from lentera.organizations.models import PublicBody
from lentera.register.constants import Category
from lentera.register.models import InformationItem
from lentera.register.page_cache import public_page
from lentera.register.selectors import latest_public_versions_of, public_items, public_reading

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
PUBLIC_ACCESS = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}
# What a client that asks the item page for RDF gets (content negotiation).
NEGOTIATED = {media_type: extension for extension, (_f, media_type) in FORMATS.items()}
PAGE_SIZE = 100  # datasets per catalogue page, as ckanext-dcat
IRI_SAFE = ":/?#[]@!$&'()*+,;=%~"  # kept as they are when an address is quoted


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("skos", SKOS),
        ("spdx", SPDX),
        ("hydra", HYDRA),
    ):
        graph.bind(prefix, namespace)
    return graph


def _when(value: datetime.datetime | None) -> Literal | None:
    return Literal(value.astimezone(datetime.UTC), datatype=XSD.dateTime) if value else None


class _Writer:
    """Adds bodies, units, categories, datasets and distributions to one graph, each
    agent and concept once, every IRI absolute on the request's site."""

    def __init__(self, request: HttpRequest, graph: Graph):
        self.request, self.graph, self.added = request, graph, set()

    def iri(self, path: str) -> URIRef:
        return URIRef(self.request.build_absolute_uri(path))

    def add(self, subject, predicate, value) -> None:
        if value is not None and value != "":
            self.graph.add((subject, predicate, value))

    def text(self, subject, predicate, value: str) -> None:
        if value:
            self.graph.add((subject, predicate, Literal(value, lang="id")))

    def body(self, body: PublicBody) -> URIRef:
        agent = self.iri(reverse("portal:dip") + f"?badan={body.slug}")
        if agent not in self.added:
            self.added.add(agent)
            self.add(agent, RDF.type, FOAF.Organization)
            self.add(agent, RDF.type, FOAF.Agent)
            self.text(agent, FOAF.name, body.name)
            if body.website:  # a URLField may still hold what an IRI may not (| { })
                self.add(agent, FOAF.homepage, URIRef(quote(body.website, safe=IRI_SAFE)))
        return agent

    def unit(self, unit) -> URIRef:
        agent = self.iri(reverse("portal:unit-dip", args=[unit.slug]))
        if agent not in self.added:
            self.added.add(agent)
            self.add(agent, RDF.type, FOAF.Organization)
            self.add(agent, RDF.type, FOAF.Agent)
            self.text(agent, FOAF.name, unit.name)
            self.add(agent, FOAF.member, self.body(unit.body))
        return agent

    def contact(self, unit) -> BNode:
        card = BNode()
        self.add(card, RDF.type, VCARD.Organization)
        self.text(card, VCARD.fn, f"PPID {unit.name}")
        self.add(card, VCARD.hasURL, self.iri(reverse("portal:unit-dip", args=[unit.slug])))
        return card

    def category(self, value: str) -> URIRef:
        concept = self.iri(reverse("portal:dip") + f"?kategori={value}")
        if concept not in self.added:
            self.added.add(concept)
            self.add(concept, RDF.type, SKOS.Concept)
            self.text(concept, SKOS.prefLabel, str(Category(value).label))
        return concept

    def dataset(self, item: InformationItem, files) -> URIRef:
        body = item.holding_unit.body
        dataset = self.iri(reverse("portal:item", args=[item.pk]))
        self.add(dataset, RDF.type, DCAT.Dataset)
        self.add(dataset, DCTERMS.identifier, Literal(str(item.uuid)))
        self.text(dataset, DCTERMS.title, item.title)
        self.text(dataset, DCTERMS.description, item.summary)
        self.add(dataset, DCTERMS.issued, _when(item.first_listed))
        self.add(dataset, DCTERMS.modified, _when(item.listed_at))
        self.add(dataset, DCTERMS.publisher, self.body(body))
        self.add(dataset, DCTERMS.creator, self.unit(item.holding_unit))
        self.add(dataset, DCAT.contactPoint, self.contact(item.holding_unit))
        self.text(dataset, DCAT.keyword, str(item.get_category_display()))
        self.add(dataset, DCAT.keyword, Literal(str(item.year)))
        self.add(dataset, DCAT.theme, self.category(item.category))
        self.add(dataset, DCTERMS.accessRights, PUBLIC_ACCESS)
        self.add(dataset, DCAT.landingPage, dataset)
        if datetime.MINYEAR <= item.year <= datetime.MAXYEAR:  # a mistyped year has none
            period = BNode()
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            self.add(period, DCAT.startDate, Literal(datetime.date(item.year, 1, 1)))
            self.add(period, DCAT.endDate, Literal(datetime.date(item.year, 12, 31)))
            self.add(dataset, DCTERMS.temporal, period)
        licence = body.licence_terms
        for version in files:
            self.add(dataset, DCAT.distribution, self.distribution(item, version, licence))
        return dataset

    def distribution(self, item, version, licence) -> URIRef:
        page = self.iri(reverse("portal:item", args=[item.pk]))
        distribution = URIRef(f"{page}#berkas-{version.document.uuid}")
        download = self.iri(reverse("portal:download", args=[item.pk, version.pk]))
        self.add(distribution, RDF.type, DCAT.Distribution)
        self.add(distribution, DCTERMS.identifier, Literal(str(version.document.uuid)))
        self.text(distribution, DCTERMS.title, version.document.title or version.original_name)
        self.add(distribution, DCAT.accessURL, page)
        self.add(distribution, DCAT.downloadURL, download)
        self.add(distribution, DCAT.mediaType, URIRef(MEDIA_TYPES + version.content_type))
        size = Literal(version.size, datatype=XSD.nonNegativeInteger)
        self.add(distribution, DCAT.byteSize, size)
        self.add(distribution, DCTERMS.issued, _when(version.published_at))
        if licence.url:
            self.add(distribution, DCTERMS.license, URIRef(licence.url))
        checksum = BNode()
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(checksum, SPDX.checksumValue, Literal(version.sha256, datatype=XSD.hexBinary))
        self.add(distribution, SPDX.checksum, checksum)
        return distribution


def _response(graph: Graph, extension: str) -> HttpResponse:
    serialization, media_type = FORMATS[extension]
    options = {"auto_compact": True} if extension == "jsonld" else {}
    data = graph.serialize(format=serialization, **options)
    response = HttpResponse(data, content_type=f"{media_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdecimal() and 0 < len(raw) <= 9) or int(raw) < 1:
        raise Http404
    return int(raw)


@public_page
def catalog(request: HttpRequest, extension: str) -> HttpResponse:
    """The catalogue: one page of PAGE_SIZE datasets, newest first, with hydra paging."""
    items = public_items().order_by(F("listed_at").desc(nulls_last=True), "-pk")
    paginator = Paginator(items, PAGE_SIZE)
    number = _page_number(request)
    if number > paginator.num_pages:
        raise Http404
    page = paginator.page(number)
    graph = _graph()
    writer = _Writer(request, graph)
    home = writer.iri(reverse("portal:home"))
    catalog_iri = writer.iri(reverse("portal:catalog", args=[extension]))
    writer.add(catalog_iri, RDF.type, DCAT.Catalog)
    writer.text(catalog_iri, DCTERMS.title, _("Daftar Informasi Publik (DIP)"))
    writer.text(
        catalog_iri,
        DCTERMS.description,
        _("The public information the PPID documents and publishes under UU 14/2008."),
    )
    writer.add(catalog_iri, FOAF.homepage, home)
    bodies = list(PublicBody.objects.order_by("pk")[:2])
    if len(bodies) == 1:
        writer.add(catalog_iri, DCTERMS.publisher, writer.body(bodies[0]))
    else:
        site = URIRef(f"{home}#ppid")
        writer.add(site, RDF.type, FOAF.Agent)
        writer.text(site, FOAF.name, _("PPID, on Lentera"))
        writer.add(catalog_iri, DCTERMS.publisher, site)
    listed = items.values_list("listed_at", flat=True).first()
    writer.add(catalog_iri, DCTERMS.modified, _when(listed))
    shown = list(page.object_list)
    files = latest_public_versions_of(item.pk for item in shown)
    for item in shown:
        writer.add(catalog_iri, DCAT.dataset, writer.dataset(item, files.get(item.pk, [])))
    paging = URIRef(f"{catalog_iri}?page={number}")
    writer.add(paging, RDF.type, HYDRA.PagedCollection)
    writer.add(paging, HYDRA.totalItems, Literal(paginator.count, datatype=XSD.integer))
    writer.add(paging, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer))
    writer.add(paging, HYDRA.firstPage, Literal(f"{catalog_iri}?page=1"))
    writer.add(paging, HYDRA.lastPage, Literal(f"{catalog_iri}?page={paginator.num_pages}"))
    if page.has_next():
        writer.add(paging, HYDRA.nextPage, Literal(f"{catalog_iri}?page={number + 1}"))
    if page.has_previous():
        writer.add(paging, HYDRA.previousPage, Literal(f"{catalog_iri}?page={number - 1}"))
    return _response(graph, extension)


def item(request: HttpRequest, pk: int | str, extension: str) -> HttpResponse:
    """One public item as a DCAT dataset with its published files."""
    try:
        reading = public_reading(int(pk))
    except InformationItem.DoesNotExist:
        raise Http404 from None
    graph = _graph()
    _Writer(request, graph).dataset(reading.item, reading.files)
    response = _response(graph, extension)
    response["Vary"] = "Accept"
    return response


def negotiated(request: HttpRequest) -> str | None:
    """The RDF extension a client prefers over the HTML page, if it prefers one."""
    preferred = request.get_preferred_type(["text/html", *NEGOTIATED])
    return NEGOTIATED.get(preferred)
