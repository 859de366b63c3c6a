"""The default time limits of SPEC §2.3; the admin edits them afterwards."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # step, urgency, type, amount, clock
    ("dispatch", "", "", "4", "work_hours"),
    ("dispatch", "urgent", "", "0.5", "hours"),
    ("sign", "", "", "1", "work_days"),
    ("sign", "urgent", "", "0.5", "hours"),
    ("handle", "", "", "5", "work_days"),
    ("handle", "", "question", "3", "work_days"),
    ("handle", "urgent", "", "24", "hours"),
    ("evaluate", "", "", "7", "days"),
    ("supervise", "", "", "3", "work_days"),
]


def add_defaults(apps, schema_editor):
    TimeLimit = apps.get_model("appeals", "TimeLimit")
    for step, urgency, kind, amount, clock in DEFAULTS:
        TimeLimit.objects.get_or_create(
            step=step, urgency=urgency, appeal_type=kind, category=None,
            defaults={"amount": Decimal(amount), "clock": clock},
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
