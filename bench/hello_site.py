"""Django settings for the hello-world baseline of bench/pages.py: Lentera's settings
(middleware, sessions, locale, CSP, templates) with one view that answers "Hello".

    DJANGO_SETTINGS_MODULE=hello_site PYTHONPATH=bench lentera serve --no-migrate
"""

from django.http import HttpResponse
from django.urls import path

from lentera.settings import *  # noqa: F403 (the same settings, one URL)

ROOT_URLCONF = "hello_site"


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]
