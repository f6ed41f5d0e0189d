from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_codes(apps, schema_editor):
    Placement = apps.get_model("talent", "Placement")
    Teacher = apps.get_model("talent", "Teacher")
    Placement.objects.update(
        teacher_code=Subquery(Teacher.objects.filter(pk=OuterRef("teacher_id")).values("code")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("talent", "0006_certificate_words_as_codes")]

    operations = [
        migrations.AddField(
            model_name="placement",
            name="teacher_code",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.RunPython(copy_codes, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(fields=["round", "teacher_code"], name="placement_round_code"),
        ),
    ]
