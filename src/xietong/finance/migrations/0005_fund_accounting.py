"""Fund accounting: restricted and unrestricted net assets, closed periods, the functional
classification of disbursements, explanations as records (see 0006 for the data)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0004_alter_contributionround_status_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="contributionround",
            name="project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rounds",
                to="finance.jointproject",
                verbose_name="earmarked for the joint project",
            ),
        ),
        migrations.AddField(
            model_name="disbursement",
            name="function_code",
            field=models.CharField(
                default="2059999", max_length=7, verbose_name="functional classification"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="fund",
            name="closed_through",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="closed through"
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="kind",
            field=models.CharField(
                choices=[
                    ("cash", "Cash"),
                    ("receivable", "Due from member"),
                    ("clearing", "Settlement clearing"),
                    ("income", "Income"),
                    ("expense", "Expense"),
                    ("net_assets", "Net assets"),
                ],
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="charge",
            name="explanation_record",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="contributionround",
            name="explanation_record",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="contributionround",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("frozen", "Rule frozen, awaiting approval"),
                    ("called", "Called for payment"),
                    ("withdrawn", "Withdrawn"),
                    ("closed", "Closed, restriction released"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="jointproject",
            name="explanation_record",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="jointproject",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("frozen", "Rule frozen, awaiting approval"),
                    ("called", "Called for payment"),
                    ("withdrawn", "Withdrawn"),
                    ("closed", "Closed, restriction released"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("call", "Call for payment"),
                    ("receipt", "Receipt"),
                    ("disbursement", "Disbursement"),
                    ("donation", "Donation"),
                    ("settlement", "Settlement"),
                    ("transfer", "Settlement transfer"),
                    ("manual", "Manual entry"),
                    ("reversal", "Reversal"),
                    ("release", "Release of a restriction"),
                    ("closing", "Closing of a period"),
                    ("opening", "Restricted funds brought forward"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="AccountingPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.CharField(max_length=20, verbose_name="period")),
                ("date_from", models.DateField(verbose_name="from")),
                ("date_to", models.DateField(verbose_name="to")),
                ("closed_at", models.DateTimeField(auto_now_add=True, verbose_name="closed at")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "closing_entry",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="finance.journalentry",
                    ),
                ),
                (
                    "fund",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="periods",
                        to="finance.fund",
                    ),
                ),
            ],
            options={
                "verbose_name": "closed period",
                "verbose_name_plural": "closed periods",
                "ordering": ["fund", "date_to"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("fund", "period"), name="finance_period_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("date_from__lte", models.F("date_to"))),
                        name="finance_period_dates",
                    ),
                ],
            },
        ),
    ]
