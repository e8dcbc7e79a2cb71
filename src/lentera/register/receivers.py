"""Changes that the public pages show but no recorded action announces: they bump
PublicState in their own transaction (services.public_changed), so the pages kept per
register state are built again (page_cache.py). The search index bumps it too.

- A unit or body edited in the admin (name, slug, licence, the SOP it follows...),
  and a line of a retention schedule (item pages show its code).
- The text and thumbnail of a version, written by the background job
  (`documents.events.text_extracted`, sent inside its transaction)."""

from django.db.models.signals import post_delete, post_save

from lentera.documents import events as document_events
from lentera.organizations.models import PublicBody, Unit

from .models import RetentionRule
from .services import public_changed


def bump(**kwargs) -> None:
    public_changed()


def connect() -> None:
    """Called once, from RegisterConfig.ready()."""
    for model in (Unit, PublicBody, RetentionRule):
        post_save.connect(bump, sender=model, dispatch_uid=f"register-state-save-{model.__name__}")
        post_delete.connect(
            bump, sender=model, dispatch_uid=f"register-state-delete-{model.__name__}"
        )
    document_events.text_extracted.connect(bump, dispatch_uid="register-state-extracted")
