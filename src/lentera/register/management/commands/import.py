import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from lentera.organizations.models import PublicBody, Unit
from lentera.register import dip_import

OUTCOMES = {
    "new": gettext_lazy("new"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
}


class Command(BaseCommand):
    help = (
        "Import an existing DIP: `lentera import dip FILE --body SLUG --user USERNAME "
        "[--unit SLUG] [--dry-run]` reads an XLSX, ODS or CSV sheet, shows what every row "
        "becomes and every problem, and creates or updates the items all or nothing. "
        "Imported items enter their unit's SOP: they are public only once reviewed and "
        "approved. See docs/import.md."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        dip = sub.add_parser("dip", help="import a DIP spreadsheet (XLSX, ODS, CSV)")
        dip.add_argument("file", help="the spreadsheet")
        dip.add_argument("--body", required=True, help="slug of the public body")
        dip.add_argument("--unit", help="slug of the unit for rows that name none")
        dip.add_argument(
            "--user", help="the officer recorded as importing (needed unless --dry-run)"
        )
        dip.add_argument("--dry-run", action="store_true", help="show the outcome, save nothing")

    def handle(self, *args, what: str, file: str, body: str, **options):
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
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None or not actor.is_active:
                message = _("There is no active user %(name)s.") % {"name": options["user"]}
                raise CommandError(message)
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        plan = dip_import.plan(content, Path(file).name, found, unit)
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
            dip_import.apply(plan, actor, progress=bar.update)
        if plan.errors:
            self.show_problems(_("Errors"), plan.errors)
            raise CommandError(
                _("Nothing was imported: %(count)s problems must be corrected first.")
                % {"count": len(plan.errors)}
            )
        self.stdout.write(
            _(
                "Imported: %(new)s new items and %(changed)s updated; they wait for their "
                "SOP's review and approval before they are public."
            )
            % {"new": plan.count("new"), "changed": plan.count("changed")}
        )

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
                f"{made:<10} {forms:<9} {OUTCOMES[row.outcome]!s}"
            )
        if plan.warnings:
            self.show_problems(_("Warnings"), plan.warnings)
        if plan.errors:
            self.show_problems(_("Errors"), plan.errors)

    def show_problems(self, heading: str, problems) -> None:
        self.stdout.write(f"{heading} ({len(problems)}):")
        for problem in problems:
            self.stdout.write(f"  {problem}")
