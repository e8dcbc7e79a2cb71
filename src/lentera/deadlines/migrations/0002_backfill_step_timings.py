"""Items already on a step get their timing and due time (default calendar)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from lentera.deadlines.calendar import WorkCalendar

    Item = apps.get_model("register", "InformationItem")
    Unit = apps.get_model("organizations", "Unit")
    StepTiming = apps.get_model("deadlines", "StepTiming")
    calendar = WorkCalendar()
    main_units = {u.body_id: u.pk for u in Unit.objects.filter(ppid_role="main")}
    for item in Item.objects.filter(current_step__isnull=False).select_related(
        "current_step", "holding_unit"
    ):
        step = item.current_step
        if step.performer_scope == "main_unit":
            unit_id = main_units.get(item.holding_unit.body_id)
        else:
            unit_id = item.holding_unit_id
        entered = item.step_entered_at or item.updated_at
        due = calendar.due(entered, step.time_amount, step.time_unit)
        StepTiming.objects.create(
            item=item, step=step, unit_id=unit_id, entered_at=entered, due_at=due
        )
        Item.objects.filter(pk=item.pk).update(step_due_at=due)


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("register", "0005_step_due_and_update_interval"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
