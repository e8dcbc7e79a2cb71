import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lentera.documents.extraction import requeue_expired

logger = logging.getLogger(__name__)

# How often the worker looks for jobs a killed worker left running.
LEASE_CHECK_SECONDS = 60


def watch_leases(interval: float = LEASE_CHECK_SECONDS) -> threading.Thread:
    """Queue again, now and then every `interval` seconds, the extraction jobs whose
    lease ran out."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                requeue_expired()
            except Exception:  # noqa: BLE001 - logged and tried again next time
                logger.exception("cannot queue lost extraction jobs again")
            finally:
                close_old_connections()
            if stop.wait(interval):
                return

    thread = threading.Thread(target=loop, name="lentera-leases", daemon=True)
    thread.stop = stop
    thread.start()
    return thread


def only_task_problems(record: logging.LogRecord) -> bool:
    """A log filter: the task runner's routine lines ("Task id=… state=…") are dropped,
    its warnings and errors and every other logger's lines kept."""
    return record.levelno >= logging.WARNING or not record.name.startswith("django_tasks")


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks database backend); it also queues "
        "again the jobs a killed worker left running, once their lease ran out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1, help="seconds between looks for new jobs"
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="log only the warnings and errors of tasks, not each task run",
        )

    def handle(self, *args, interval, quiet=False, **options):
        if quiet:
            for handler in logging.getLogger().handlers:
                handler.addFilter(only_task_problems)
        watch_leases()
        call_command("db_worker", reload=False, interval=interval)
