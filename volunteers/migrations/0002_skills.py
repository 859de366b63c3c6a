from django.db import migrations

from volunteers.skills import ensure


def add(apps, schema_editor):
    ensure(apps.get_model("volunteers", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
