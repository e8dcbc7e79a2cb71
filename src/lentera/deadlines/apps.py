from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "lentera.deadlines"
    verbose_name = _("Deadlines")

    def ready(self) -> None:
        from lentera.audit import verbs
        from lentera.register import events

        from . import notify, services
        from .constants import Verb

        verbs.register(Verb)
        events.item_moved.connect(services.on_item_moved, dispatch_uid="deadlines.moved")
        events.item_submitted.connect(notify.on_item_submitted, dispatch_uid="deadlines.submitted")
        events.holding_unit_changed.connect(
            services.on_holding_unit_changed, dispatch_uid="deadlines.unit"
        )
        events.import_waiting.connect(notify.on_import_waiting, dispatch_uid="deadlines.import")
