from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    from xietong.finance import triggers

    triggers.install_balance_check(schema_editor.connection)
    if getattr(settings, "XIETONG_AUDIT_TRIGGERS", True):
        triggers.install_append_only(schema_editor.connection)


def backwards(apps, schema_editor):
    from xietong.finance import triggers

    triggers.uninstall_append_only(schema_editor.connection)
    triggers.uninstall_balance_check(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
