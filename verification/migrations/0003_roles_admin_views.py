"""Re-apply the role permissions: admins may now view accounts, groups,
notifications and worker heartbeats in the admin (sources/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def refresh_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from sources.roles import ensure_roles

    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("verification", "0002_roles")]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
