from django.db import migrations, models


def fill(apps, schema_editor):
    from places.models import week_text

    Place = apps.get_model("places", "Place")
    Hours = apps.get_model("places", "Hours")
    rows = {}
    for pk, *row in Hours.objects.values_list("place_id", "day", "opens", "closes"):
        rows.setdefault(pk, []).append(row)
    Place.objects.bulk_update([Place(pk=pk, week=week_text(r)) for pk, r in rows.items()], ["week"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("places", "0002_catalogue")]

    operations = [
        migrations.AddField(
            model_name="place",
            name="week",
            field=models.TextField(blank=True, editable=False, verbose_name="weekly hours",
                                   help_text="Copy of the Hours rows, as week_text() writes it."),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(model_name="specialday", index=models.Index(fields=["last"], name="specialday_last")),
    ]
