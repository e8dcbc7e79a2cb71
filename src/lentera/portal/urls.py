from django.urls import path, re_path

from . import (
    dcat,
    discovery,
    exports,
    feeds,
    views,
    views_dip,
    views_editions,
    views_search,
    views_sop,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dip/", views_dip.dip, name="dip"),
    path("dip/<slug:unit>/", views_dip.unit_dip, name="unit-dip"),
    path("dik/", views_dip.dik, name="dik"),
    path("dip.csv", exports.dip_csv, name="dip-csv"),
    path("dip.xlsx", exports.dip_xlsx, name="dip-xlsx"),
    path("dip.pdf", exports.dip_pdf, name="dip-pdf"),
    path("penetapan-dip/", views_editions.edition_list, name="editions"),
    path("penetapan-dip/<id:pk>/", views_editions.edition_detail, name="edition"),
    path("penetapan-dip/<id:pk>/dip.pdf", views_editions.edition_pdf, name="edition-pdf"),
    path(
        "penetapan-dip/<id:pk>/asli.pdf",
        views_editions.edition_original_pdf,
        name="edition-original-pdf",
    ),
    path(
        "penetapan-dip/<id:pk>/banding/<id:other>/",
        views_editions.edition_diff,
        name="edition-diff",
    ),
    path("informasi/<id:pk>/", views.item_detail, name="item"),
    path("informasi/<id:pk>/berkas/<id:version_id>/", views.download, name="download"),
    path("informasi/<id:pk>/pratinjau/<id:version_id>/", views.thumbnail, name="thumbnail"),
    re_path(
        r"^informasi/(?P<pk>[0-9]{1,18})\.(?P<extension>ttl|rdf|jsonld)$",
        dcat.item,
        name="item-rdf",
    ),
    re_path(r"^catalog\.(?P<extension>ttl|rdf|jsonld)$", dcat.catalog, name="catalog"),
    path("cari/", views_search.search, name="search"),
    path("feed/", feeds.feed, name="feed"),
    path("sitemap.xml", discovery.sitemap, name="sitemap"),
    path("robots.txt", discovery.robots, name="robots"),
    path("favicon.ico", discovery.favicon, name="favicon"),
    path("badan/<slug:slug>/logo", views.body_logo, name="body-logo"),
    path("sop/", views_sop.sop_list, name="sop-list"),
    path("sop/<id:pk>/", views_sop.sop_detail, name="sop"),
    path("healthz", views.healthz, name="healthz"),
]
