"""`lentera deadlines run|due`: the periodic notifications, and a due time computed by hand."""

import datetime
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from lentera.deadlines.notify import format_moment, run
from lentera.deadlines.services import calendar_for
from lentera.organizations.models import PublicBody
from lentera.sop.constants import TimeUnit

# Words accepted after the number in --standard, in English and Indonesian.
UNITS = {
    "minute": TimeUnit.MINUTES,
    "minutes": TimeUnit.MINUTES,
    "menit": TimeUnit.MINUTES,
    "hour": TimeUnit.HOURS,
    "hours": TimeUnit.HOURS,
    "jam": TimeUnit.HOURS,
    "working day": TimeUnit.WORKING_DAYS,
    "working days": TimeUnit.WORKING_DAYS,
    "hari kerja": TimeUnit.WORKING_DAYS,
    "week": TimeUnit.WEEKS,
    "weeks": TimeUnit.WEEKS,
    "minggu": TimeUnit.WEEKS,
}
START_FORMAT = "%Y-%m-%d %H:%M"


def parse_standard(text: str) -> tuple[int, str]:
    match = re.fullmatch(r"\s*(\d+)\s+([a-z ]+?)\s*", text.lower())
    if not match or " ".join(match[2].split()) not in UNITS:
        raise CommandError(
            _(
                'Cannot read the time standard "%(text)s". Write a number and a unit, e.g. '
                '"1 working days", "2 hours", "30 minutes" or "1 weeks".'
            )
            % {"text": text}
        )
    return int(match[1]), UNITS[" ".join(match[2].split())]


class Command(BaseCommand):
    help = (
        "run: send due reminders, escalate overdue work, remind berkala updates, return "
        "expired exemptions to review, then email what is pending (for cron or a systemd "
        "timer). due: print when work arriving at --start is due under --standard."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("run", help="the periodic part: reminders, escalations, mail")
        due = commands.add_parser("due", help="compute a due time on a body's calendar")
        due.add_argument("--body", required=True, help="the public body's slug")
        due.add_argument(
            "--start", required=True, help='when the work arrives, "YYYY-MM-DD HH:MM" local time'
        )
        due.add_argument(
            "--standard",
            required=True,
            help='"<n> <minutes|hours|working days|weeks>"; a week is five working days',
        )

    def handle(self, *args, subcommand, verbosity=1, **options):
        if subcommand == "run":
            summary = run()
            if verbosity >= 1:
                for name, count in summary.items():
                    self.stdout.write(f"{name.replace('_', ' ')}: {count}")
            return
        self.due(options["body"], options["start"], options["standard"], verbosity)

    def due(self, slug: str, start_text: str, standard: str, verbosity: int) -> None:
        body = PublicBody.objects.filter(slug=slug).first()
        if body is None:
            known = ", ".join(PublicBody.objects.values_list("slug", flat=True)) or "—"
            raise CommandError(
                _('There is no public body "%(slug)s". Known bodies: %(known)s.')
                % {"slug": slug, "known": known}
            )
        try:
            naive = datetime.datetime.strptime(start_text.strip(), START_FORMAT)
        except ValueError:
            raise CommandError(
                _('Cannot read the start "%(text)s": write it as "YYYY-MM-DD HH:MM", e.g. %(e)s.')
                % {"text": start_text, "e": '"2026-03-17 10:00"'}
            ) from None
        amount, unit = parse_standard(standard)
        calendar = calendar_for(body)
        start = naive.replace(tzinfo=calendar.tz)
        due = calendar.due(start, amount, unit)
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(
                f"{format_moment(due, calendar.tz)} ({due.isoformat()}, {calendar.time_zone})"
            )
            if verbosity >= 2:
                self._days_skipped(calendar, start.date(), due.date())

    def _days_skipped(self, calendar, first: datetime.date, last: datetime.date) -> None:
        day = first
        while day < last:
            if not calendar.is_working_day(day):
                why = calendar.holiday_name(day) or _("not a working day of the week")
                self.stdout.write(
                    _("  skipped %(day)s: %(why)s")
                    % {"day": dateformat.format(day, "l, j F Y"), "why": why}
                )
            day += datetime.timedelta(days=1)
