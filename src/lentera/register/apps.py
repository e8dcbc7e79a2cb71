from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "lentera.register"
    verbose_name = _("Register of public information")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
