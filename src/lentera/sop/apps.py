from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopConfig(AppConfig):
    name = "lentera.sop"
    verbose_name = _("SOPs and activity")
