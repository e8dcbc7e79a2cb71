"""Background jobs of the register (django_tasks API, django-tasks-db worker)."""

from django_tasks import task


# Below text extraction (priority 0), which shares the worker.
@task(priority=-5)
def confirm_import(batch_id: int, actor_id: int, shown: str, note: str) -> str:
    """Confirm a large import batch the head of the PPID confirmed in the office
    (register.imports.confirm_later), with every check confirm() makes."""
    from django.contrib.auth import get_user_model

    from lentera.errors import ActionRefused

    from . import imports
    from .models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    actor = get_user_model().objects.get(pk=actor_id)
    try:
        listed, started = imports.confirm(batch, actor, shown, note, queued=True)
    except ActionRefused as exc:
        imports.confirm_failed(batch, exc.message)
        return exc.message
    return f"{listed} listed, {started} started"
