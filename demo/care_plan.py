"""The demo's one person, one plan (一人一案, care_plan app): the disabled residents
of 花城社区 — sixteen of them, every category and grade — each visited at home
(访视摸排) and assessed (科学评估), with the plan items their needs became in
every state (waiting, arranged, under way, done, no longer needed) and the
services of the last five months: devices fitted, rehabilitation sessions, two
job fairs (the community's and the town's) and two placements, two homes made
accessible, and visits with support money. A few views of the records make the
federation head's access log.

The services are a fixed table (below), so that the figures can be counted by
hand: 24 home visits of 16 people, 11 devices, 5 people in rehabilitation (26
sessions), 2 job fairs (6 attendances), 2 people newly employed, 2 homes, 6
households visited with ¥6,100.50. Names are drawn like the requests' and the
numbers are plainly fake: phones 1390004xxxx, certificate numbers in the real
format (an identity number, the category, the grade) but of the region code
652399, which no county has. Everything is written through care_plan.services
on a clock set to each record's day, as the stories are."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.db.models import Q
from django.utils import timezone

from care_plan import crypto, services
from care_plan.models import DISABILITY_DIGIT, JobFair, Person, PlanItem, VisitPhoto
from organisations.models import PersonalDataView

from . import texts

COMMUNITY = "HTB-HTBZ-HC"  # 花城社区
REGION = "652399"  # no county has this code: the numbers are plainly invented
MOBILE = "1390004{:04d}"
GUARDIAN_MOBILE = "1390004{:04d}"  # + 500

# (category, grade, born, has a guardian)
PEOPLE = [
    ("physical", "2", 1958, False), ("vision", "1", 1949, True), ("hearing", "3", 1972, False),
    ("intellectual", "2", 1996, True), ("physical", "4", 1981, False), ("mental", "3", 1977, True),
    ("speech", "4", 2009, True), ("physical", "1", 1965, True), ("multiple", "1", 1990, True),
    ("hearing", "2", 1953, False), ("physical", "3", 1988, False), ("vision", "2", 1962, False),
    ("intellectual", "3", 2001, True), ("physical", "2", 1970, False), ("mental", "2", 1985, True),
    ("physical", "4", 1993, False),
]
DEVICE = {"physical": "轮椅", "vision": "盲杖", "hearing": "助听器", "speech": "语言沟通板", "multiple": "护理床"}
FOUND = ["行动不便，家中地面有门槛，卫生间没有扶手", "独自在家时间长，家属希望有人定期上门",
         "有就业意愿，希望找到离家近的工作", "康复训练中断半年，肌力下降", "家庭收入低，药费负担重",
         "辅具老旧需要更换", "孩子在特殊教育学校就读，假期缺少康复", "精神状况稳定，按时服药，需要社区关注"]

# Each person's needs, by index: (area, priority, what the plan item says).
NEEDS = {
    0: [("device", "needed", "适配轮椅"), ("accessibility", "urgent", "卫生间加装扶手、去除门槛")],
    1: [("device", "needed", "适配盲杖"), ("income", "urgent", "生活困难补助")],
    2: [("device", "needed", "适配助听器"), ("income", "needed", "临时生活补助")],
    3: [("rehabilitation", "needed", "智力康复训练")],
    4: [("device", "needed", "更换轮椅"), ("employment", "needed", "推荐就业岗位")],
    5: [("income", "needed", "困难残疾人生活补贴")],
    6: [("rehabilitation", "urgent", "言语康复训练"), ("education", "needed", "联系职业学校就读")],
    7: [("device", "needed", "适配轮椅"), ("rehabilitation", "needed", "肢体康复训练"),
        ("accessibility", "urgent", "入户坡道改造"), ("income", "needed", "重度残疾人护理补贴")],
    8: [("device", "urgent", "适配护理床"), ("rehabilitation", "needed", "上门康复训练"),
        ("income", "urgent", "生活困难补助")],
    9: [("device", "needed", "适配助听器"), ("income", "needed", "节日走访慰问")],
    10: [("employment", "needed", "推荐就业岗位")],
    11: [("device", "needed", "适配盲杖"), ("accessibility", "needed", "厨房无障碍改造")],
    12: [("rehabilitation", "needed", "智力康复训练"), ("education", "needed", "送教上门")],
    13: [("device", "needed", "适配轮椅"), ("employment", "needed", "推荐就业岗位")],
    14: [("income", "needed", "困难残疾人生活补贴")],
    15: [("employment", "urgent", "推荐就业岗位")],
}
# What became of each plan item (person, area) -> final state; the others wait to be arranged.
OUTCOME = {
    (0, "device"): "done", (0, "accessibility"): "done", (1, "device"): "done", (1, "income"): "done",
    (2, "device"): "done", (2, "income"): "cancelled", (3, "rehabilitation"): "in_progress",
    (4, "device"): "done", (4, "employment"): "planned", (5, "income"): "done",
    (6, "rehabilitation"): "in_progress", (6, "education"): "planned", (7, "device"): "done",
    (7, "rehabilitation"): "done", (7, "accessibility"): "done", (7, "income"): "done", (8, "device"): "done",
    (8, "rehabilitation"): "in_progress", (8, "income"): "done", (9, "device"): "done", (9, "income"): "done",
    (10, "employment"): "done", (11, "device"): "done", (11, "accessibility"): "in_progress",
    (13, "device"): "done", (13, "employment"): "in_progress", (14, "income"): "done", (15, "employment"): "done",
}
REHAB_SESSIONS = {3: 6, 6: 8, 7: 3, 8: 4, 12: 5}  # weekly, the last ones in the past few weeks
SUPPORT = [(1, "1000.00"), (5, "800.00"), (7, "1500.00"), (8, "1200.00"), (9, "500.00"), (14, "800.00"),
           (8, "300.50")]  # the second, at 8's: the Spring Festival's
PLACEMENTS = {10: "花城便民超市 理货员", 15: "县残疾人托养中心 保洁员"}
FAIR_GOERS = {"town": [4, 10, 13, 15], "community": [10, 15]}
ACCESSIBILITY = {0: "卫生间加装扶手、去除门槛", 7: "入户坡道改造"}
CANCEL_NOTE = "已纳入低保，不再单独补助"


def wipe(roots) -> None:
    """Everything the care plan demo made under the demo's roots: the views
    logged of its people, the photos' files, the people (their visits,
    assessments, plan items and services with them) and the job fairs."""
    node_q = Q(pk__in=[])
    for root in roots:
        node_q |= Q(node__path__startswith=root.path)
    people = list(Person.objects.filter(node_q).values_list("pk", flat=True))
    PersonalDataView.objects.filter(subject__in=[f"care_plan_person:{pk}" for pk in people]).delete()
    for photo in VisitPhoto.objects.filter(visit__person_id__in=people):
        photo.image.delete(save=False)
    Person.objects.filter(pk__in=people).delete()
    JobFair.objects.filter(node_q).delete()


def build(demo, rng: random.Random, today: date) -> dict[str, int]:
    """Makes the people and their records; returns their numbers."""
    return _Builder(demo, rng, today).build()


def certificate_number(i: int, born: int, disability: str, grade: str) -> str:
    first17 = f"{REGION}{born}{1 + i % 12:02d}{1 + (i * 7) % 28:02d}{101 + i * 3:03d}"
    return first17 + crypto.check_char(first17) + DISABILITY_DIGIT[disability] + grade


class _Builder:
    def __init__(self, demo, rng: random.Random, today: date):
        self.demo, self.rng, self.today = demo, rng, today
        self.tz = timezone.get_default_timezone()
        self.worker = demo.users["caseworker"]
        self.staff = demo.users.get("carestaff") or self.worker
        self.figures = dict.fromkeys(["people", "visits", "assessments", "plan_items", "services", "job_fairs"], 0)

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    @contextmanager
    def on(self, day: date, hour: int = 10):
        """The services' clock set to `day` (never later than now: nothing is dated ahead)."""
        moment = min(datetime.combine(day, time(hour, self.rng.randint(0, 59)), tzinfo=self.tz), timezone.now())
        with mock.patch("django.utils.timezone.now", return_value=moment):
            yield moment

    def build(self) -> dict[str, int]:
        community = next(c for c in self.demo.communities if c.node.code == COMMUNITY)
        people = [self._person(i, community, *row) for i, row in enumerate(PEOPLE)]
        items = {}
        for i, person in enumerate(people):
            self._visits(i, person)
            items.update(self._assess(i, person))
        self._services(people, community, items)
        self._moves(items)
        self._views(people)
        return self.figures

    def _person(self, i: int, community, disability: str, grade: str, born: int, guarded: bool) -> Person:
        compound = community.compounds[i % len(community.compounds)]
        rng = self.rng
        person = Person(node=compound, name=texts.person_name(rng), birth_year=born, disability=disability,
                        grade=grade, phone=MOBILE.format(i + 1),
                        address=f"{compound.name}{rng.randint(1, 12)}号楼{rng.randint(1, 4)}单元"
                                f"{rng.randint(1, 6)}0{rng.randint(1, 2)}室",
                        guardian=texts.person_name(rng) if guarded else "",
                        guardian_phone=GUARDIAN_MOBILE.format(i + 501) if guarded else "",
                        created_by=self.worker)
        person.set_certificate(certificate_number(i, born, disability, grade))
        with self.on(self.day(170 - i)):
            person.save()
        self.figures["people"] += 1
        return person

    def _visits(self, i: int, person: Person) -> None:
        plan = [(160 - i, self.worker, "网格员")] + ([(40 - i, self.staff, "")] if i < 8 else [])
        for days_ago, who, companions in plan:
            with self.on(self.day(days_ago)):
                services.add_visit(person, actor=who, visited_on=self.day(days_ago), companions=companions,
                                   findings=FOUND[(i + days_ago) % len(FOUND)])
            self.figures["visits"] += 1

    def _assess(self, i: int, person: Person) -> dict:
        with self.on(self.day(155 - i), hour=15):
            services.add_assessment(person, actor=self.worker, assessed_on=self.day(155 - i), needs=NEEDS[i],
                                    note="入户评估，与本人及家属确认需求")
        self.figures["assessments"] += 1
        found = {(i, item.area): item for item in person.plan_items.all()}
        self.figures["plan_items"] += len(found)
        return found

    def _service(self, person: Person, days_ago: int, kind: str, **fields) -> None:
        with self.on(self.day(days_ago), hour=11):
            services.add_service(person, actor=self.worker, kind=kind, on=self.day(days_ago), **fields)
        self.figures["services"] += 1

    def _services(self, people: list[Person], community, items: dict) -> None:
        for i, person in enumerate(people):
            if OUTCOME.get((i, "device")) == "done":
                device = DEVICE.get(person.disability, "助行器")
                self._service(person, 120 - 5 * i, "device", detail=device, quantity=2 if device == "助听器" else 1,
                              provider="县残联辅具中心", plan_item=items[(i, "device")])
        for i, sessions in REHAB_SESSIONS.items():
            for week in range(sessions):
                self._service(people[i], 7 * (sessions - week) + i % 5, "rehab", detail="康复训练",
                              provider="县残联康复中心", plan_item=items[(i, "rehabilitation")])
        fairs = {}
        for key, node, days_ago, title, employers in (
                ("town", community.town, 40, "呼图壁镇残疾人就业专场招聘会", 12),
                ("community", community.node, 100, "花城社区就业援助月招聘会", 5)):
            with self.on(self.day(days_ago), hour=9):
                fairs[key] = services.add_fair(actor=self.worker, node=node, held_on=self.day(days_ago),
                                               title=title, place="社区服务中心", employers=employers)
            self.figures["job_fairs"] += 1
        for key, goers in FAIR_GOERS.items():
            for i in goers:
                fair = fairs[key]
                self._service(people[i], (self.today - fair.held_on).days, "job_fair", fair=fair,
                              plan_item=items[(i, "employment")])
        for i, job in PLACEMENTS.items():
            self._service(people[i], 25 - i, "placement", detail=job, plan_item=items[(i, "employment")])
        for i, works in ACCESSIBILITY.items():
            self._service(people[i], 60 + i, "accessibility", detail=works, provider="县残联",
                          plan_item=items[(i, "accessibility")])
        for n, (i, amount) in enumerate(SUPPORT):
            self._service(people[i], 90 - 10 * n, "visit", detail="走访慰问", amount=Decimal(amount),
                          provider="县残联、花城社区", plan_item=items[(i, "income")])

    def _moves(self, items: dict) -> None:
        """Each item walked to its outcome through the transition table: arranged three days after the
        assessment, under way from its first service, done on the day of its last."""
        paths = {"planned": ["arrange"], "in_progress": ["arrange", "start"], "done": ["arrange", "start", "finish"],
                 "cancelled": ["cancel"]}
        for (i, area), item in sorted(items.items()):
            outcome = OUTCOME.get((i, area))
            if outcome is None:
                continue
            days = list(item.services.order_by("on").values_list("on", flat=True))
            arranged = self.day(152 - i)
            when = {"arrange": arranged, "cancel": arranged + timedelta(days=7),
                    "start": days[0] if days else arranged + timedelta(days=7), "finish": days[-1] if days else None}
            provider = item.services.exclude(provider="").values_list("provider", flat=True).first() or "县残联"
            for action in paths[outcome]:
                with self.on(when[action], hour=17):
                    services.move_item(PlanItem.objects.get(pk=item.pk), action, actor=self.worker, by_whom=provider,
                                       due_on=arranged + timedelta(days=60) if action == "arrange" else None,
                                       done_on=when["finish"] if action == "finish" else None,
                                       note=CANCEL_NOTE if action == "cancel" else "")

    def _views(self, people: list[Person]) -> None:
        """The access log's first lines: the case worker and the community's staff at work."""
        for n, (person, who, fields) in enumerate([
                (people[0], self.worker, ("record",)), (people[7], self.worker, ("record", "certificate")),
                (people[8], self.staff, ("record", "name", "phone", "address")), (people[3], self.staff, ("record",))]):
            with self.on(self.day(3 - n % 3), hour=14):
                services.log_view(person, user=who, fields=fields)
