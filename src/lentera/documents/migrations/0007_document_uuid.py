"""A stable identity per document (the CKAN resource id, the DCAT distribution)."""

import uuid

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    batch = []
    for document in Document.objects.only("pk").iterator(chunk_size=BATCH):
        document.uuid = uuid.uuid4()
        batch.append(document)
        if len(batch) == BATCH:
            Document.objects.bulk_update(batch, ["uuid"])
            batch = []
    Document.objects.bulk_update(batch, ["uuid"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_extraction_lease")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="document",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier"
            ),
        ),
    ]
