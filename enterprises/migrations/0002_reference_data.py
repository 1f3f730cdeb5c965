from django.db import migrations


def load(apps, schema_editor):
    from enterprises.reference import TAGS, industry_rows

    Industry = apps.get_model("enterprises", "Industry")
    Tag = apps.get_model("enterprises", "Tag")
    sections = {}
    for code, name, parent in industry_rows():
        industry, _ = Industry.objects.update_or_create(
            code=code, defaults={"name": name, "parent": sections.get(parent)}
        )
        if parent is None:
            sections[code] = industry
    for code, name in TAGS:
        Tag.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    from enterprises.reference import TAGS, industry_rows

    Industry = apps.get_model("enterprises", "Industry")
    Tag = apps.get_model("enterprises", "Tag")
    Tag.objects.filter(code__in=[code for code, _ in TAGS], enterprises__isnull=True).delete()
    codes = [code for code, _name, _parent in industry_rows()]
    Industry.objects.filter(code__in=codes, parent__isnull=False, enterprises__isnull=True).delete()
    Industry.objects.filter(code__in=codes, divisions__isnull=True, enterprises__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
