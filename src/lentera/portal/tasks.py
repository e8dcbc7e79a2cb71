"""Background jobs of the public portal (django_tasks API, django-tasks-db worker)."""

from django.core.cache import caches
from django_tasks import task

from lentera import pdf

# Beside a filter's build key in the "exports" cache: a build is queued or running;
# the last build failed (the page answers 503 until this runs out).
BUILDING = ":building"
FAILED = ":failed"
FAILED_SECONDS = 300
# At most this many PDF builds wait or run at once, whoever asks: the worker also
# extracts the text of uploads.
QUEUE_LIMIT = 3


# Below text extraction (priority 0), which shares the worker.
@task(priority=-10)
def build_dip_pdf(
    builds: str,
    body_id: int | None,
    unit_id: int | None,
    category: str,
    year: int | None,
    site: str,
) -> str:
    """Build the DIP PDF that portal.exports.dip_pdf asked for (its filter's build
    key: `builds`) from the register as it is now, and keep it under the key of the
    very rows it shows (exports.pdf_key): a visitor who comes back gets it while the
    register shows those rows, else asks for a new one. Never a PDF of an older
    register."""
    from lentera.errors import ActionRefused
    from lentera.organizations.models import PublicBody, Unit

    from .exports import pdf_content, pdf_key, pdf_rows
    from .filters import RegisterFilter

    exports = caches["exports"]
    try:
        register = RegisterFilter(
            body=PublicBody.objects.filter(pk=body_id).first() if body_id else None,
            unit=Unit.objects.filter(pk=unit_id).first() if unit_id else None,
            category=category,
            year=year,
        )
        rows = pdf_rows(register)
        key = pdf_key(rows, site, register)
        if exports.get(key) is not None:
            return "cached"
        try:
            content = pdf_content(register, site, rows, timeout=pdf.BACKGROUND_TIMEOUT_SECONDS)
        except ActionRefused:
            exports.set(builds + FAILED, True, timeout=FAILED_SECONDS)
            return "failed"
        exports.set(key, content)
        return "built"
    finally:
        exports.delete(builds + BUILDING)


def builds_in_queue() -> int:
    """PDF builds waiting for the worker or running, queued in the last hour: older
    ones belong to a worker that was killed (its result stays "running")."""
    import datetime

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - datetime.timedelta(seconds=2 * pdf.BACKGROUND_TIMEOUT_SECONDS)
    return DBTaskResult.objects.filter(
        task_path=build_dip_pdf.module_path,
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        enqueued_at__gte=since,
    ).count()
