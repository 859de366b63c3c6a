"""The demo's community events (季度有计划、月月有主题、周周有活动): for every
community that has service places, the current quarter's plan, a theme for each
of its three months and an event a week — at one of its places (幸福食堂, 党群服务
中心, 议事亭, 驿站…) or on a square — with residents signed up: the past events'
attendance taken, a waiting list on one or two full upcoming events of each
community, and one event called off.

Rows are made directly, as the places are (nobody is sent a text message);
the residents' names are drawn like the requests' and their numbers are plainly
fake (1390000xxxx). "Past" and "upcoming" are told by `today`: no event falls on
it, and every sign-up, check-in and cancellation happened before it began."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from events.models import Event, Programme, Signup
from organisations.models import Role
from places.models import Place

from . import texts

A = Event.Audience
K = Place.Kind
S = Signup.State
PEOPLE_PER_COMMUNITY = 70  # more than an event's places, waiting list and cancellations together
FAKE_MOBILE = "1390000{:04d}"


@dataclass(frozen=True)
class Idea:
    title: str
    description: str
    audience: str
    kinds: tuple[str, ...] = ()  # the community's places it is held at, by preference
    room: str = ""  # where inside the place
    outdoors: bool = False  # on a square or the street: no limit, no sign-up
    at: tuple[time, ...] = ()  # start times; empty: those of its audience
    minutes: int = 90
    meal: bool = False  # the kitchen cooks for those signed up: the list closes the evening before

    @property
    def weekend(self) -> bool:
        return self.outdoors or self.audience in (A.CHILDREN, A.FAMILIES)


# (theme, what the month is about, its events): each theme has weekday and weekend ideas.
THEMES: list[tuple[str, str, list[Idea]]] = [
    ("邻里文化节", "书画、合唱、手工、文艺演出：一家一户都来参与，在活动里认识邻居。", [
        Idea("邻里书画展暨现场挥毫", "社区书画爱好者现场写字作画，作品在社区展出一周，欢迎居民带孩子来看、来学。",
             A.EVERYONE, (K.CENTRE,), "一楼大厅"),
        Idea("老年合唱团公开排练", "社区老年合唱团排练《我和我的祖国》等曲目，爱唱歌的居民都可以加入。",
             A.ELDERLY, (K.CENTRE,), "多功能厅"),
        Idea("亲子剪纸手工课", "志愿者老师带孩子和家长一起剪窗花、做灯笼，材料由社区准备，作品可以带回家。",
             A.CHILDREN, (K.PROVIDER, K.CENTRE), "儿童之家"),
        Idea("民族团结邻里宴", "各族居民每家带一道拿手菜，抓饭、拌面、饺子摆一桌，边吃边聊。",
             A.FAMILIES, (K.CANTEEN, K.CENTRE), "多功能厅", at=(time(12, 0),), minutes=120, meal=True),
        Idea("广场文艺演出", "居民自编自演的歌舞、快板和冬不拉弹唱，欢迎全家来看，不用报名。",
             A.FAMILIES, outdoors=True, at=(time(20, 30),), minutes=120),
    ]),
    ("一起来“摊”玩", "周末集市和便民摊位：居民当摊主，修补、理发、手作都摆出来，热热闹闹逛一逛。", [
        Idea("邻里集市·一起来“摊”玩", "居民自带手工、小吃、旧物摆摊，社区统一提供桌椅和照明，逛集市不用报名。",
             A.EVERYONE, outdoors=True, at=(time(20, 0), time(20, 30)), minutes=150),
        Idea("小小摊主体验日", "孩子们在家长陪同下当一回小摊主，学着定价、找零、吆喝，收入捐给社区微心愿。",
             A.CHILDREN, (K.CENTRE, K.PROVIDER), "一楼大厅"),
        Idea("便民服务摊位日", "理发、磨刀、修伞、家电小修、量血压摆成一条街，志愿者和驿站店主一起出摊。",
             A.EVERYONE, outdoors=True, at=(time(10, 30),), minutes=180),
        Idea("青年创意市集", "年轻人的手作、插画、文创摆摊交流，也欢迎来分享创业故事。",
             A.YOUTH, (K.STATION, K.CENTRE), "一楼大厅"),
        Idea("摊主恳谈：集市怎么办得更好", "集市摊主、居民和城管、物业坐下来，商量摆摊时间、卫生和噪音。",
             A.EVERYONE, (K.DELIBERATION, K.CENTRE), "会议室"),
    ]),
    ("一元公益日", "一元钱的理发、修鞋、午餐：驿站店主和志愿者把实惠送到家门口，善款全部用于社区微心愿。", [
        Idea("一元理发", "驿站理发师为老人和残疾居民理发，每人一元；行动不便的可预约上门。",
             A.ELDERLY, (K.STATION, K.WARM, K.CENTRE)),
        Idea("长者一元午餐", "幸福食堂为70岁以上老人供应一元午餐（两荤一素一汤），请提前一天报名。",
             A.ELDERLY, (K.CANTEEN,), at=(time(12, 0),), minutes=90, meal=True),
        Idea("一元修补：修鞋、补衣、换拉链", "巧手志愿者现场修鞋补衣、换拉链，每件一元。",
             A.EVERYONE, (K.STATION, K.WARM, K.CENTRE)),
        Idea("一元义诊：量血压、测血糖", "社区卫生服务站医生现场义诊，量血压、测血糖，解答用药问题。",
             A.ELDERLY, (K.CENTRE, K.WARM), "活动室"),
        Idea("一元书包：爱心文具认领", "一元认领一份文具包，送给社区困难家庭的孩子，孩子们现场写感谢卡。",
             A.CHILDREN, (K.PROVIDER, K.CENTRE), "儿童之家"),
        Idea("一元亲子电影", "周末下午在社区放映动画电影，一元一家，爆米花由志愿者准备。",
             A.FAMILIES, (K.CENTRE,), "多功能厅", minutes=120),
    ]),
    ("闲置物品交换", "旧书、玩具、小家电、衣物：家里用不上的东西拿出来换一换，物尽其用。", [
        Idea("旧书换新知：图书交换会", "带一本旧书换一本“新”书，书签由社区志愿者手绘。",
             A.EVERYONE, (K.CENTRE, K.STATION), "阅览室"),
        Idea("儿童玩具交换会", "孩子们带上玩腻的玩具、绘本来交换，家长可以顺便交流育儿经验。",
             A.CHILDREN, (K.PROVIDER, K.CENTRE), "儿童之家"),
        Idea("闲置物品跳蚤市场", "小家电、厨具、衣物摆摊交换或低价转让，剩下的统一捐给爱心超市。",
             A.EVERYONE, outdoors=True, at=(time(10, 30),), minutes=180),
        Idea("旧衣改造手工坊", "把旧牛仔裤改成帆布包、围裙，裁缝志愿者手把手教。",
             A.YOUTH, (K.CENTRE, K.STATION), "手工室"),
        Idea("轮椅、助行器借用与交换", "家里闲置的轮椅、拐杖、助行器登记借用，康复志愿者现场调试。",
             A.DISABLED, (K.CENTRE, K.WARM), "一楼大厅"),
    ]),
    ("居民恳谈日", "有事好商量：社区两委、网格员、物业和居民面对面，说问题、议办法、督落实。", [
        Idea("居民恳谈会：小区停车怎么管", "停车位不够、消防通道被占，大家一起商量划线、错时停车的办法。",
             A.EVERYONE, (K.DELIBERATION, K.CENTRE), "会议室"),
        Idea("物业、业委会与居民面对面", "物业通报本季度维修和收支，居民现场提问，没解决的问题记入台账限期答复。",
             A.EVERYONE, (K.DELIBERATION, K.CENTRE), "会议室"),
        Idea("老年人说事会", "听老人说说助餐、助浴、就医的难处，社区记下来逐条办。",
             A.ELDERLY, (K.DELIBERATION, K.CENTRE)),
        Idea("青年议事会", "年轻居民聊聊社区的文体活动、夜间照明和托育需求，好点子直接进下季度计划。",
             A.YOUTH, (K.DELIBERATION, K.CENTRE)),
        Idea("亲子议事：我们想要的游乐场", "孩子们画出心目中的小区游乐场，和家长、物业一起商量怎么改。",
             A.CHILDREN, (K.DELIBERATION, K.CENTRE)),
        Idea("家庭议事：楼道堆物怎么清", "楼栋长召集各家各户，商量楼道杂物的清理办法和以后的约定。",
             A.FAMILIES, (K.DELIBERATION, K.CENTRE)),
    ]),
    ("一老一小暖心月", "幸福食堂助餐、周末课堂、防诈骗讲座：老人和孩子是社区最牵挂的人。", [
        Idea("长者集体生日会", "为本月过生日的老人包饺子、切蛋糕，志愿者表演节目。",
             A.ELDERLY, (K.CANTEEN, K.CENTRE), "多功能厅", at=(time(12, 0),), minutes=120, meal=True),
        Idea("防诈骗讲座：守好老人的钱袋子", "派出所民警讲解保健品、养老投资、冒充公检法等骗局，现场答疑。",
             A.ELDERLY, (K.CENTRE, K.CANTEEN), "多功能厅"),
        Idea("智能手机课：学会挂号和视频通话", "青年志愿者一对一教老人用手机挂号、缴费、和子女视频通话。",
             A.ELDERLY, (K.CENTRE, K.PROVIDER, K.STATION, K.WARM), "活动室"),
        Idea("周末课堂：作业辅导与绘本共读", "大学生志愿者辅导作业、带读绘本，家长可以放心把孩子交给社区。",
             A.CHILDREN, (K.PROVIDER, K.CENTRE), "儿童之家", minutes=120),
        Idea("祖孙同乐运动会", "爷爷奶奶带孙子孙女一起套圈、投篮、夹弹珠，人人有奖品。",
             A.FAMILIES, outdoors=True, at=(time(11, 0),), minutes=120),
    ]),
    ("健康生活月", "义诊、健步走、急救课：把健康服务送到家门口。", [
        Idea("中医义诊与健康讲座", "中医院医生讲四季养生和慢病调理，讲座后把脉问诊。",
             A.ELDERLY, (K.CENTRE, K.PROVIDER, K.CANTEEN), "多功能厅"),
        Idea("心理健康沙龙：和压力做朋友", "心理咨询师带年轻人聊聊工作和育儿的压力，怎么调节。",
             A.YOUTH, (K.CENTRE,), "活动室"),
        Idea("居家康复指导", "康复师上门前先在社区集中讲解居家康复动作，残疾居民和家属可以现场练习。",
             A.DISABLED, (K.CENTRE, K.WARM), "一楼大厅"),
        Idea("邻里健步走", "邻居们结伴沿街健步走五公里，志愿者沿途补水，走完量个血压。",
             A.EVERYONE, outdoors=True, at=(time(20, 0), time(20, 30)), minutes=90),
        Idea("儿童安全与急救小课堂", "红十字会志愿者教孩子认识安全标志，练习包扎和拨打120。",
             A.CHILDREN, (K.PROVIDER, K.CENTRE), "儿童之家"),
    ]),
]

# Xinjiang keeps Beijing time: mornings start late, evenings are long.
STARTS = {
    A.ELDERLY: (time(10, 30), time(16, 30)),
    A.DISABLED: (time(10, 30), time(16, 30)),
    A.CHILDREN: (time(11, 0), time(16, 30)),
    A.FAMILIES: (time(11, 0), time(17, 0)),
    A.YOUTH: (time(20, 0), time(20, 30)),
    A.EVERYONE: (time(11, 0), time(17, 0), time(20, 0)),
}
SMALL_PLACES = (K.STATION, K.WARM, K.DELIBERATION)
COLD_MONTHS = (11, 12, 1, 2, 3)  # a Xinjiang winter: the squares' events move to the warmest hours
COLD_STARTS = (time(12, 30), time(13, 0))
# A third-party provider suits an event by what it is (托育点 and 课后服务 for children, 养老服务站 for the elderly).
PROVIDER_FOR = {A.CHILDREN: ("托育", "课后"), A.FAMILIES: ("托育", "课后"), A.ELDERLY: ("养老",)}

QUARTER_PLANS = {
    1: ("新春邻里情", "迎新春、闹元宵、学雷锋：冬天把老人和孩子照顾好，把邻里的年味办出来。"),
    2: ("春暖邻里·共建共享", "春暖花开，活动搬到户外：文化、集市、议事轮番上，人人都是社区的主人。"),
    3: ("清凉一夏·一老一小", "暑假里照顾好孩子，高温天关心好老人；夜晚的广场和街区热闹起来。"),
    4: ("金秋敬老·温暖过冬", "重阳敬老、旧物流转、冬季安全：为入冬做好准备，不落下一户。"),
}


def quarter_of(today: date) -> tuple[date, date]:
    """The first and last day of the quarter `today` is in."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = date(start.year + (start.month == 10), 1 if start.month == 10 else start.month + 3, 1)
    return start, end - timedelta(days=1)


def wipe(roots) -> None:
    """The demo's events (their sign-ups go with them) and programmes: before
    the tree, which an event's community protects."""
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(node__path__startswith=root.path)
    Event.objects.filter(q).delete()
    Programme.objects.filter(q).delete()


def build(demo, rng: random.Random, today: date) -> dict[str, int]:
    """Creates the current quarter's programmes, events and sign-ups; returns their numbers."""
    return _Builder(demo, rng, today).build()


class _Builder:
    def __init__(self, demo, rng: random.Random, today: date):
        self.demo, self.rng, self.today = demo, rng, today
        self.tz = timezone.get_default_timezone()
        self.first, self.last = quarter_of(today)
        self.ceiling = self._at(today, time(0, 0))  # "now" for the demo's past: nothing happens later
        self.phones = iter(range(1, 10000))
        self.announced: dict[int, datetime] = {}  # id(event) -> when it was published
        staff = demo.users.get("communitystaff")
        self.organiser_of = {}
        if staff is not None:
            for node_id in Role.objects.filter(user=staff, name=Role.Name.COMMUNITY_STAFF).values_list(
                    "node_id", flat=True):
                self.organiser_of[node_id] = staff

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def _between(self, low: datetime, high: datetime) -> datetime:
        return (low + (high - low) * self.rng.random()).replace(microsecond=0)

    # --- Programmes and events --------------------------------------------------

    def build(self) -> dict[str, int]:
        places: dict[int, dict[str, list[Place]]] = {}
        nodes = [c.node for c in self.demo.communities]
        for place in Place.objects.filter(node__in=nodes, active=True).order_by("pk"):
            places.setdefault(place.node_id, {}).setdefault(place.kind, []).append(place)
        communities = [c for c in self.demo.communities if c.node.pk in places]
        months = [date(self.first.year, self.first.month + k, 1) for k in range(3)]

        programmes, plans = [], []
        for i, community in enumerate(communities):
            themes = [THEMES[(i * 3 + k) % len(THEMES)] for k in range(3)]
            self.rng.shuffle(themes)
            plan, why = QUARTER_PLANS[(self.first.month - 1) // 3 + 1]
            quarter = Programme(
                node=community.node, period=Programme.Period.QUARTER, starts_on=self.first,
                title=f"{self.first.year}年第{'一二三四'[(self.first.month - 1) // 3]}季度活动计划：{plan}",
                notes=f"季度有计划、月月有主题、周周有活动。{why}本季度的主题："
                      + "、".join(f"{m.month}月{t[0]}" for m, t in zip(months, themes, strict=True)) + "。")
            programmes.append(quarter)
            for month, theme in zip(months, themes, strict=True):
                programmes.append(Programme(node=community.node, period=Programme.Period.MONTH, starts_on=month,
                                            title=theme[0], notes=theme[1]))
            plans.append((i, community, dict(zip((m.month for m in months), themes, strict=True))))
        Programme.objects.bulk_create(programmes)
        month_of = {(p.node_id, p.starts_on.month): p for p in programmes if p.period == Programme.Period.MONTH}

        events: list[Event] = []
        for i, community, themes in plans:
            events += self._weeks(i, community, themes, places[community.node.pk], month_of)
        Event.objects.bulk_create(events)
        signups = self._signups(communities, events)
        Signup.objects.bulk_create(signups)
        for event in events:  # bulk_create stamped auto_now_add: an event was made when it was announced
            event.created_at = self.announced[id(event)]
        Event.objects.bulk_update(events, ["created_at", "updated_at", "cancelled_at", "attendance_closed_at",
                                           "description"])
        return {"programmes": len(programmes), "events": len(events), "signups": len(signups)}

    def _weeks(self, i, community, themes, places, month_of) -> list[Event]:
        """An event a week: on Saturdays (children, families, squares) and on a
        weekday (the elderly, everyone) in turn."""
        rng = self.rng
        weekday = 1 + i % 3  # Tuesday, Wednesday or Thursday
        ideas = {}
        for month, (_name, _notes, theme_ideas) in themes.items():
            weekend = [x for x in theme_ideas if x.weekend]
            weekdays = [x for x in theme_ideas if not x.weekend]
            rng.shuffle(weekend)
            rng.shuffle(weekdays)
            ideas[month] = {True: weekend, False: weekdays}
        used = {(m, w): 0 for m in ideas for w in (True, False)}
        monday = self.first - timedelta(days=self.first.weekday())
        made = []
        week = 0
        while monday <= self.last:
            weekend = (week + i) % 2 == 0
            day = monday + timedelta(days=5 if weekend else weekday)
            if day == self.today:  # no event today: each is plainly past or upcoming
                day += timedelta(days=1) if day < self.last else -timedelta(days=1)
            monday += timedelta(days=7)
            week += 1
            if not self.first <= day <= self.last:
                continue
            pool = ideas[day.month][weekend]
            idea = pool[used[day.month, weekend] % len(pool)]
            used[day.month, weekend] += 1
            made.append(self._event(community, idea, day, places, month_of[community.node.pk, day.month]))
        return made

    def _event(self, community, idea: Idea, day: date, places, theme) -> Event:
        rng = self.rng
        times = idea.at or STARTS[idea.audience]
        if idea.outdoors and day.month in COLD_MONTHS:
            times = COLD_STARTS
        starts = self._at(day, rng.choice(times))
        place, location, capacity, closes = None, "", None, None
        if idea.outdoors:
            squares = [f"{c.name}小广场" for c in community.compounds]
            if community.area == "cj":
                squares.append(f"红延印象街区（延安北路{community.node.name}段）")
            location = rng.choice(squares)
        else:
            suitable = {k: [p for p in places.get(k, []) if k != K.PROVIDER
                            or any(word in p.name for word in PROVIDER_FOR.get(idea.audience, ()))]
                        for k in idea.kinds}
            kind = next((k for k in idea.kinds if suitable[k]), K.CENTRE if places.get(K.CENTRE) else None)
            if kind:  # a room only inside a centre: the other places are one room
                place = rng.choice(suitable.get(kind) or places[kind])
                location = idea.room if kind == K.CENTRE else ""
            else:
                location = f"{community.node.name}党群服务中心{idea.room}"
            capacity = rng.choice([20, 25] if kind in SMALL_PLACES else [20, 25, 30, 35, 40])
            if idea.meal:
                closes = self._at(day - timedelta(days=1), time(20, 0))
        if day > self.today:  # announced two to four weeks ahead, and before the demo's today
            published = min(starts - timedelta(days=rng.randint(14, 28)), self.ceiling - timedelta(days=3))
        else:
            published = starts - timedelta(days=rng.randint(10, 21))
        published = published.replace(hour=rng.randint(10, 18), minute=rng.choice([0, 15, 30, 45]))
        event = Event(node=community.node, title=idea.title, description=idea.description, place=place,
                      location=location, theme=theme, starts_at=starts,
                      ends_at=starts + timedelta(minutes=idea.minutes), signup_closes_at=closes,
                      capacity=capacity, audience=idea.audience, organiser=self.organiser_of.get(community.node.pk),
                      published=True, updated_at=published)
        self.announced[id(event)] = published
        return event

    # --- Sign-ups ----------------------------------------------------------------

    def _people(self, n: int) -> list[tuple[str, str]]:
        names: set[str] = set()
        while len(names) < n:
            names.add(texts.person_name(self.rng))
        return [(name, FAKE_MOBILE.format(next(self.phones))) for name in sorted(names)]

    def _signups(self, communities, events: list[Event]) -> list[Signup]:
        rng = self.rng
        people = {c.node.pk: self._people(PEOPLE_PER_COMMUNITY) for c in communities}
        upcoming = [e for e in events if e.capacity and e.starts_at > self.ceiling]
        called_off = self._call_off(events, upcoming)
        full = set()
        for community in communities:
            mine = [e for e in upcoming if e.node_id == community.node.pk and e is not called_off][:4]
            full.update(id(e) for e in rng.sample(mine, min(len(mine), 1 if rng.random() < 0.6 else 2)))
        rows = []
        for event in events:
            if not event.capacity:
                continue
            crowd = people[event.node_id]
            if event is called_off and event.starts_at < self.ceiling:
                continue  # called off before anyone signed up
            if event.starts_at < self.ceiling:
                rows += self._past(event, crowd)
            else:
                rows += self._upcoming(event, crowd, waiting=rng.randint(2, 6) if id(event) in full else 0)
        return rows

    def _call_off(self, events, upcoming) -> Event | None:
        """One event called off: an upcoming one of the community staff's own
        community if it has one (the demo account sees it), else any."""
        if not events:
            return None
        candidates = [e for e in upcoming if e.node_id in self.organiser_of] or upcoming
        if candidates:
            event = candidates[min(2, len(candidates) - 1)]
            event.cancelled_at = self.ceiling - timedelta(hours=self.rng.randint(20, 44))
        else:  # the quarter's last day: nothing is upcoming
            event = next((e for e in reversed(events) if e.capacity), events[-1])
            event.cancelled_at = event.starts_at - timedelta(days=2)
        event.updated_at = max(event.updated_at, event.cancelled_at)
        event.description += "\n\n因场地临时检修，本次活动取消，改期另行通知。"
        return event

    def _times(self, event: Event, n: int, until: datetime) -> list[datetime]:
        low = self.announced[id(event)] + timedelta(hours=1)
        return sorted(self._between(low, until) for _ in range(n))

    def _past(self, event: Event, crowd) -> list[Signup]:
        """Everyone seated came or did not; the attendance was closed after the end."""
        rng = self.rng
        seated = event.capacity if rng.random() < 0.25 else round(event.capacity * rng.uniform(0.55, 1.0))
        gave_up = rng.randint(0, 3)
        chosen = rng.sample(crowd, seated + gave_up)
        times = self._times(event, len(chosen), event.closes_at - timedelta(hours=1))
        leaving = set(rng.sample(range(len(chosen)), gave_up))
        rows = []
        for n, ((name, phone), at) in enumerate(zip(chosen, times, strict=True)):
            row = Signup(event=event, name=name, phone=phone, created_at=at)
            if n in leaving:
                row.state, row.cancelled_at = S.CANCELLED, self._between(at, event.starts_at - timedelta(hours=1))
            elif rng.random() < 0.85:
                row.state = S.ATTENDED
                row.checked_in_at = event.starts_at + timedelta(seconds=rng.randint(-30 * 60, 20 * 60))
                row.checked_in_by = event.organiser if event.organiser and rng.random() < 0.3 else None
            else:
                row.state = S.NO_SHOW
            rows.append(row)
        event.attendance_closed_at = min(event.ends_at + timedelta(minutes=rng.randint(20, 150)),
                                         self.ceiling - timedelta(minutes=1))
        return rows

    def _upcoming(self, event: Event, crowd, waiting: int) -> list[Signup]:
        """Signed up so far; a full event's waiting list, where one who cancelled
        let the first waiting resident move up."""
        rng = self.rng
        until = min(event.closes_at, event.cancelled_at or self.ceiling) - timedelta(minutes=1)
        if waiting:
            chosen = rng.sample(crowd, event.capacity + 1 + waiting)
            times = self._times(event, len(chosen), until)
            rows = [Signup(event=event, name=name, phone=phone, created_at=at, state=S.CONFIRMED)
                    for (name, phone), at in zip(chosen, times, strict=True)]
            for row in rows[event.capacity:]:
                row.state = S.WAITING
            first_waiting = rows[event.capacity]
            freed = self._between(first_waiting.created_at, until)
            leaver = rng.choice(rows[:event.capacity])
            leaver.state, leaver.cancelled_at = S.CANCELLED, freed
            first_waiting.state, first_waiting.promoted_at = S.CONFIRMED, freed
            for later in rows[event.capacity + 1:]:  # whoever came after the freed place found it taken
                later.created_at = max(later.created_at, freed + timedelta(seconds=1))
            return rows
        days = (event.starts_at - self.ceiling).days
        seated = min(event.capacity, round(event.capacity * max(0.15, 0.95 - days / 60) * rng.uniform(0.7, 1.1)))
        gave_up = rng.randint(0, 2) if seated else 0
        chosen = rng.sample(crowd, seated + gave_up)
        times = self._times(event, len(chosen), until)
        leaving = set(rng.sample(range(len(chosen)), gave_up))
        rows = []
        for n, ((name, phone), at) in enumerate(zip(chosen, times, strict=True)):
            row = Signup(event=event, name=name, phone=phone, created_at=at, state=S.CONFIRMED)
            if n in leaving:
                row.state, row.cancelled_at = S.CANCELLED, self._between(at, until)
            rows.append(row)
        return rows
