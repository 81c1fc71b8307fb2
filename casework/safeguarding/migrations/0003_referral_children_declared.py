"""Declare the table behind Referral.children (Django's implicit one, unchanged in the database) as the
model ReferralChild, so that its rows can be tracked in history (next migration)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0006_history_of_deletions_append_only_education_settings"),
        ("safeguarding", "0002_deadline_per_child"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReferralChild",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "child",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="children.child",
                            ),
                        ),
                        (
                            "referral",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="safeguarding.referral",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "safeguarding_referral_children",
                        "unique_together": {("referral", "child")},
                    },
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="children",
                    field=models.ManyToManyField(
                        related_name="referrals", through="safeguarding.ReferralChild", to="children.child"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
