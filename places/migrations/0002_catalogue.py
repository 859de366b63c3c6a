"""The services of the seed article's stations, so that a new county starts with
a catalogue (the admin renames, adds or retires them; rows already there are
left alone)."""

from django.db import migrations

SERVICES = [
    ("rest", "歇脚休息", "A seat to rest"),
    ("hot-water", "热水", "Hot water"),
    ("charging", "手机充电", "Phone charging"),
    ("heating", "加热饭菜", "Food heating"),
    ("toilet", "卫生间", "Toilet"),
    ("warmth", "取暖纳凉", "Warm in winter, cool in summer"),
    ("first-aid", "应急药箱", "First-aid kit"),
    ("toolbox", "便民工具箱", "Toolbox"),
    ("umbrella", "爱心雨伞", "Umbrella loan"),
    ("books", "图书阅读", "Books"),
    ("printing", "打印复印", "Printing and copying"),
    ("wifi", "无线网络", "Wi-Fi"),
    ("information", "政策咨询", "Information and advice"),
    ("meals", "助老餐食", "Meals for elderly residents"),
    ("parcels", "快递代收", "Parcel collection"),
]


def forwards(apps, schema_editor):
    Service = apps.get_model("places", "Service")
    for order, (code, name, name_en) in enumerate(SERVICES, start=1):
        Service.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
