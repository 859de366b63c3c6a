"""The response limit (响应时限): from the sign-for to the unit's first contact
(start, reply or return), counted by the response rate of the figures."""

from decimal import Decimal

from django.db import migrations, models

DEFAULTS = [("", "1", "work_days"), ("urgent", "2", "hours")]


def add_defaults(apps, schema_editor):
    TimeLimit = apps.get_model("appeals", "TimeLimit")
    for urgency, amount, clock in DEFAULTS:
        TimeLimit.objects.get_or_create(step="respond", urgency=urgency, appeal_type="", category=None,
                                        defaults={"amount": Decimal(amount), "clock": clock})


class Migration(migrations.Migration):
    dependencies = [("appeals", "0007_co_units_urges_evaluation")]
    operations = [
        migrations.AlterField(
            model_name="timelimit", name="step",
            field=models.CharField(choices=[
                ("dispatch", "Register and dispatch"), ("sign", "Sign for or return"),
                ("respond", "Contact the resident (from the sign-for)"), ("handle", "Handle and reply"),
                ("evaluate", "Evaluation window"), ("supervise", "Supervision")],
                max_length=16, verbose_name="step"),
        ),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
