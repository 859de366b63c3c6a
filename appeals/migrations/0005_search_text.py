"""Appeal.search_text (appeals.search), filled for existing requests, and on
PostgreSQL its GIN index. The index expression must stay the one
appeals.search.matching() writes."""

from django.db import migrations, models

INDEX = "appeal_search"


def fill(apps, schema_editor):
    from appeals.search import document

    Appeal = apps.get_model("appeals", "Appeal")
    batch = []
    rows = Appeal.objects.only("title", "description", "address", "tracking_no").order_by("pk")
    for appeal in rows.iterator(chunk_size=2000):
        appeal.search_text = document(appeal.title, appeal.description, appeal.address, appeal.tracking_no)
        batch.append(appeal)
        if len(batch) == 2000:
            Appeal.objects.bulk_update(batch, ["search_text"])
            batch = []
    Appeal.objects.bulk_update(batch, ["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON appeals_appeal "
            "USING gin (array_to_tsvector(string_to_array(search_text, ' ')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_queue_indexes")]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
