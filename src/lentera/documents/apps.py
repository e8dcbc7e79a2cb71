from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lentera.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_ocr

        checks.register(check_ocr)
