from django.core.management.base import BaseCommand

from lentera.sop.presets import load_presets


class Command(BaseCommand):
    help = (
        "SOP tasks: `lentera sop load-presets` loads the seed SOPs (loading twice changes nothing)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-presets", help="load the seed SOPs shipped with Lentera")

    def handle(self, *args, action: str, **options):
        if action == "load-presets":
            for sop, created in load_presets():
                state = "loaded" if created else "already present"
                self.stdout.write(f"{sop.preset_key} v{sop.version}: {state}")
