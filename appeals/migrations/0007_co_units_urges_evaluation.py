"""Co-units get their own part (CoUnit, the through model of Appeal.co_units);
urges are counted; the reply's on-time flag, the call-back and the evaluation's
channel are stored on the request; tracking numbers no longer need a day
counter, and the phone-digit tries go with the phone-digit proof."""

import django.db.models.deletion
from django.db import migrations, models


def copy_co_units(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    CoUnit = apps.get_model("appeals", "CoUnit")
    Through = Appeal._meta.get_field("co_units").remote_field.through
    CoUnit.objects.bulk_create(
        [CoUnit(appeal_id=row.appeal_id, unit_id=row.unit_id) for row in Through.objects.all()],
        ignore_conflicts=True,
    )


def stamp_reply_on_time(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    replied = Appeal.objects.filter(replied_at__isnull=False)
    on_time = models.Q(handle_due__isnull=True) | models.Q(replied_at__lte=models.F("handle_due"))
    replied.filter(on_time).update(reply_on_time=True)
    replied.exclude(on_time).update(reply_on_time=False)


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0001_initial'),
        ('appeals', '0006_phone_tries'),
    ]

    operations = [
        migrations.CreateModel(
            name='CoUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signed_at', models.DateTimeField(blank=True, null=True, verbose_name='signed for')),
                ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='replied')),
                ('content', models.TextField(blank=True, verbose_name='reply to the lead unit')),
                ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='co_parts', to='appeals.appeal')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='co_parts', to='organisations.unit', verbose_name='co-unit')),
            ],
            options={
                'verbose_name': 'co-unit part',
                'verbose_name_plural': 'co-unit parts',
                'ordering': ['pk'],
                'constraints': [models.UniqueConstraint(fields=('appeal', 'unit'), name='co_unit_once')],
            },
        ),
        migrations.RunPython(copy_co_units, migrations.RunPython.noop),
        migrations.RemoveField(model_name='appeal', name='co_units'),
        migrations.AddField(
            model_name='appeal',
            name='co_units',
            field=models.ManyToManyField(blank=True, related_name='co_appeals', through='appeals.CoUnit', to='organisations.unit', verbose_name='co-units'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='urge_count',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='urged'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='last_urged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last urged'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='reply_on_time',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='appeal',
            name='callback_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='called back'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='evaluated_via',
            field=models.CharField(blank=True, choices=[('page', "the resident's page"), ('api', 'an app (API)'), ('callback', 'a call-back')], max_length=12, verbose_name='evaluated through'),
        ),
        migrations.RunPython(stamp_reply_on_time, migrations.RunPython.noop),
        migrations.DeleteModel(name='DailyCounter'),
        migrations.DeleteModel(name='PhoneTries'),
    ]
