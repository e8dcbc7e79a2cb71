"""Step timings record when a performer opened the work. A step in minutes or hours is
due from that opening: the work waiting at one now has not been opened (as far as
anyone knows), so it waits without a due time until a performer opens it. Finished
timings keep their figures: without an opening, their whole stay counts."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

HANDLING_UNITS = ("minutes", "hours")


def _waiting_at_handling_steps(apps):
    StepTiming = apps.get_model("deadlines", "StepTiming")
    return StepTiming.objects.filter(
        left_at__isnull=True, step__time_unit__in=HANDLING_UNITS, step__time_amount__isnull=False
    )


def wait_for_opening(apps, schema_editor):
    Item = apps.get_model("register", "InformationItem")
    waiting = _waiting_at_handling_steps(apps).filter(opened_at__isnull=True)
    Item.objects.filter(
        pk__in=waiting.values("item_id"), current_step__time_unit__in=HANDLING_UNITS
    ).update(step_due_at=None)
    waiting.update(due_at=None)


def due_from_arrival(apps, schema_editor):
    # Back to counting from the arrival, opened or not, on the default calendar as 0002
    # did; a body's own calendar applies again at its next calendar edit.
    from lentera.deadlines.calendar import WorkCalendar

    Item = apps.get_model("register", "InformationItem")
    calendar = WorkCalendar()
    for timing in _waiting_at_handling_steps(apps).select_related("step"):
        timing.due_at = calendar.due(
            timing.entered_at, timing.step.time_amount, timing.step.time_unit
        )
        timing.save(update_fields=["due_at"])
        Item.objects.filter(pk=timing.item_id, current_step_id=timing.step_id).update(
            step_due_at=timing.due_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0004_calendar_hours_check"),
        ("register", "0005_step_due_and_update_interval"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="steptiming",
            name="opened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="opened at"),
        ),
        migrations.AddField(
            model_name="steptiming",
            name="opened_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="opened by",
            ),
        ),
        migrations.RunPython(wait_for_opening, due_from_arrival),
    ]
