from django.core.management import call_command
from django.core.management.base import BaseCommand

from lentera.core.server import add_server_arguments, serve


class Command(BaseCommand):
    help = "Serve Lentera with a production WSGI server and a background worker."

    def add_arguments(self, parser):
        add_server_arguments(parser)
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations first"
        )

    def handle(self, *args, host, port, threads, no_worker, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Lentera: http://{host}:{port}/  (Ctrl+C to stop)")
        serve(
            host,
            port,
            threads,
            with_worker=not no_worker,
            connection_limit=options["connection_limit"],
            channel_timeout=options["channel_timeout"],
            processes=options["processes"],
        )
