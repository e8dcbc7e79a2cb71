from django.core.management.base import BaseCommand, CommandError

from lentera.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Audit tasks: `lentera audit verify` re-hashes the activity log "
        "and names the first bad event."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check that no activity event was edited, deleted or moved")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            checked, broken = verify_chain()
            if broken is not None:
                raise CommandError(
                    f"Activity log broken at event {broken.event_id}: {broken.reason}. "
                    f"{checked} events before it are intact."
                )
            self.stdout.write(f"Activity log intact: {checked} events verified.")
