from django.db import migrations


def forwards(apps, schema_editor):
    from xietong.audit.triggers import install

    install(schema_editor.connection)  # whatever any setting says: see xietong/audit/triggers.py


def backwards(apps, schema_editor):
    from xietong.audit.triggers import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_checkpoints")]
    operations = [migrations.RunPython(forwards, backwards)]
