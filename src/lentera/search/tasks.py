"""Background jobs for the search index (django_tasks API, django-tasks-db worker)."""

from django_tasks import task


@task()
def refresh_held_by(unit_id: int | None = None, body_id: int | None = None) -> int:
    """Refresh the entries of a unit's or a body's items after it was renamed or moved:
    their names are searchable. Returns the number of entries refreshed."""
    from .index import refresh_held_by as refresh

    return refresh(unit_id=unit_id, body_id=body_id)
