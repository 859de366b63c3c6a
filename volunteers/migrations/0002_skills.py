"""The usual skills, named in Chinese (the admin may rename them or add more);
the first six are also the codes of the care orders' kinds."""

from django.db import migrations

SKILLS = [
    ("meals", "送餐"), ("cleaning", "保洁"), ("haircut", "理发"), ("escort", "陪诊"), ("visit", "探访陪伴"),
    ("repairs", "维修"), ("events", "活动服务"), ("tutoring", "课业辅导"), ("health", "健康义诊"),
    ("legal", "法律咨询"), ("culture", "文艺"),
]


def add(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for i, (code, name) in enumerate(SKILLS):
        Skill.objects.get_or_create(code=code, defaults={"name": name, "order": i})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
