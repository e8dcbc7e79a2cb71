from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopConfig(AppConfig):
    name = "lentera.sop"
    verbose_name = _("SOPs")

    def ready(self) -> None:
        from lentera.audit import verbs

        from .constants import Verb

        verbs.register(Verb)
