from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from lentera.documents.constants import TextStatus
from lentera.documents.models import DocumentVersion
from lentera.documents.tasks import extract_text


class Command(BaseCommand):
    help = (
        "Queue text extraction again: for jobs left waiting or running by a stopped "
        "worker (--stuck), for failed ones (--failed, e.g. after installing Tesseract), "
        "or for every file (--all)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--stuck", action="store_true", help="waiting or running too long")
        which.add_argument("--failed", action="store_true", help="failed or unsupported")
        which.add_argument("--all", action="store_true", help="every stored file")

    def handle(self, *args, stuck, failed, all, **options):
        versions = DocumentVersion.objects.filter(document__disposed_at__isnull=True)
        if stuck:
            # A job older than its time limit (twice, for the queue) is not coming back.
            since = timezone.now() - timedelta(seconds=2 * settings.LENTERA_EXTRACT_TIMEOUT)
            now = timezone.now()
            lost = Q(text_status=TextStatus.RUNNING, text_lease_until__lt=now)
            waiting = Q(
                text_status__in=[TextStatus.PENDING, TextStatus.RUNNING],
                text_lease_until=None,
                uploaded_at__lt=since,
            ) & (Q(text_at__isnull=True) | Q(text_at__lt=since))
            versions = versions.filter(lost | waiting)
        elif failed:
            versions = versions.filter(text_status__in=[TextStatus.FAILED, TextStatus.UNSUPPORTED])
        elif not all:
            raise CommandError("choose --stuck, --failed or --all")
        ids = list(versions.values_list("pk", flat=True))
        versions.update(text_status=TextStatus.PENDING)
        for pk in ids:
            extract_text.enqueue(pk)
        self.stdout.write(f"{len(ids)} file(s) queued for text extraction.")
