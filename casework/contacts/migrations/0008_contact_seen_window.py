"""An index for the children seen in a window of days (the fortnightly return), built CONCURRENTLY so a
council's live contacts table is not locked against writes while it is made."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("contacts", "0007_protection_acknowledged")]

    operations = [
        AddIndexConcurrently(
            model_name="contact",
            index=models.Index(
                fields=["la", "occurred_at"],
                include=["child", "mode"],
                condition=models.Q(access_refused=False, child_seen=True),
                name="contact_seen_window",
            ),
        ),
    ]
