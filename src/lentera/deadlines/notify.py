"""Notifications: work arrived, due soon, overdue, berkala refresh and exemption ended.

Each is a Notification row (the office list) and one email. The (user, key)
constraint makes every occasion reach a person once, however often and however
concurrently `run()` is called; sending claims each row before it mails it.
"""

import calendar as month_calendar
import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from lentera.dates import add_months
from lentera.errors import ActionRefused
from lentera.organizations.constants import PpidRole, Role
from lentera.organizations.models import PublicBody
from lentera.organizations.selectors import office_items_q
from lentera.register.constants import LISTED_STATUSES, MAX_UPDATE_INTERVAL_MONTHS, Category
from lentera.register.models import InformationItem
from lentera.sop import policy
from lentera.sop.constants import PerformerRole

from .calendar import WorkCalendar
from .constants import Kind
from .exemptions import expired_exemptions, return_to_review
from .models import Notification, StepTiming
from .services import calendar_for

logger = logging.getLogger(__name__)

# Subjects are cut to fit Notification.subject.
_SUBJECT_LENGTH = 200


# Dates


def _last_day_listed_before_due(today: datetime.date, months: int) -> datetime.date:
    """The latest listing day whose update is due by `today` after `months` months."""
    earlier = add_months(today, -months)
    if today.day == month_calendar.monthrange(today.year, today.month)[1]:
        # Today ends its month: every later day of that earlier month is due today too.
        return earlier.replace(day=month_calendar.monthrange(earlier.year, earlier.month)[1])
    return earlier


def format_moment(moment: datetime.datetime, tz) -> str:
    """A moment as an officer reads it, in the active language: "Selasa, 7 April 2026 16:00 WIB"."""
    local = moment.astimezone(tz)
    return f"{dateformat.format(local, 'l, j F Y H:i')} {local.tzname()}"


def _day(day: datetime.date) -> str:
    return dateformat.format(day, "j F Y")


# People


def _users(unit_ids, roles) -> list:
    if not unit_ids or not roles:
        return []
    return list(
        get_user_model()
        .objects.filter(
            is_active=True, memberships__unit_id__in=unit_ids, memberships__role__in=roles
        )
        .distinct()
        .order_by("pk")
    )


def performers(timing: StepTiming) -> list:
    """Who performs the timing's step: its performer role in its performing unit; while
    the step waits for its intake (seed 004's Petugas Layanan), the intake's officers."""
    step = timing.step
    if timing.unit_id is None or step.performer_role == PerformerRole.SYSTEM:
        return []
    if step.intake_position and timing.item.step_submitted_at is None:
        return list(
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__unit_id=timing.unit_id,
                memberships__role=Role.OFFICER,
                memberships__position=step.intake_position,
            )
            .distinct()
            .order_by("pk")
        )
    return _users([timing.unit_id], [step.performer_role])


def next_level(timing: StepTiming) -> list:
    """Who hears about overdue work besides its performers.

    The approvers (Kepala PPID) of the performing unit; when the performers are
    themselves approvers, or that unit has none, the approvers and reviewers of the
    PPID Utama of the body."""
    if timing.unit_id is None or timing.step.performer_role == PerformerRole.SYSTEM:
        return []
    if timing.step.performer_role != Role.APPROVER:
        if found := _users([timing.unit_id], [Role.APPROVER]):
            return found
    return _ppid_utama(timing.item)


def _ppid_utama(item) -> list:
    main = policy.main_unit(item)
    return _users([main.pk] if main else [], [Role.APPROVER, Role.REVIEWER])


# Messages


def _item_url(item) -> str:
    return settings.LENTERA_SITE_URL + reverse("office:item", args=[item.pk])


def _step_lines(timing: StepTiming, calendar: WorkCalendar) -> list[str]:
    step = timing.step
    if timing.due_at is not None:
        due = format_moment(timing.due_at, calendar.tz)
    elif timing.measures_handling:  # nobody has opened it: due from the opening
        due = _("%(standard)s from when a performer opens it") % {"standard": step.time_standard}
    else:
        due = _("no time standard (tentative)")
    lines = [
        _("Step %(number)s: %(activity)s") % {"number": step.number, "activity": step.activity},
        _("Arrived: %(moment)s") % {"moment": format_moment(timing.entered_at, calendar.tz)},
    ]
    if timing.opened_at is not None and timing.measures_handling:
        lines.append(
            _("Opened: %(moment)s") % {"moment": format_moment(timing.opened_at, calendar.tz)}
        )
    return [*lines, _("Due: %(due)s") % {"due": due}]


_SUBJECTS = {
    Kind.ARRIVED: lambda: _("Work arrived: %(title)s (step %(number)s)"),
    Kind.REMINDER: lambda: _("Due soon: %(title)s (step %(number)s)"),
    Kind.OVERDUE: lambda: _("Overdue: %(title)s (step %(number)s)"),
    Kind.BERKALA: lambda: _("Update due: %(title)s"),
    Kind.EXEMPTION: lambda: _("Exemption ended: %(title)s"),
}
_INTROS = {
    Kind.ARRIVED: lambda: _("Work has arrived for you in Lentera."),
    Kind.REMINDER: lambda: _("This step is due soon; please complete it in time."),
    Kind.OVERDUE: lambda: _(
        "This step is past its due time. This notice goes to its performers and, "
        "for follow-up, to the next level."
    ),
    Kind.BERKALA: lambda: _(
        "This periodic information must be updated at least every %(months)s months "
        "(UU 14/2008 Pasal 9 ayat 3). It was last updated on %(updated)s; "
        "an update was due on %(due)s. Reopen it for an update in its SOP."
    ),
    Kind.EXEMPTION: lambda: _(
        "The exemption period of this information ended on %(until)s (%(decision)s). "
        "It has gone back to review in its SOP: decide whether it stays exempt, with a "
        "new classification decision, or becomes public."
    ),
}


def compose(kind: str, item, timing=None, calendar=None, **facts) -> tuple[str, str]:
    """Subject and body of a notification, in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        number = timing.step.number if timing is not None else ""
        subject = _SUBJECTS[kind]() % {"title": item.title, "number": number}
        subject = " ".join(subject.split())  # a line break would make a bad mail header
        lines = [_INTROS[kind]() % facts, ""]
        lines.append(_("Information: %(title)s") % {"title": item.title})
        lines.append(_("Holding unit: %(unit)s") % {"unit": item.holding_unit.name})
        if timing is not None:
            lines += _step_lines(timing, calendar or calendar_for(item.holding_unit.body_id))
        lines += ["", _("Open it in Lentera: %(url)s") % {"url": _item_url(item)}]
    if len(subject) > _SUBJECT_LENGTH:
        subject = subject[: _SUBJECT_LENGTH - 1] + "…"
    return subject, "\n".join(lines)


def _notify(users, kind: str, key: str, item, timing=None, calendar=None, **facts) -> int:
    """Create the occasion's notification for each of `users` who lacks it; how many."""
    wanted = {user.pk for user in users}
    if wanted:
        wanted -= set(
            Notification.objects.filter(key=key, user_id__in=wanted).values_list(
                "user_id", flat=True
            )
        )
    if not wanted:
        return 0
    subject, body = compose(kind, item, timing, calendar, **facts)
    created = 0
    for pk in sorted(wanted):
        # The unique (user, key) constraint decides a race with a concurrent run:
        # get_or_create then finds the other run's row and creates none.
        _, new = Notification.objects.get_or_create(
            user_id=pk,
            key=key,
            defaults=dict(kind=kind, item=item, timing=timing, subject=subject, body=body),
        )
        created += new
    return created


# Occasions


def notify_arrival(timing: StepTiming, *, actor=None) -> int:
    """Tell the performers of the timing's step that work has arrived (mailed after commit).

    `actor`, who moved the item there, is not told: they passed the work to themselves."""
    people = [user for user in performers(timing) if actor is None or user.pk != actor.pk]
    created = _notify(people, Kind.ARRIVED, f"arrived:{timing.pk}", timing.item, timing)
    if created:
        transaction.on_commit(_enqueue_sending)
    return created


def on_item_submitted(sender, *, item, actor, **kwargs) -> None:
    """register.events.item_submitted."""
    notify_submitted(item, actor=actor)


def notify_submitted(item, *, actor=None) -> int:
    """Tell the performers of the item's step that its intake submitted it to them."""
    timing = (
        StepTiming.objects.filter(item=item, left_at__isnull=True).select_related("step").first()
    )
    if timing is None:
        return 0
    timing.item = item
    people = [user for user in performers(timing) if actor is None or user.pk != actor.pk]
    key = f"submitted:{timing.pk}:{item.lock_version}"
    created = _notify(people, Kind.ARRIVED, key, item, timing)
    if created:
        transaction.on_commit(_enqueue_sending)
    return created


def on_import_waiting(sender, *, batch, **kwargs) -> None:
    """register.events.import_waiting: tell the heads of the body's PPID (who confirm
    imports), the importer aside, that an imported DIP waits for them."""
    main = batch.body.units.filter(ppid_role=PpidRole.MAIN).values_list("pk", flat=True)
    heads = [user for user in _users(list(main), [Role.APPROVER]) if user.pk != batch.created_by_id]
    if not heads:
        return
    with translation.override(settings.LANGUAGE_CODE):
        count = batch.items.count()
        subject = _("Imported DIP waiting for your confirmation: %(file)s") % {
            "file": " ".join(batch.file_name.split())  # no line break in a mail header
        }
        body = "\n".join(
            [
                _(
                    "%(who)s imported %(file)s: %(count)s new entries of %(body)s wait, "
                    "public nowhere, until you confirm or reject the import."
                )
                % {
                    "who": batch.created_by.get_full_name() or batch.created_by.username,
                    "file": batch.file_name,
                    "count": count,
                    "body": batch.body.name,
                },
                "",
                _("Open it in Lentera: %(url)s")
                % {
                    "url": settings.LENTERA_SITE_URL
                    + reverse("office:import-batch", args=[batch.pk])
                },
            ]
        )
    for user in heads:
        Notification.objects.get_or_create(
            user=user,
            key=f"import:{batch.pk}",
            defaults=dict(kind=Kind.IMPORT, import_batch=batch, subject=subject[:200], body=body),
        )
    transaction.on_commit(_enqueue_sending)


def _enqueue_sending() -> None:
    from .tasks import send_pending_notifications as task

    task.enqueue()


def _open_timings() -> QuerySet[StepTiming]:
    return StepTiming.objects.filter(left_at__isnull=True, due_at__isnull=False).select_related(
        "step", "unit", "item__holding_unit__body"
    )


class _Calendars(dict):
    """Each body's calendar, read once per run."""

    def __missing__(self, body_id):
        self[body_id] = calendar_for(body_id)
        return self[body_id]


def send_reminders(now: datetime.datetime) -> int:
    """Remind performers when at most LENTERA_REMINDER_HOURS office hours remain.

    A step whose whole standard fits in that window gets none: its arrival notice (or
    for a handling time, the page they opened) already said when it is due. A step in
    minutes or hours that nobody opened has no due time, so it is never reminded."""
    window = settings.LENTERA_REMINDER_HOURS * 60
    calendars, created = _Calendars(), 0
    # Only work due within the window of its body's calendar is read at all.
    horizon = Q(pk__in=[])
    for body_id in PublicBody.objects.values_list("pk", flat=True):
        end = calendars[body_id].add_office_minutes(now, window)
        horizon |= Q(body_id=body_id, due_at__lte=end)
    timings = (
        _open_timings().filter(horizon, due_at__gt=now).exclude(notifications__kind=Kind.REMINDER)
    )
    for timing in timings:
        calendar = calendars[timing.item.holding_unit.body_id]
        if calendar.office_minutes_between(now, timing.due_at) > window:
            continue
        counted_from = timing.counts_from or timing.entered_at
        if calendar.office_minutes_between(counted_from, timing.due_at) <= window:
            continue
        key = f"reminder:{timing.pk}"
        created += _notify(performers(timing), Kind.REMINDER, key, timing.item, timing, calendar)
    return created


def escalate_overdue(now: datetime.datetime) -> int:
    """Tell the performers and the next level (see next_level) about overdue work.

    Work in minutes or hours that nobody opened is waiting, not late: it has no due
    time until it is opened (the dashboard shows the wait)."""
    calendars, created = _Calendars(), 0
    timings = _open_timings().filter(due_at__lt=now).exclude(notifications__kind=Kind.OVERDUE)
    for timing in timings:
        calendar = calendars[timing.item.holding_unit.body_id]
        people = {user.pk: user for user in performers(timing) + next_level(timing)}
        key = f"overdue:{timing.pk}"
        created += _notify(people.values(), Kind.OVERDUE, key, timing.item, timing, calendar)
    return created


# Berkala refresh (UU 14/2008 Pasal 9 ayat 3)


def refresh_due_on(item: InformationItem, tz=None) -> datetime.date:
    """The day a listed berkala item is due for its next update (the model says)."""
    return item.next_update_on(tz)


def stale_berkala_items(user_or_body, today: datetime.date) -> QuerySet[InformationItem]:
    """Listed (documented or published) berkala items, not in an SOP pass, whose update
    interval has run out by `today`: of a body, or of the units a user sees in the office.
    Oldest first; each carries `last_listed_at`, the start of its period."""
    if isinstance(user_or_body, PublicBody):
        items = InformationItem.objects.filter(holding_unit__body=user_or_body)
        tz = calendar_for(user_or_body).tz
    else:
        items = InformationItem.objects.filter(office_items_q(user_or_body))
        tz = timezone.get_current_timezone()
    # Every listed item has listed_at (see InformationItem.last_updated), so the index
    # item_stale_berkala walks them longest since their last update first.
    items = items.annotate(last_listed_at=F("listed_at")).filter(
        category=Category.PERIODIC,
        status__in=LISTED_STATUSES,
        current_step__isnull=True,
        listed_at__isnull=False,
        update_interval_months__gt=0,  # 0: no interval (older items; now refused for berkala)
    )
    # The end of the period of each interval an item may have (models: at most 120
    # months), read beside the index walk: asking which intervals occur reads them all.
    cutoffs = {
        months: datetime.datetime.combine(
            _last_day_listed_before_due(today, months) + datetime.timedelta(days=1),
            datetime.time.min,
            tzinfo=tz,
        )
        for months in range(1, MAX_UPDATE_INTERVAL_MONTHS + 1)
    }
    period_end = Case(
        *(When(update_interval_months=months, then=Value(end)) for months, end in cutoffs.items()),
        default=Value(cutoffs[MAX_UPDATE_INTERVAL_MONTHS]),  # (only raw writes exceed it)
        output_field=DateTimeField(),
    )
    # A longer interval ends its period earlier: the one-month cutoff bounds the walk.
    due = Q(listed_at__lt=cutoffs[1]) & Q(listed_at__lt=period_end)
    return items.filter(due).select_related("holding_unit__body").order_by("listed_at", "pk")


def remind_berkala(now: datetime.datetime) -> int:
    """Remind the holding unit's officers, once per period, of berkala items due for update."""
    created = 0
    for body in PublicBody.objects.all():
        tz = calendar_for(body).tz
        reminded = Notification.objects.filter(
            item=OuterRef("pk"), kind=Kind.BERKALA, created_at__gte=OuterRef("last_listed_at")
        )
        items = stale_berkala_items(body, timezone.localdate(now, tz)).exclude(Exists(reminded))
        for item in items:
            due = refresh_due_on(item, tz)
            with translation.override(settings.LANGUAGE_CODE):
                facts = {
                    "months": item.update_interval_months,
                    "updated": _day(timezone.localdate(item.last_updated, tz)),
                    "due": _day(due),
                }
            officers = _users([item.holding_unit_id], [Role.OFFICER])
            key = f"berkala:{item.pk}:{due.isoformat()}"
            created += _notify(officers, Kind.BERKALA, key, item, **facts)
    return created


# Exemption expiry


def end_exemptions(now: datetime.datetime) -> int:
    """Return expired exemptions to review and tell the PPID Utama; how many returned."""
    returned = 0
    for body in PublicBody.objects.all():
        today = timezone.localdate(now, calendar_for(body).tz)
        for item in expired_exemptions(body, today):
            try:
                with transaction.atomic():
                    decision = return_to_review(item, today)
                    if decision is None:
                        continue
                    until = decision.exempt_until
                    with translation.override(settings.LANGUAGE_CODE):
                        facts = {
                            "until": _day(until),
                            "decision": decision.decree_number or _day(decision.decided_on),
                        }
                    key = f"exemption:{item.pk}:{until.isoformat()}"
                    _notify(_ppid_utama(item), Kind.EXEMPTION, key, item, **facts)
            except ActionRefused as refused:  # the unit has no SOP to follow
                logger.warning("exemption of item %s ended: %s", item.pk, refused)
                continue
            returned += 1
    return returned


# Sending


# A claim older than this belongs to a sender that died; its row is mailed again.
CLAIM_LEASE = datetime.timedelta(minutes=15)


def _is_connection_error(error: Exception) -> bool:
    """The server or the network is away (smtplib's errors are OSErrors too)."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _is_temporary(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= c < 500 for c in codes)
    return code is not None and 400 <= code < 500


def send_pending_notifications() -> dict[str, int]:
    """Email every notification not sent yet, each exactly once.

    A sender claims a row (claimed_at set where no live claim exists) before mailing
    it, so concurrent senders never mail it twice. A temporary failure (4xx, or the
    server away) releases the row for a later run; a permanent one (5xx, a message
    that cannot be built) is kept in `mail_error` and not retried, and never stops
    the other rows from going out."""
    counts = {"emailed": 0, "without_email": 0, "failed": 0}
    now = timezone.now()
    live_claim = Q(claimed_at__isnull=False, claimed_at__gte=now - CLAIM_LEASE)
    unsent = Notification.objects.filter(emailed_at__isnull=True, mail_error="")
    pending = list(unsent.exclude(live_claim).order_by("pk").values_list("pk", flat=True))
    connection = mail.get_connection()
    try:
        for pk in pending:
            claimed = unsent.filter(pk=pk).exclude(live_claim)
            if claimed.update(claimed_at=timezone.now()) != 1:
                continue  # another sender has it
            notification = Notification.objects.select_related("user").get(pk=pk)
            row = Notification.objects.filter(pk=pk)
            if not notification.user.email:
                row.update(emailed_at=timezone.now(), mail_error="no email address")
                counts["without_email"] += 1
                continue
            try:
                mail.EmailMessage(
                    notification.subject,
                    notification.body,
                    to=[notification.user.email],
                    connection=connection,
                ).send()
            except Exception as error:  # noqa: BLE001 - one bad message must not stop the rest
                counts["failed"] += 1
                logger.warning("notification %s not emailed: %s", pk, error)
                if _is_connection_error(error) or _is_temporary(error):
                    row.update(claimed_at=None)
                    if _is_connection_error(error):
                        break  # the server is away: a later run retries the rest
                else:
                    row.update(mail_error=str(error)[:300] or error.__class__.__name__)
            else:
                row.update(emailed_at=timezone.now())
                counts["emailed"] += 1
    finally:
        connection.close()
    return counts


def run(now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic part (`lentera deadlines run`): remind, escalate, refresh, end
    exemptions, then send; safe to run concurrently."""
    now = now or timezone.now()
    summary = {
        "reminders": send_reminders(now),
        "overdue": escalate_overdue(now),
        "berkala": remind_berkala(now),
        "exemptions_ended": end_exemptions(now),
    }
    summary.update(send_pending_notifications())
    return summary
