"""Background jobs for notifications (django_tasks API, django-tasks-db worker)."""

from django_tasks import task


@task()
def send_pending_notifications() -> dict[str, int]:
    """Email the notifications not sent yet (queued when work arrives)."""
    from .notify import send_pending_notifications as send

    return send()
