from django.db import migrations


def forwards(apps, schema_editor):
    from xietong.schools.catalogue import CATALOGUE

    Indicator = apps.get_model("schools", "Indicator")
    for pos, d in enumerate(CATALOGUE):
        Indicator.objects.update_or_create(
            code=d.code,
            defaults=dict(
                kind=d.kind,
                name_zh=d.name_zh,
                name_en=d.name_en,
                unit_zh=d.unit_zh,
                unit_en=d.unit_en,
                definition_zh=d.definition_zh,
                definition_en=d.definition_en,
                numerator_id=d.numerator,
                denominator_id=d.denominator,
                scale=d.scale,
                integral=d.integral,
                position=pos,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
