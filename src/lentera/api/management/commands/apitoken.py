from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lentera.api.models import ApiToken


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (shown once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active user named {username!r}.") from exc
        _, token = ApiToken.objects.issue(user, name=name or "cli")
        self.stdout.write(token)
