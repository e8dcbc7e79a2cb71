"""A stable identity per item (UUID and CKAN name) and the date it was first listed."""

import uuid

from django.db import migrations, models
from django.db.models import Min
from django.utils.text import slugify

BATCH = 2000


def fill(apps, schema_editor):
    Item = apps.get_model("register", "InformationItem")
    Event = apps.get_model("audit", "ActivityEvent")
    first = dict(
        Event.objects.filter(verb__in=["publish", "document"], item__isnull=False)
        .values("item")
        .annotate(first=Min("created_at"))
        .values_list("item", "first")
    )
    batch = []
    for item in Item.objects.only("pk", "title", "listed_at").iterator(chunk_size=BATCH):
        item.uuid = uuid.uuid4()
        if item.listed_at:  # listed: its title was approved
            words = slugify(item.title)[:80].strip("-_") or "informasi"
            item.slug = f"{words}-{item.uuid.hex[:12]}"
            item.first_listed_at = min(first.get(item.pk, item.listed_at), item.listed_at)
        batch.append(item)
        if len(batch) == BATCH:
            Item.objects.bulk_update(batch, ["uuid", "slug", "first_listed_at"])
            batch = []
    Item.objects.bulk_update(batch, ["uuid", "slug", "first_listed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0010_step_intake"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="informationitem",
            name="first_listed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first listed in the DIP at"
            ),
        ),
        migrations.AddField(
            model_name="informationitem",
            name="slug",
            field=models.SlugField(blank=True, editable=False, max_length=100, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="informationitem",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="informationitem",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier"
            ),
        ),
    ]
