from django.urls import path

from . import views, views_sop

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dip/", views.dip, name="dip"),
    path("informasi/<int:pk>/", views.item_detail, name="item"),
    path("informasi/<int:pk>/berkas/<int:version_id>/", views.download, name="download"),
    path("informasi/<int:pk>/pratinjau/<int:version_id>/", views.thumbnail, name="thumbnail"),
    path("sop/", views_sop.sop_list, name="sop-list"),
    path("sop/<int:pk>/", views_sop.sop_detail, name="sop"),
    path("healthz", views.healthz, name="healthz"),
]
