from django.urls import path

from .v1 import api

# NinjaAPI brings its own namespace ("api"), so this module declares no app_name.
urlpatterns = [path("", api.urls)]
