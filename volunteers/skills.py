"""The usual skills, named in Chinese (the admin may rename them or add more);
the first six are also the codes of the care orders' kinds. Migration 0002
writes them; `ensure()` writes them again where a database lost them (a test
database flushed by a transactional test, a county that deleted one)."""

SKILLS = [
    ("meals", "送餐"), ("cleaning", "保洁"), ("haircut", "理发"), ("escort", "陪诊"), ("visit", "探访陪伴"),
    ("repairs", "维修"), ("events", "活动服务"), ("tutoring", "课业辅导"), ("health", "健康义诊"),
    ("legal", "法律咨询"), ("culture", "文艺"),
]


def ensure(model=None) -> None:
    if model is None:
        from .models import Skill as model
    for i, (code, name) in enumerate(SKILLS):
        model.objects.get_or_create(code=code, defaults={"name": name, "order": i})
