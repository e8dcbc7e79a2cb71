"""`lentera reindex`: rebuild the search index from the public register."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from lentera.register.selectors import public_items
from lentera.search import index


class Command(BaseCommand):
    help = "Rebuild the search index from every public item of the DIP, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help=_("no progress bar"))

    def handle(self, *args, no_progress=False, **options):
        out = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(
            total=public_items().count(),
            unit=_("item"),
            file=out,
            disable=no_progress or not out.isatty(),
        ) as bar:
            written = index.rebuild(progress=bar.update)
        self.stdout.write(_("Search index rebuilt: %(count)s items.") % {"count": written})
