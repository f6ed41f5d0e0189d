from django.db import migrations

# This step used to install the entry triggers unless settings.XIETONG_AUDIT_TRIGGERS was False.
# 0004 now installs every audit guard unconditionally (and post_migrate re-installs them), so it is
# kept only for the migration history.


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
