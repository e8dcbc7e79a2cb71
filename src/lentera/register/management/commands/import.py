import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody, Unit
from lentera.register import dip_import, import_files, imports
from lentera.register.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import an existing DIP: `lentera import dip FILE --body SLUG --user USERNAME "
        "[--unit SLUG] [--dry-run]` reads an XLSX, ODS or CSV sheet, shows what every row "
        "becomes and every problem, and saves it all or nothing: new entries wait in one "
        "batch until the head of the PPID, having read it (`lentera import show BATCH`), "
        "confirms it (`lentera import confirm BATCH --user USERNAME --fingerprint HEX`) or "
        "rejects it (`reject BATCH --user USERNAME --note TEXT`), or in the office. See "
        "docs/import.md."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        dip = sub.add_parser("dip", help="import a DIP spreadsheet (XLSX, ODS, CSV)")
        dip.add_argument("file", help="the spreadsheet")
        dip.add_argument("--body", required=True, help="slug of the public body")
        dip.add_argument("--unit", help="slug of the unit for rows that name none")
        dip.add_argument(
            "--files",
            metavar="DIR_OR_ZIP",
            help="the entries' files: by a file-name column, or named by row number (8.pdf)",
        )
        dip.add_argument(
            "--user", help="the officer recorded as importing (needed unless --dry-run)"
        )
        dip.add_argument("--dry-run", action="store_true", help="show the outcome, save nothing")
        show = sub.add_parser("show", help="list an import batch's entries and fingerprint")
        show.add_argument("batch", type=int, help="the batch's number")
        for name in ("confirm", "reject"):
            decide = sub.add_parser(name, help=f"{name} a waiting import batch")
            decide.add_argument("batch", type=int, help="the batch's number")
            decide.add_argument("--user", required=True, help="the head of the PPID deciding")
            decide.add_argument("--note", default="", help="why (required to reject)")
            if name == "confirm":
                decide.add_argument(
                    "--fingerprint",
                    required=True,
                    help="the fingerprint `lentera import show` printed with the entries",
                )

    def handle(self, *args, what: str, **options):
        if what == "dip":
            self.import_dip(**options)
        elif what == "show":
            self.show_batch(self.batch(options["batch"]))
        else:
            self.decide(what, **options)

    def batch(self, number: int) -> ImportBatch:
        found = ImportBatch.objects.filter(pk=number).first()
        if found is None:
            raise CommandError(_("There is no import batch %(number)s.") % {"number": number})
        return found

    def show_batch(self, batch: ImportBatch) -> None:
        self.stdout.write(
            f"{batch.file_name} · {batch.body} · {batch.get_state_display()} · "
            f"{batch.created_by.username} {batch.created_at:%Y-%m-%d %H:%M}"
        )
        items = batch.items.select_related("holding_unit", "retention_rule")
        for item in items.prefetch_related("documents__versions").order_by("pk"):
            made = item.made_on.isoformat() if item.made_on else str(item.year)
            rule = f" (JRA {item.retention_rule.code})" if item.retention_rule else ""
            self.stdout.write(
                f"\n{item.pk} · {item.get_category_display()} · {item.title}\n"
                f"  {item.holding_unit.name} · {item.responsible_official} · {made}, "
                f"{item.made_place} · {item.available_forms} · {item.retention_period}{rule}"
            )
            if item.summary != item.title:
                self.stdout.write(f"  {item.summary}")
            for document in item.documents.all():
                for version in document.versions.all():
                    self.stdout.write(
                        f"  + {version.original_name} ({version.size} B, SHA-256 {version.sha256})"
                    )
        self.stdout.write(_("Fingerprint: %(digest)s") % {"digest": batch.fingerprint})

    def decide(self, what: str, *, batch: int, user: str, note: str, **options):
        found = self.batch(batch)
        actor = self.user(user)
        try:
            if what == "confirm":
                listed, started = imports.confirm(found, actor, options["fingerprint"], note)
            else:
                imports.reject(found, actor, note)
        except ActionRefused as exc:
            raise CommandError(exc.message) from exc
        if what == "reject":
            self.stdout.write(
                _("Rejected: %(count)s entries are withdrawn unlisted.")
                % {"count": found.items.count()}
            )
            return
        self.stdout.write(_("Confirmed: %(count)s entries are listed.") % {"count": listed})
        if started:
            self.stdout.write(
                _(
                    "%(count)s entries lack something their SOP requires (a DIP column, a file, "
                    "a classification decision) and entered it to be completed there."
                )
                % {"count": started}
            )

    def user(self, username: str):
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None or not actor.is_active:
            raise CommandError(_("There is no active user %(name)s.") % {"name": username})
        return actor

    def import_dip(self, *, file: str, body: str, **options):
        found = PublicBody.objects.filter(slug=body).first()
        if found is None:
            raise CommandError(_("There is no public body %(slug)s.") % {"slug": body})
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(body=found, slug=options["unit"]).first()
            if unit is None:
                raise CommandError(
                    _("%(body)s has no unit %(slug)s.") % {"body": found, "slug": options["unit"]}
                )
        actor = None
        if not options["dry_run"]:
            if not options["user"]:
                raise CommandError(_("Name the importing officer with --user (or use --dry-run)."))
            actor = self.user(options["user"])
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        files = None
        if options["files"]:
            try:
                files = import_files.Source(options["files"])
            except ActionRefused as exc:
                raise CommandError(exc.message) from exc
        try:
            self.import_plan(content, Path(file).name, found, unit, files, actor, options)
        finally:
            if files is not None:
                files.close()

    def import_plan(self, content, name, found, unit, files, actor, options) -> None:
        plan = dip_import.plan(content, name, found, unit, files)
        self.show(plan)
        if plan.errors:
            raise CommandError(
                _("Nothing was imported: %(count)s problems must be corrected first.")
                % {"count": len(plan.errors)}
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was saved."))
            return
        todo = plan.count("new") + plan.count("changed")
        with tqdm(total=todo, unit=_("rows"), file=sys.stderr, disable=None) as bar:
            try:
                batch = imports.apply(plan, actor, progress=bar.update)
            except ActionRefused as exc:
                raise CommandError(exc.message) from exc
        if plan.errors:
            self.show_problems(_("Errors"), plan.errors)
            raise CommandError(
                _("Nothing was imported: %(count)s problems must be corrected first.")
                % {"count": len(plan.errors)}
            )
        if plan.count("changed"):
            self.stdout.write(
                _("%(count)s entries edited; each goes through its SOP again.")
                % {"count": plan.count("changed")}
            )
        if batch is not None:
            self.stdout.write(
                _(
                    "%(count)s new entries wait in import batch %(number)s until the head "
                    "of the PPID confirms it; none is public before."
                )
                % {"count": plan.count("new"), "number": batch.pk}
            )
        elif not plan.count("changed"):
            self.stdout.write(_("Nothing to change: the register already holds this file."))

    def show(self, plan: dip_import.Plan) -> None:
        self.stdout.write(
            _(
                "%(file)s (SHA-256 %(digest)s): %(rows)s rows: %(new)s new, "
                "%(changed)s changed, %(unchanged)s unchanged."
            )
            % {
                "file": plan.file_name,
                "digest": plan.sha256,
                "rows": len(plan.rows),
                "new": plan.count("new"),
                "changed": plan.count("changed"),
                "unchanged": plan.count("unchanged"),
            }
        )
        for row in plan.rows:
            fields = row.fields
            made = fields["made_on"].isoformat() if fields["made_on"] else str(fields["year"])
            forms = "/".join(
                name
                for name, present in (
                    ("soft", fields["form_softcopy"]),
                    ("hard", fields["form_hardcopy"]),
                )
                if present
            )
            self.stdout.write(
                f"  {row.sheet}:{row.number:<5} {fields['category']:<12} "
                f"{fields['title'][:48]:<48} {fields['holding_unit'].name[:28]:<28} "
                f"{made:<10} {forms:<9} {row.outcome_label}"
                + (f"  + {', '.join(entry.name for entry in row.files)}" if row.files else "")
            )
        if plan.warnings:
            self.show_problems(_("Warnings"), plan.warnings)
        if plan.errors:
            self.show_problems(_("Errors"), plan.errors)

    def show_problems(self, heading: str, problems) -> None:
        self.stdout.write(f"{heading} ({len(problems)}):")
        for problem in problems:
            self.stdout.write(f"  {problem}")
