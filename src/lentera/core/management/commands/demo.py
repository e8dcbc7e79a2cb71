from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lentera.core.demo import DEMO_PASSWORD, load_demo
from lentera.core.server import add_server_arguments, serve


class Command(BaseCommand):
    help = "Create the data directory, load the demo data (once) and serve Lentera."

    def add_arguments(self, parser):
        add_server_arguments(parser)
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the data, do not serve"
        )

    def handle(self, *args, host, port, threads, no_worker, no_serve, **options):
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        users = load_demo(stdout=self.stdout)
        base = f"http://{host}:{port}"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Public portal (DIP):   {base}/dip/",
                    f"Officers' workspace:   {base}/kantor/",
                    f"API documentation:     {base}/api/v1/docs",
                    f"Administration:        {base}/admin/",
                    f"Health check:          {base}/healthz",
                    "",
                    f"Demo logins (password for every account: {DEMO_PASSWORD};"
                    f" two-factor login: {settings.LENTERA_2FA}):",
                    *[f"  {username:<24} {description}" for username, description in users],
                    "",
                ]
            )
        )
        if not no_serve:
            serve(
                host,
                port,
                threads,
                with_worker=not no_worker,
                connection_limit=options["connection_limit"],
                channel_timeout=options["channel_timeout"],
                processes=options["processes"],
                quiet_worker=True,  # the logins above stay on the screen
            )
