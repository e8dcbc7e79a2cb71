import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lentera.errors import ActionRefused
from lentera.organizations.models import PublicBody
from lentera.register.retention import SCHEDULE_COLUMNS, import_schedule


class Command(BaseCommand):
    help = (
        "Retention schedule (JRA) tasks: `lentera jra import BODY_ID FILE.csv` creates or "
        "updates the body's schedule lines by code, all or nothing. The CSV has a header row "
        "with the columns " + ", ".join(SCHEDULE_COLUMNS) + " (and optionally note); "
        "disposition is destroy, permanent or review (or musnah, permanen, dinilai kembali)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="create or update a body's JRA lines from a CSV file")
        load.add_argument("body_id", type=int, help="id of the public body")
        load.add_argument("file", help="CSV file (UTF-8)")

    def handle(self, *args, action: str, body_id: int, file: str, **options):
        body = PublicBody.objects.filter(pk=body_id).first()
        if body is None:
            raise CommandError(_("There is no public body with id %(id)s.") % {"id": body_id})
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                header = [name.strip() for name in reader.fieldnames or []]
                if missing := [c for c in SCHEDULE_COLUMNS if c not in header]:
                    raise CommandError(
                        _("%(file)s lacks the columns: %(columns)s.")
                        % {"file": file, "columns": ", ".join(missing)}
                    )
                reader.fieldnames = header
                created, updated = import_schedule(body, reader)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(_("%(file)s is not a UTF-8 CSV file.") % {"file": file}) from exc
        except ActionRefused as exc:
            raise CommandError(
                _("Nothing was imported from %(file)s. %(problem)s")
                % {"file": file, "problem": exc.message}
            ) from exc
        self.stdout.write(
            _("%(body)s: %(created)s schedule lines created, %(updated)s updated.")
            % {"body": body, "created": created, "updated": updated}
        )
