"""The demo's volunteers and care (一老一小): in every community that has service
places, a registry of volunteers with their skills and availability, a 雷锋车队
delivering meals, a 红色先锋 team cutting hair at a station, and in some a
cleaning team; their duties at the community's events. In the communities that
have a 幸福食堂, the residents it looks after (elderly living alone mostly),
their plans — lunch on working days, a monthly haircut, weekly cleaning — and
the orders of the last three weeks, taken, done and confirmed (a few missed,
one called off), with the hours the confirmed work earned.

Rows are made directly, as the events are (nobody is sent a text message);
names are drawn like the requests' and phone numbers are plainly fake
(1390001xxxx for volunteers, 1390002xxxx for recipients: never an event
sign-up's 1390000xxxx). Hours are written only through `volunteers.services.earn`,
for confirmed orders and checked-in duties. The next week's orders are made by
`care.schedule.make_for`, as the timers would; `today` tells past from upcoming."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone, translation

from care import schedule
from care.models import Kind, Order, Plan, Recipient
from events.models import Event
from organisations.models import PersonalDataView
from places.models import Place
from volunteers.models import Duty, HoursEntry, Skill, Team, Volunteer
from volunteers.services import earn
from volunteers.skills import ensure as ensure_skills
from workcalendar.calendar import WorkCalendar

from . import texts

K = Place.Kind
S = Order.State
C = Recipient.Category
DIET = Recipient.Diet
VOLUNTEER_MOBILE = "1390001{:04d}"  # + 100 per community: (node, phone) unique, never an event's 1390000xxxx
RECIPIENT_MOBILE = "1390002{:04d}"
PAST_DAYS = 21  # the orders of the last three weeks
LEIFENG, PIONEERS, CLEANERS = "雷锋车队", "红色先锋驿站服务队", "保洁服务队"
TEAMS = {
    LEIFENG: ("meals", "为独居、高龄老人把幸福食堂的午餐送上门，风雨无阻。"),
    PIONEERS: ("haircut", "驿站店主和党员志愿者义务理发，行动不便的老人可预约上门。"),
    CLEANERS: ("cleaning", "每周为困难家庭和独居老人打扫卫生、擦窗、整理房间。"),
}
SKILL_WEIGHTS = [("meals", 4), ("events", 5), ("visit", 4), ("cleaning", 2), ("escort", 2), ("repairs", 2),
                 ("tutoring", 2), ("health", 1), ("legal", 1), ("culture", 2), ("haircut", 1)]
DAYS = ["12345", "12345", "", "67", "135", "246", "1234567", "6", ""]
HOURS_NOTES = ["上午", "下午", "午饭时间", "晚上", "周末全天", "下班以后", ""]
VOLUNTEER_NOTES = ["退休教师", "驿站店主", "大学生志愿者", "党员", "退役军人", "楼栋长", "有电动车", "", "", "", ""]
NEEDS = ["听力不好，敲门要用力，多敲几下", "住六楼没有电梯，饭送到家门口", "钥匙放在对门邻居家",
         "腿脚不便，靠助行器走路", "患糖尿病，饭后要提醒吃药", "子女在外地工作，有事请联系网格员",
         "老伴刚去世，多陪着说说话", "视力不好，看不清手机", "怕冷，冬天屋里要看看暖气",
         "有轻度老年痴呆，进门前先报名字", "不太会说普通话，说维吾尔语", ""]
CHILD_NEEDS = ["父母在外地打工，跟奶奶住", "放学后没人辅导作业", "单亲家庭，妈妈上夜班"]
FAMILY_NEEDS = ["低保户，家里有残疾人需要照顾", "夫妻都有慢性病，做饭不方便", "家里老人卧床，子女上班顾不过来"]
PLAN_NOTES = ["送到门口，敲门三下", "饭菜要热的", "米饭少一点", "不要辣", "", "", "", ""]
DUTY_TASKS = ["签到引导", "秩序维护", "摄影记录", "茶水服务", "场地布置", "物资发放", "老人搀扶", "现场讲解"]
CANCEL_NOTE = "老人去医院复查，当天不用送餐"


def wipe(roots) -> None:
    """Everything the care demo made under the demo's roots, children first:
    an order's volunteer and canteen, a duty's and hours' volunteer, and a
    recipient's, volunteer's or team's community protect what they point at.
    Runs before events.wipe and before the places and the tree go."""
    node_q, place_q, volunteer_q = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for root in roots:
        node_q |= Q(node__path__startswith=root.path)
        place_q |= Q(canteen__node__path__startswith=root.path)
        volunteer_q |= Q(volunteer__node__path__startswith=root.path)
    recipients = list(Recipient.objects.filter(node_q).values_list("pk", flat=True))
    recipient_q = Q(recipient_id__in=recipients)
    Order.objects.filter(recipient_q | place_q).delete()
    Plan.objects.filter(recipient_q | place_q).delete()
    # Who saw a recipient's details (staff, or a volunteer on their order: viewer empty, "volunteer:12").
    PersonalDataView.objects.filter(subject__in=[f"care_recipient:{pk}" for pk in recipients]).delete()
    Recipient.objects.filter(pk__in=recipients).delete()
    HoursEntry.objects.filter(volunteer_q).delete()
    Duty.objects.filter(volunteer_q).delete()
    Volunteer.objects.filter(node_q).delete()  # their skills and team memberships with them
    Team.objects.filter(node_q).delete()


def build(demo, rng: random.Random, today: date, now: datetime | None = None) -> dict[str, int]:
    """Creates the volunteers, teams, duties, recipients, plans, orders and
    hours; returns their numbers. `now` (default: the clock) only decides which
    of today's orders are already past their time."""
    return _Builder(demo, rng, today, now or timezone.now()).build()


class _Builder:
    def __init__(self, demo, rng: random.Random, today: date, now: datetime):
        self.demo, self.rng, self.today, self.now = demo, rng, today, now
        self.tz = timezone.get_default_timezone()
        self.ceiling = self._at(today, time(0, 0))  # the demo's past ends here
        ensure_skills()
        self.skills = {s.code: s for s in Skill.objects.all()}
        self.calendar = WorkCalendar.load()
        self.figures = dict.fromkeys(["volunteers", "teams", "duties", "recipients", "plans", "orders", "hours"], 0)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def _minutes(self, moment: datetime, low: int, high: int) -> datetime:
        return moment + timedelta(minutes=self.rng.randint(low, high))

    def build(self) -> dict[str, int]:
        places: dict[int, dict[str, list[Place]]] = {}
        nodes = [c.node for c in self.demo.communities]
        for place in Place.objects.filter(node__in=nodes, active=True).order_by("pk"):
            places.setdefault(place.node_id, {}).setdefault(place.kind, []).append(place)
        communities = [c for c in self.demo.communities if c.node.pk in places]
        crews = {}
        for i, community in enumerate(communities):
            crews[community.node.pk] = self._volunteers(i, community, places[community.node.pk])
        self._duties(communities, crews)
        plans = []
        for n, community in enumerate(c for c in communities if places[c.node.pk].get(K.CANTEEN)):
            plans += self._care(n, community, places[community.node.pk][K.CANTEEN], crews[community.node.pk])
        self._today(plans)
        return self.figures

    # --- Volunteers and teams ----------------------------------------------------

    def _volunteers(self, i: int, community, places) -> dict[str, list[Volunteer]]:
        """The community's registry; returns its teams' active members by team name, and "all"."""
        rng = self.rng
        has_canteen = bool(places.get(K.CANTEEN))
        count = rng.randint(16, 25) if has_canteen else rng.randint(12, 20)
        names: set[str] = set()
        while len(names) < count:
            names.add(texts.person_name(rng))
        codes = [c for c, _w in SKILL_WEIGHTS]
        weights = [w for _c, w in SKILL_WEIGHTS]
        volunteers, skills = [], []
        for k, name in enumerate(sorted(names)):
            volunteer = Volunteer(node=community.node, name=name, phone=VOLUNTEER_MOBILE.format(i * 100 + k + 1),
                                  days=rng.choice(DAYS), hours_note=rng.choice(HOURS_NOTES),
                                  joined_on=self.today - timedelta(days=rng.randint(100, 1200)),
                                  notes=rng.choice(VOLUNTEER_NOTES))
            volunteers.append(volunteer)
            skills.append({rng.choices(codes, weights)[0] for _ in range(rng.randint(1, 3))})
        order = list(range(count))
        rng.shuffle(order)
        members = {LEIFENG: order[:rng.randint(5, 7)]}
        members[PIONEERS] = order[len(members[LEIFENG]):][:rng.randint(2, 4)]
        start = len(members[LEIFENG]) + len(members[PIONEERS])
        if has_canteen or rng.random() < 0.5:
            members[CLEANERS] = order[start:start + rng.randint(3, 4)]
            start += len(members[CLEANERS])
        retired = order[-1] if count - start >= 4 else None  # moved away: kept on the registry, inactive
        for name, indexes in members.items():
            for k in indexes:
                skills[k].add(TEAMS[name][0])
        for k in members[LEIFENG]:  # lunch runs: free at noon, most of the working week
            volunteers[k].days = rng.choice(["12345", "", "1234567"])
            volunteers[k].hours_note = "午饭时间"
        if retired is not None:
            volunteers[retired].active = False
            volunteers[retired].notes = "已搬离社区"
        Volunteer.objects.bulk_create(volunteers)
        Volunteer.skills.through.objects.bulk_create([
            Volunteer.skills.through(volunteer_id=v.pk, skill_id=self.skills[code].pk)
            for v, codes_of in zip(volunteers, skills, strict=True) for code in sorted(codes_of)
            if code in self.skills])

        shop = (places.get(K.STATION) or places.get(K.WARM) or [None])
        teams = [Team(node=community.node, name=name, description=TEAMS[name][1],
                      place=rng.choice(shop) if name == PIONEERS else None) for name in members]
        Team.objects.bulk_create(teams)
        Volunteer.teams.through.objects.bulk_create([
            Volunteer.teams.through(volunteer_id=volunteers[k].pk, team_id=team.pk)
            for team in teams for k in members[team.name]])
        self.figures["volunteers"] += len(volunteers)
        self.figures["teams"] += len(teams)
        crew = {name: [volunteers[k] for k in indexes] for name, indexes in members.items()}
        crew["all"] = [v for v in volunteers if v.active]
        crew["events"] = [v for v, codes_of in zip(volunteers, skills, strict=True)
                          if v.active and "events" in codes_of] or crew["all"]
        crew["visit"] = [v for v, codes_of in zip(volunteers, skills, strict=True)
                         if v.active and {"visit", "tutoring"} & codes_of] or crew["all"]
        return crew

    # --- Duties at events --------------------------------------------------------

    def _duties(self, communities, crews) -> None:
        """Volunteers on duty at some of the past events (checked in: their hours
        earned) and at the next upcoming ones (assigned)."""
        rng = self.rng
        nodes = [c.node.pk for c in communities]
        events = list(Event.objects.filter(node_id__in=nodes, cancelled_at__isnull=True).order_by("starts_at", "pk"))
        duties, upcoming_seen = [], {}
        for event in events:
            crew = crews[event.node_id]["events"]
            if event.starts_at < self.ceiling:
                if rng.random() > 0.6:
                    continue
                state = Duty.State.ATTENDED
            else:
                upcoming_seen[event.node_id] = upcoming_seen.get(event.node_id, 0) + 1
                if upcoming_seen[event.node_id] > 2:
                    continue
                state = Duty.State.ASSIGNED
            tasks = rng.sample(DUTY_TASKS, rng.randint(1, 2 if state == Duty.State.ASSIGNED else 3))
            for volunteer, task in zip(rng.sample(crew, min(len(crew), len(tasks))), tasks, strict=False):
                made = min(max(event.created_at, event.starts_at - timedelta(days=rng.randint(2, 10))),
                           self.ceiling - timedelta(hours=rng.randint(2, 48)))
                duty = Duty(event=event, volunteer=volunteer, task=task, state=state, assigned_by=event.organiser)
                duty.made = made
                if state == Duty.State.ATTENDED:
                    duty.checked_in_at = event.starts_at - timedelta(minutes=rng.randint(5, 50))
                    duty.checked_in_by = event.organiser
                duties.append(duty)
        Duty.objects.bulk_create(duties)
        for duty in duties:  # made before the event (bulk_create stamped now)
            duty.created_at = duty.made
        Duty.objects.bulk_update(duties, ["created_at"])
        entries = []
        for duty in duties:
            if duty.state != Duty.State.ATTENDED:
                continue
            event = duty.event
            entry = earn(duty.volunteer, kind=HoursEntry.Kind.DUTY, source=f"duty:{duty.pk}",
                         what=f"{event.title} · {duty.task}", on=timezone.localdate(event.starts_at),
                         minutes=int((event.ends_at - event.starts_at).total_seconds() // 60), by=event.organiser)
            entry.recorded_at = duty.checked_in_at
            entries.append(entry)
        HoursEntry.objects.bulk_update(entries, ["recorded_at"])
        self.figures["duties"] += len(duties)
        self.figures["hours"] += len(entries)

    # --- Recipients and plans ----------------------------------------------------

    def _care(self, n: int, community, canteens: list[Place], crew) -> list[Plan]:
        recipients = self._recipients(n, community)
        plans = self._plans(community, recipients, canteens, crew)
        self._past_orders(community, plans, crew)
        for plan in plans:
            plan.crew = crew
            self.figures["orders"] += schedule.make_for(plan, today=self.today, calendar=self.calendar)
        return plans

    def _recipients(self, n: int, community) -> list[Recipient]:
        rng = self.rng
        count = rng.randint(8, 15)
        young = [rng.choice([C.CHILD, C.DIFFICULTY]) for _ in range(rng.randint(1, 2))]
        categories = young + ([C.ASKED] if rng.random() < 0.4 else [])
        categories += rng.choices([C.ALONE, C.ELDERLY], [0.6, 0.4], k=count - len(categories))
        rng.shuffle(categories)
        halal = categories.index(next(c for c in categories if c in (C.ALONE, C.ELDERLY))) if n % 2 == 0 else -1
        names: set[str] = set()
        rows = []
        for k, category in enumerate(categories):
            name = rng.choice(texts.FULL_NAMES) if k == halal else texts.person_name(rng)
            while name in names:
                name = texts.person_name(rng)
            names.add(name)
            old = category in (C.ALONE, C.ELDERLY, C.ASKED)
            if category == C.CHILD:
                born, needs = rng.randint(2011, 2018), rng.choice(CHILD_NEEDS)
            elif category == C.DIFFICULTY:
                born, needs = rng.randint(1962, 1988), rng.choice(FAMILY_NEEDS)
            else:
                born, needs = rng.randint(1932, 1956), rng.choice(NEEDS)
            if name in texts.FULL_NAMES:
                diet = DIET.HALAL
            elif old:
                diet = rng.choices([DIET.NORMAL, DIET.LOW_SALT, DIET.LOW_SUGAR, DIET.SOFT, DIET.VEGETARIAN],
                                   [5, 3, 2, 2, 0.3])[0]
            else:
                diet = DIET.NORMAL
            phoned = category != C.CHILD and rng.random() < (0.55 if old else 0.9)
            compound = rng.choice(community.compounds)
            address = (f"{rng.choice(community.streets)}{rng.randint(1, 120)}号院{rng.randint(1, 12)}号楼"
                       f"{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}")
            rows.append(Recipient(node=compound, name=name, address=address, category=category, birth_year=born,
                                  diet=diet, needs=needs, created_by=self.demo.users.get("communitystaff"),
                                  phone=RECIPIENT_MOBILE.format(n * 100 + k + 1) if phoned else ""))
        Recipient.objects.bulk_create(rows)
        for row in rows:  # registered a while ago
            row.created_at = self._at(self.today - timedelta(days=rng.randint(40, 400)), time(rng.randint(10, 19)))
        Recipient.objects.bulk_update(rows, ["created_at"])
        self.figures["recipients"] += len(rows)
        return rows

    def _plans(self, community, recipients, canteens, crew) -> list[Plan]:
        """Lunch for most (a few at the canteen, two every day of the year),
        a monthly haircut and weekly cleaning for a few, a weekly visit for a child."""
        rng = self.rng
        plans = []

        def plan(recipient, kind, **fields):  # from a few days after they were registered
            started = timezone.localdate(recipient.created_at) + timedelta(days=rng.randint(1, 10))
            started = min(started, self.today - timedelta(days=PAST_DAYS + rng.randint(5, 15)))
            row = Plan(recipient=recipient, kind=kind, starts_on=started, **fields)
            row.full_clean(exclude=["recipient", "canteen", "volunteer"])
            plans.append(row)
            return row

        def canteen_of(recipient):
            grid = community.grid_of.get(recipient.node_id)
            return next((c for c in canteens if grid and grid.name in c.name), canteens[0])

        drivers = crew[LEIFENG]
        regulars = [v for v in drivers if v.days in ("", "1234567")] or drivers
        every_day = 0
        old = [r for r in recipients if r.category in (C.ALONE, C.ELDERLY, C.ASKED)]
        for recipient in recipients:
            if recipient.category == C.CHILD:
                plan(recipient, Kind.VISIT, days=Plan.Days.WEEKLY, weekdays="6", at=time(17, 30),
                     note="陪孩子写作业、读绘本", volunteer=rng.choice(crew["visit"]))
                continue
            if recipient.category == C.DIFFICULTY and rng.random() < 0.4:
                continue  # cleaning only (below)
            if recipient.category != C.DIFFICULTY and rng.random() < 0.12:
                continue  # cooks for themselves, for now
            dine_in = recipient.category != C.ALONE and rng.random() < 0.3
            days = Plan.Days.WORKDAYS
            if recipient.category == C.ALONE and not dine_in and every_day < 2:
                days, every_day = Plan.Days.DAILY, every_day + 1  # the canteen cooks lunch on holidays too
            regular = None if dine_in or rng.random() > 0.35 else rng.choice(regulars)
            plan(recipient, Kind.MEAL, canteen=canteen_of(recipient), days=days,
                 skip_holidays=days != Plan.Days.DAILY, mode=Plan.Mode.DINE_IN if dine_in else Plan.Mode.DELIVERY,
                 at=time(12, 30), volunteer=regular,
                 note="" if dine_in else rng.choice(PLAN_NOTES))
        for k, recipient in enumerate(rng.sample(old, min(2, len(old)))):
            plan(recipient, Kind.HAIRCUT, days=Plan.Days.MONTHLY, at=time(16, 30), note="上门理发",
                 volunteer=rng.choice(crew[PIONEERS]) if k == 0 else None)
        needy = [r for r in recipients if r.category in (C.DIFFICULTY, C.ALONE)]
        cleaners = crew.get(CLEANERS) or crew["all"]
        for k, recipient in enumerate(rng.sample(needy, min(rng.randint(2, 3), len(needy)))):
            plan(recipient, Kind.CLEANING, days=Plan.Days.WEEKLY, weekdays="3", at=time(18, 0),
                 volunteer=rng.choice(cleaners) if k == 0 else None)
        Plan.objects.bulk_create(plans)
        self.figures["plans"] += len(plans)
        return plans

    # --- Orders --------------------------------------------------------------------

    def _pool(self, plan: Plan, crew) -> list[Volunteer]:
        if plan.kind == Kind.MEAL:
            return crew[LEIFENG]
        if plan.kind == Kind.HAIRCUT:
            return crew[PIONEERS]
        if plan.kind == Kind.CLEANING:
            return crew.get(CLEANERS) or crew["all"]
        return crew["visit"]

    def _helper(self, plan: Plan, day: date, crew) -> Volunteer:
        pool = self._pool(plan, crew)
        return plan.volunteer or self.rng.choice([v for v in pool if v.available_on(day)] or pool)

    def _order(self, plan: Plan, day: date) -> Order:
        """The order make_for makes for `day` (see care.schedule.make_for)."""
        visited = plan.volunteer_id is not None and plan.mode != Plan.Mode.DINE_IN
        return Order(recipient_id=plan.recipient_id, plan=plan, kind=plan.kind, canteen_id=plan.canteen_id,
                     mode=plan.mode, day=day, due_at=datetime.combine(day, plan.at, tzinfo=self.tz),
                     minutes=plan.duration, note=plan.note, volunteer_id=plan.volunteer_id if visited else None,
                     state=S.TAKEN if visited else S.OPEN)

    def _made_at(self, order: Order) -> datetime:
        """When the timers made it: the night they first reached its day."""
        day = order.day - timedelta(days=schedule.HORIZON_DAYS)
        return self._at(day, time(2, 0)) + timedelta(minutes=self.rng.randint(0, 20))

    def _taken(self, order: Order, volunteer: Volunteer, made: datetime) -> None:
        order.volunteer_id, order.state = volunteer.pk, S.TAKEN
        if order.plan.volunteer_id:
            order.taken_at = made  # the plan's regular volunteer has every order from the start
        else:  # taken the evening before or that morning
            order.taken_at = max(made + timedelta(hours=1),
                                 order.due_at - timedelta(minutes=self.rng.randint(90, 20 * 60)))

    def _done(self, order: Order, latest: datetime) -> None:
        early = self.rng.randint(0, 45) if self.rng.random() < 0.9 else -self.rng.randint(1, 25)
        done = order.due_at - timedelta(minutes=early)
        order.done_at = min(max(done, order.taken_at + timedelta(minutes=5)), latest)
        order.state = S.DONE

    def _past_orders(self, community, plans: list[Plan], crew) -> None:
        """The last three weeks: mostly confirmed (hours earned), the latest
        few waiting for confirmation, a few missed, one called off."""
        rng = self.rng
        first, last = self.today - timedelta(days=PAST_DAYS), self.today - timedelta(days=1)
        worker = self.demo.gridworker_of.get(community.node.pk)
        phones = {p.recipient_id: bool(p.recipient.phone) for p in plans}
        orders: list[Order] = []
        for plan in plans:
            for day in schedule.days_of(plan, first, last, self.calendar):
                order = self._order(plan, day)
                order.made = self._made_at(order)
                orders.append(order)
        visited = [o for o in orders if o.needs_volunteer]
        called_off = rng.choice([o for o in visited if o.kind == Kind.MEAL] or visited) if visited else None
        for order in visited:
            made = order.made
            if order is called_off:
                order.state, order.note = S.CANCELLED, CANCEL_NOTE
                order.cancelled_at = self._at(order.day - timedelta(days=1), time(rng.randint(17, 21)))
                if order.volunteer_id:
                    order.taken_at = made
                continue
            self._taken(order, self._helper(order.plan, order.day, crew), made)
            r = rng.random()
            recent = (self.today - order.day).days <= 3
            if r < 0.03:  # missed: still taken, its time long passed; the volunteer was reminded
                order.reminded_at = self._minutes(order.due_at, 10, 40)
                continue
            self._done(order, self.ceiling - timedelta(minutes=30))
            if r < (0.35 if recent else 0.07):
                continue  # done, not confirmed yet
            order.state = S.CONFIRMED
            if phones[order.recipient_id]:  # the recipient's own tap
                confirmed, order.confirmed_by = self._minutes(order.done_at, 3, 180), None
            else:  # the grid worker on their round
                confirmed, order.confirmed_by = self._minutes(order.done_at, 60, 26 * 60), worker
            order.confirmed_at = min(confirmed, self.ceiling - timedelta(minutes=rng.randint(1, 29)))
        Order.objects.bulk_create(orders)
        for order in orders:
            order.created_at = order.made
        Order.objects.bulk_update(orders, ["created_at"])
        self.figures["orders"] += len(orders)
        self._earn([o for o in orders if o.state == S.CONFIRMED])

    def _earn(self, orders: list[Order]) -> None:
        """The hours of each confirmed order, as care.services.confirm writes them."""
        volunteers = Volunteer.objects.in_bulk({o.volunteer_id for o in orders})
        entries = []
        with translation.override("zh-hans"):  # the demo's data is in Chinese, whatever the shell's language
            for order in orders:
                entry = earn(volunteers[order.volunteer_id], kind=HoursEntry.Kind.ORDER, source=f"order:{order.pk}",
                             what=f"{order.get_kind_display()} · {order.day:%m-%d}", on=order.day,
                             minutes=order.minutes, by=order.confirmed_by)
                entry.recorded_at = order.confirmed_at
                entries.append(entry)
        HoursEntry.objects.bulk_update(entries, ["recorded_at"])
        self.figures["hours"] += len(entries)

    def _today(self, plans: list[Plan]) -> None:
        """Today's orders stay as make_for made them, but those already past their
        time are done (waiting for confirmation) — all but one or two, missed."""
        rng = self.rng
        crews = {plan.pk: plan.crew for plan in plans}
        late = list(Order.objects.filter(plan__in=plans, day=self.today, due_at__lt=self.now)
                    .exclude(mode=Plan.Mode.DINE_IN).select_related("plan").order_by("due_at", "pk"))
        if not late:
            return
        taken = [o for o in late if o.state == S.TAKEN]
        missed = {o.pk for o in rng.sample(taken or late, min(len(taken or late), rng.randint(1, 2)))}
        for order in late:
            made = self._made_at(order)
            order.created_at = made
            if order.state == S.TAKEN:
                order.taken_at = made
            if order.pk in missed:
                continue
            self._taken(order, self._helper(order.plan, order.day, crews[order.plan_id]), made)
            order.taken_at = min(order.taken_at, self.now - timedelta(minutes=2))
            self._done(order, self.now - timedelta(minutes=1))
        Order.objects.bulk_update(late, ["created_at", "state", "volunteer", "taken_at", "done_at"])
