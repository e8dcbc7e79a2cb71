"""The activity log, taken over from the SOP app (sop 0009 renamed its table): only the
model's state is created here; the rows and their hash chain stay as they were. The
verb column loses its choices: apps register their verbs at start-up."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_audit(apps, schema_editor):
    """Permissions follow the model: its content type changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="audit", model="activityevent").exists():
        ContentType.objects.filter(app_label="sop", model="activityevent").update(app_label="audit")


def content_type_to_sop(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="sop", model="activityevent").exists():
        ContentType.objects.filter(app_label="audit", model="activityevent").update(app_label="sop")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0004_membership_position"),
        ("register", "0010_step_intake"),
        ("sop", "0009_activity_log_moves_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActivityEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("verb", models.CharField(max_length=20, verbose_name="action")),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        (
                            "changes",
                            models.JSONField(blank=True, default=dict, verbose_name="changes"),
                        ),
                        ("created_at", models.DateTimeField(verbose_name="time")),
                        ("prev_hash", models.CharField(blank=True, max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="actor",
                            ),
                        ),
                        (
                            "item",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="register.informationitem",
                                verbose_name="information item",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organizations.unit",
                                verbose_name="unit",
                            ),
                        ),
                        (
                            "step",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sop.sopstep",
                                verbose_name="step",
                            ),
                        ),
                        (
                            "to_step",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sop.sopstep",
                                verbose_name="to step",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "activity event",
                        "verbose_name_plural": "activity events",
                        "ordering": ["id"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_audit, content_type_to_sop),
    ]
