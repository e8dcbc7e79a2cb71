"""The activity log leaves the SOP app for the audit app (issue 19). No row is copied:
the table is renamed and the model's state moves; audit 0001 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("sop", "0008_step_intake")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="activityevent", table="audit_activityevent"),
            ],
            state_operations=[migrations.DeleteModel(name="ActivityEvent")],
        ),
    ]
