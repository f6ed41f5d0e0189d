from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    from xietong.audit.triggers import install

    if getattr(settings, "XIETONG_AUDIT_TRIGGERS", True):
        install(schema_editor.connection)


def backwards(apps, schema_editor):
    from xietong.audit.triggers import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
