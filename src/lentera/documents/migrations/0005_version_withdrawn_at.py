from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def mark_offline(apps, schema_editor):
    """Versions that were offline under the old rules stay offline: those of deleted
    documents (offline since the deletion) and those of withdrawn items."""
    Document = apps.get_model("documents", "Document")
    DocumentVersion = apps.get_model("documents", "DocumentVersion")
    published = DocumentVersion.objects.filter(
        published_at__isnull=False, withdrawn_at__isnull=True
    )
    published.filter(document__deleted_at__isnull=False).update(
        withdrawn_at=Subquery(
            Document.objects.filter(pk=OuterRef("document_id")).values("deleted_at")[:1]
        )
    )
    published.filter(document__item__status="withdrawn").update(withdrawn_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_deletion_extraction_fixity_movements"),
        ("register", "0008_approval_fingerprint"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentversion",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="taken offline at"),
        ),
        migrations.RunPython(mark_offline, migrations.RunPython.noop),
    ]
