"""API tokens move to the accounts app (accounts 0001 takes the model's state): the
table is renamed, no row is copied."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AlterModelTable(name="apitoken", table="accounts_apitoken"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")]
        ),
    ]
