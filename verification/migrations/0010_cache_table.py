"""The database cache's table (config/settings.py CACHES), so `migrate` alone
makes a desk whose API rate limits hold across processes. With Redis as the
cache there is no table to make and this does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("verification", "0009_evidence_edit_actions")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
