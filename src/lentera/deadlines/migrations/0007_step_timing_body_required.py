import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0006_step_timing_body")]

    operations = [
        migrations.AlterField(
            model_name="steptiming",
            name="body",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.publicbody",
                verbose_name="public body",
            ),
        ),
        migrations.AddIndex(
            model_name="steptiming",
            index=models.Index(fields=["body", "left_at"], name="deadlines_s_body_id_21d2e6_idx"),
        ),
    ]
