"""Step timings name their item's body (an item moves only among its body's units), so
that a body's dashboard counts its work without reading every item. Filled from the
items here; made required in 0007 (PostgreSQL refuses to alter a table with the
updates' deferred checks pending in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_bodies(apps, schema_editor):
    StepTiming = apps.get_model("deadlines", "StepTiming")
    Item = apps.get_model("register", "InformationItem")
    body = Item.objects.filter(pk=OuterRef("item_id")).values("holding_unit__body_id")[:1]
    StepTiming.objects.update(body_id=Subquery(body))


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0005_step_opening"),
        ("organizations", "0001_initial"),
        ("register", "0005_step_due_and_update_interval"),
    ]

    operations = [
        migrations.AddField(
            model_name="steptiming",
            name="body",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.publicbody",
                verbose_name="public body",
            ),
        ),
        migrations.RunPython(fill_bodies, migrations.RunPython.noop, elidable=True),
    ]
