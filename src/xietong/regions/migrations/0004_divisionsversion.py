from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_boundary")]

    operations = [
        migrations.CreateModel(
            name="DivisionsVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]
