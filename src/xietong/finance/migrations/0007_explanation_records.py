"""The explanation records (0006) replace the English sentences."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("finance", "0006_fund_accounting_data")]

    operations = [
        op
        for model in ("charge", "contributionround", "jointproject")
        for op in (
            migrations.RemoveField(model_name=model, name="explanation"),
            migrations.RenameField(
                model_name=model, old_name="explanation_record", new_name="explanation"
            ),
        )
    ]
