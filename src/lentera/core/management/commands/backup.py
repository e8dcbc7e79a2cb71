"""`lentera backup DEST`: a consistent backup of the database and its files."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lentera.core import backup


class Command(BaseCommand):
    help = _(
        "Back up the database and the files it references into DEST, with a manifest; "
        "files already in DEST are not copied again. Safe while the server runs."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help=_("the backup folder"))
        parser.add_argument(
            "--no-files",
            action="store_true",
            help=_("list the files in the manifest without copying them (S3 with versioning)"),
        )

    def handle(self, *args, dest, no_files=False, **options):
        try:
            outcome = backup.backup(dest, with_files=not no_files)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = outcome.manifest
        self.stdout.write(
            _(
                "Backup %(snapshot)s: database %(engine)s, %(rows)s rows, %(files)s files "
                "(%(copied)s copied, %(reused)s already there)."
            )
            % {
                "snapshot": outcome.snapshot,
                "engine": manifest["database"]["engine"],
                "rows": sum(manifest["rows"].values()),
                "files": len(manifest["files"]),
                "copied": outcome.copied,
                "reused": outcome.reused,
            }
        )
        if outcome.missing:
            for name in outcome.missing:
                self.stderr.write(_("Missing from the storage: %(name)s") % {"name": name})
            self.stderr.write(
                _(
                    "%(count)s files the database references are missing from the storage; "
                    "run `lentera fixity`."
                )
                % {"count": len(outcome.missing)}
            )
            sys.exit(1)
