from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lentera.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from lentera.audit import verbs

        from . import services
        from .constants import Verb

        verbs.register(Verb)
        user_locked_out.connect(services.on_locked_out, dispatch_uid="accounts.locked_out")
