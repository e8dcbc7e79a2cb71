"""Background jobs for soft copies (django_tasks API, django-tasks-db worker)."""

from django_tasks import task


@task()
def extract_text(version_id: int) -> str:
    """Extract the text (with OCR where needed) and a thumbnail of one stored version."""
    from .extraction import extract_version

    return extract_version(version_id)
