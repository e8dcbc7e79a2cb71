"""`lentera restore SRC`: restore a backup into an empty database and storage."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lentera.core import backup


class Command(BaseCommand):
    help = _(
        "Restore the newest backup in SRC (or the snapshot SRC) into an empty database and "
        "file storage, after checking it against its manifest; then verify the activity "
        "log and every file."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help=_("the backup folder or one snapshot"))

    def handle(self, *args, source, **options):
        try:
            snapshot, manifest, verified = backup.restore(source)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Restored %(snapshot)s (Lentera %(version)s, %(created)s).")
            % {
                "snapshot": snapshot,
                "version": manifest["lentera"],
                "created": manifest["created_at"],
            }
        )
        self.stdout.write(_("Activity log: %(count)s events checked.") % {"count": verified.events})
        self.stdout.write(_("Fixity: %(count)s files checked.") % {"count": verified.files_checked})
        problems = list(verified.rows_differ) + list(verified.file_problems)
        if verified.chain_break:
            problems.insert(0, verified.chain_break)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            self.stderr.write(_("The restored data does not verify."))
            sys.exit(1)
        self.stdout.write(_("Everything verifies. Run `lentera migrate` if this Lentera is newer."))
