"""The page cache's data generation on PostgreSQL (pairing/page_cache.py): a sequence, moved after
every committed write a page could show. Other databases keep it in the cache."""

from django.db import migrations

SEQUENCE = "pairing_data_generation"  # pairing.page_cache.SEQUENCE


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("pairing", "0011_scheduled_run_once")]

    operations = [migrations.RunPython(create, drop)]
