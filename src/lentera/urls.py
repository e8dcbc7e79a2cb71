from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from .converters import IdConverter

# Registered before the faces' URL modules are imported: they use <id:...>.
register_converter(IdConverter, "id")

# Django's admin, for superusers: named for Lentera, in the reader's language. The
# task runner's results (its own English labels) stay out: /healthz reports the worker.
admin.site.site_header = admin.site.site_title = gettext_lazy("Lentera administration")
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

urlpatterns = [
    path("", include("lentera.portal.urls")),
    path("kantor/", include("lentera.office.urls")),
    path("api/v1/", include("lentera.api.urls")),
    # CKAN serves its action API at both; ckanapi calls the first.
    path("api/3/action/", include("lentera.api.ckan")),
    path("api/action/", include(("lentera.api.ckan", "ckan"), namespace="ckan-short")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
