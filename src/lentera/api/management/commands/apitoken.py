from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lentera.accounts import services
from lentera.errors import ActionRefused


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (shown once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")
        parser.add_argument(
            "--expires",
            type=int,
            default=services.TOKEN_DAYS,
            metavar="DAYS",
            help=f"days until it expires (default {services.TOKEN_DAYS})",
        )
        parser.add_argument("--read-only", action="store_true", help="it may only read")

    def handle(self, *args, username, name, expires, read_only, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            record, token = services.issue_token(user, name=name, days=expires, read_only=read_only)
        except ActionRefused as refused:
            raise CommandError(refused.message) from refused
        self.stdout.write(token)
        self.stderr.write(f"{record.get_scope_display()}, expires {record.expires_at:%Y-%m-%d}")
