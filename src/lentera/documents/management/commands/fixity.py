"""`lentera fixity`: re-hash the stored files and report missing, corrupt and orphan ones."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from lentera.documents import fixity


class Command(BaseCommand):
    help = (
        "Re-hash the stored files (all, or a random sample) and report missing, corrupt "
        "and orphan files. Exits with status 1 when it finds any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample", type=int, metavar="N", help=_("check N files chosen at random")
        )
        parser.add_argument(
            "--resume", action="store_true", help=_("continue the last run if it did not finish")
        )
        parser.add_argument("--no-progress", action="store_true", help=_("no progress bar"))
        parser.add_argument(
            "--sweep",
            action="store_true",
            help=_("first move orphan files into the quarantine folder"),
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(fixity.SWEEP_AFTER.total_seconds() // 60),
            metavar="MINUTES",
            help=_("sweep only orphans older than this (default: 60)"),
        )

    def handle(
        self,
        *args,
        sample=None,
        resume=False,
        no_progress=False,
        sweep=False,
        older_than=60,
        **options,
    ):
        if sample is not None and sample < 1:
            raise CommandError(_("--sample needs a number of files of at least 1."))
        if older_than < 1:
            raise CommandError(_("--older-than needs a number of minutes of at least 1."))
        if sweep:
            self.sweep(datetime.timedelta(minutes=older_than))
        if resume and sample is not None:
            raise CommandError(_("--resume keeps the sample of the run it continues."))
        run = fixity.unfinished_run() if resume else None
        if run is not None:
            self.stdout.write(
                _("Resuming the run of %(time)s: %(checked)s of %(total)s files checked.")
                % {"time": f"{run.started_at:%Y-%m-%d %H:%M}", **counts(run)}
            )
        else:
            if resume:
                self.stdout.write(_("No unfinished run to resume; starting a new one."))
            run = fixity.start_run(sample)

        out = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(
            total=run.total,
            initial=run.checked,
            unit=_("file"),
            file=out,
            disable=no_progress or not out.isatty(),
        ) as bar:
            try:
                fixity.check_files(run, on_progress=bar.update)
            except KeyboardInterrupt:
                raise CommandError(
                    _(
                        "Interrupted after %(checked)s of %(total)s files; "
                        "`lentera fixity --resume` continues from there."
                    )
                    % counts(run),
                    returncode=130,
                ) from None
        fixity.finish_run(run)
        self.report(run)
        if fixity.has_problems(run):
            raise CommandError(
                _("Fixity problems: %(missing)s missing, %(corrupt)s corrupt, %(orphans)s orphan.")
                % {k: len(getattr(run, k)) for k in ("missing", "corrupt", "orphans")}
            )

    def sweep(self, older_than: datetime.timedelta) -> None:
        moved = fixity.sweep_orphans(older_than)
        for name, kept in moved:
            self.stdout.write(
                self.style.WARNING(_("QUARANTINED"))
                + " "
                + _("%(file)s: no record points to it; moved to %(kept)s.")
                % {"file": name, "kept": kept}
            )
        self.stdout.write(_("Swept %(count)s orphan files.") % {"count": len(moved)})

    def report(self, run) -> None:
        self.stdout.write(_("Checked %(checked)s of %(total)s files.") % counts(run))
        for found in run.missing:
            self.stdout.write(
                self.style.ERROR(_("MISSING"))
                + " "
                + _("%(where)s: no stored file.") % {"where": where(found)}
            )
        for found in run.corrupt:
            self.stdout.write(
                self.style.ERROR(_("CORRUPT"))
                + " "
                + _(
                    "%(where)s: expected SHA-256 %(expected_sha256)s (%(expected_size)s bytes), "
                    "found %(found_sha256)s (%(found_size)s bytes)."
                )
                % {"where": where(found), **found}
            )
        for name in run.orphans:
            self.stdout.write(
                self.style.WARNING(_("ORPHAN"))
                + " "
                + _("%(file)s: no record points to this stored file.") % {"file": name}
            )
        if not fixity.has_problems(run):
            self.stdout.write(self.style.SUCCESS(_("All files intact; no orphan files.")))


def counts(run) -> dict:
    return {"checked": run.checked, "total": run.total}


def where(found: dict) -> str:
    return _("version %(version)s of item %(item)s, %(file)s (“%(name)s”)") % found
