"""A body's compliance dashboard (Mutu Baku): waiting, time taken, handling, on time,
overdue."""

import csv
import datetime
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lentera.deadlines.notify import refresh_due_on, stale_berkala_items
from lentera.deadlines.selectors import Dashboard, Figures, compliance
from lentera.organizations.selectors import member_bodies
from lentera.register.dip_table import inert
from lentera.sop.constants import TimeUnit

from .views import chosen_body

PERIODS = (30, 90, 365)  # days of arrivals the figures cover
DEFAULT_PERIOD = 90
DAY_STANDARDS = (TimeUnit.WORKING_DAYS, TimeUnit.WEEKS)
# Chart geometry, in SVG user units.
# Each bar under its label, its figure beside it: 400 units wide, so that a phone
# shows the chart whole at nine tenths of its size and a desktop at full size.
ROW_HEIGHT, BAR_HEIGHT, LABEL_HEIGHT = 42, 16, 16
BAR_WIDTH, CHART_WIDTH = 300, 400
LABEL_CHARS = 50  # bold 12 px text within the chart's 400 units
STALE_SHOWN = 50  # periodic items due for an update listed, longest since their update first


def office_duration(minutes: float | None, day_minutes: int, time_unit: str = "") -> str:
    """Office time as suits a time standard: working days for a standard in days or
    weeks, hours and minutes for a shorter one; by its size when there is none. Less
    than a minute is said in seconds."""
    if minutes is None:
        return "—"
    if 0 < minutes and (seconds := round(minutes * 60)) < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if time_unit in DAY_STANDARDS or (
        time_unit not in (TimeUnit.MINUTES, TimeUnit.HOURS) and minutes >= day_minutes
    ):
        days = round(minutes / day_minutes, 1)
        return ngettext("%(n)s working day", "%(n)s working days", 1 if days == 1 else 2) % {
            "n": number_format(days, decimal_pos=0 if days == int(days) else 1)
        }
    hours, rest = divmod(round(minutes), 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    return ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}


def calendar_duration(elapsed: datetime.timedelta | None) -> str:
    """Elapsed (calendar) time, rounded as a person would say it."""
    if elapsed is None:
        return "—"
    hours = elapsed.total_seconds() / 3600
    if hours >= 24:
        days = round(hours / 24, 1)
        n = number_format(days, decimal_pos=0 if days == int(days) else 1)
        return ngettext("%(n)s day", "%(n)s days", 1 if days == 1 else 2) % {"n": n}
    if hours >= 1:
        n = number_format(round(hours, 1), decimal_pos=1)
        return ngettext("%(n)s hour", "%(n)s hours", 1 if hours == 1 else 2) % {"n": n}
    minutes = round(elapsed.total_seconds() / 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def on_time_text(figures: Figures) -> str:
    if figures.on_time_share is None:
        return _("no time standard") if figures.finished else _("no finished work")
    return _("%(percent)d%% on time (%(on_time)d of %(total)d)") % {
        "percent": figures.on_time_percent,
        "on_time": figures.on_time,
        "total": figures.with_due,
    }


@dataclass
class Bar:
    label: str  # shortened to fit beside the bar
    full_label: str
    percent: int | None
    text: str
    y: int

    @property
    def width(self) -> float:
        return BAR_WIDTH * (self.percent or 0) / 100

    @property
    def label_y(self) -> int:
        return self.y + LABEL_HEIGHT - 4

    @property
    def bar_y(self) -> int:
        return self.y + LABEL_HEIGHT + 2

    @property
    def text_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 3

    @property
    def text_x(self) -> float:
        """The figure: after the bar, or where the bar would start when there is none."""
        return BAR_WIDTH + 8 if self.percent is not None else 0


@dataclass
class BarChart:
    """A horizontal bar chart of on-time shares, drawn as inline SVG by the template."""

    id: str
    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars) + 8

    geometry = {"width": CHART_WIDTH, "bar_width": BAR_WIDTH, "bar_height": BAR_HEIGHT}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def on_time_chart(chart_id: str, title: str, rows: list[Figures]) -> BarChart:
    bars = [
        Bar(
            _short(row.label), row.label, row.on_time_percent, on_time_text(row), i * ROW_HEIGHT + 4
        )
        for i, row in enumerate(rows)
    ]
    return BarChart(chart_id, title, bars)


def _period(request) -> int:
    try:
        days = int(request.GET.get("periode", DEFAULT_PERIOD))
    except ValueError:
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def _describe(board: Dashboard) -> None:
    """Give every row its figures as text, in the unit that suits its standard."""
    day = board.office_day_minutes
    for row in board.steps:
        unit = row.time_unit if row.has_standard else ""
        row.median_text = office_duration(row.median_office_minutes, day, unit)
        if row.handling:
            row.handling_text = office_duration(row.median_handling_minutes, day, unit)
            row.waiting_text = office_duration(row.median_waiting_minutes, day)
    for row in board.units:
        row.median_text = office_duration(row.median_office_minutes, day)
    for row in [*board.steps, *board.units]:
        row.median_calendar_text = calendar_duration(row.median_elapsed)
        row.on_time_text = on_time_text(row)
    for late in board.overdue:
        late.late_text = office_duration(late.late_office_minutes, day)
        late.late_calendar_text = calendar_duration(late.late_by)


def _per_sop(board: Dashboard) -> list[dict]:
    """The step rows of each SOP the body follows, with their chart."""
    names = list(dict.fromkeys(row.sop_name for row in board.steps))
    sops = []
    for i, name in enumerate(names, start=1):
        rows = [row for row in board.steps if row.sop_name == name]
        title = _("Finished on time, per step of %(sop)s") % {"sop": name}
        sops.append(
            {"name": name, "steps": rows, "chart": on_time_chart(f"chart-sop-{i}", title, rows)}
        )
    return sops


@login_required
def dashboard(request):
    bodies = list(member_bodies(request.user))
    body = chosen_body(request, bodies)
    days = _period(request)
    context = {"bodies": bodies, "body": body, "periods": PERIODS, "days": days}
    if body is None:
        return render(request, "office/dashboard.html", context)
    now = timezone.now()
    board = compliance(body, request.user, since=now - datetime.timedelta(days=days), now=now)
    _describe(board)
    tz = board.calendar.tz
    stale = list(stale_berkala_items(body, now.astimezone(tz).date())[: STALE_SHOWN + 1])
    stale_more = len(stale) > STALE_SHOWN  # (counting them all reads every one)
    stale = stale[:STALE_SHOWN]
    for item in stale:
        item.refresh_due = refresh_due_on(item, tz)
    if request.GET.get("tabel") in CSV_TABLES:
        everything = stale_berkala_items(body, now.astimezone(tz).date())[:CSV_STALE_ROWS]
        return _csv(request.GET["tabel"], board, tz, everything, body)
    context.update(
        board=board,
        tz=tz,
        stale=stale,
        stale_more=stale_more,
        sops=_per_sop(board),
        unit_chart=on_time_chart("chart-units", _("Finished on time, per unit"), board.units),
    )
    return render(request, "office/dashboard.html", context)


# Each table of the page as CSV (?tabel=…), for a spreadsheet or a report.
CSV_TABLES = ("terlambat", "langkah", "unit", "berkala")
CSV_STALE_ROWS = 10_000


def _csv(table: str, board: Dashboard, tz, stale, body) -> HttpResponse:
    if table == "terlambat":
        header = [_("Information"), _("Unit"), _("Step"), _("Due"), _("Late by")]
        rows = [
            [
                late.timing.item.title,
                late.timing.unit.name if late.timing.unit else _("The application itself"),
                f"{late.timing.step.number}. {late.timing.step.activity}",
                late.timing.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                late.late_text,
            ]
            for late in board.overdue
        ]
    elif table == "langkah":
        header = [_("SOP"), _("Step"), _("Time standard"), _("Waiting now"), _("Overdue now"),
                  _("Finished"), _("Median office minutes"), _("Finished on time")]  # fmt: skip
        rows = [
            [row.sop_name, f"{row.number}. {row.activity}", row.standard, row.waiting,
             row.overdue, row.finished, _minutes(row.median_office_minutes), row.on_time_text]
            for row in board.steps
        ]  # fmt: skip
    elif table == "unit":
        header = [_("Unit"), _("Waiting now"), _("Overdue now"), _("Finished"),
                  _("Median office minutes"), _("Finished on time")]  # fmt: skip
        rows = [
            [row.label, row.waiting, row.overdue, row.finished,
             _minutes(row.median_office_minutes), row.on_time_text]
            for row in board.units
        ]  # fmt: skip
    else:
        header = [_("Information"), _("Holding unit"), _("Last updated"), _("Update due")]
        rows = [
            [item.title, item.holding_unit.name,
             timezone.localdate(item.last_updated, tz).isoformat(),
             refresh_due_on(item, tz).isoformat()]
            for item in stale
        ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(inert(row) for row in rows)
    name = f"dasbor-{body.slug}-{table}.csv"
    return HttpResponse(
        "\ufeff" + out.getvalue(),  # a BOM: spreadsheets read the file as UTF-8
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _minutes(value) -> str:
    return "" if value is None else f"{value:.0f}"
