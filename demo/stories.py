"""The demo's requests, each planned as a story and played through the real
intake and service functions on a moving clock.

1. `plan` decides, with a seeded random generator, each request's final
   state, place, category, channel, people, texts and steps, and the minutes
   between the steps.
2. `schedule` turns the minutes into moments: staff act in office hours on
   working days (with some duty exceptions), residents between 7:00 and 23:00;
   open requests end a chosen time before now, finished ones anywhere in the
   last 90 days.
3. `play.Player` then sets the clock to each moment and calls the service
   function, so every timeline, deadline and tracking number is the one the
   platform itself would have produced.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from appeals import deadlines, intake
from appeals.models import Appeal, Status
from organisations.models import Node, Unit
from workcalendar.calendar import WorkCalendar

from . import catalogue, texts
from .build import Community, Demo

S = Status
MIN = timedelta(minutes=1)
HISTORY = timedelta(days=89)
EVALUATION_ROOM = timedelta(days=6, hours=18)  # the default evaluation window is 7 days

# Final situations and how many of every 500 requests end in each.
KINDS: list[tuple[str, str, int]] = [
    # kind, final status, share
    ("submitted", S.SUBMITTED, 18),
    ("registered", S.REGISTERED, 18),
    ("rejected", S.REJECTED, 18),
    ("dispatched", S.DISPATCHED, 28),
    ("signed", S.SIGNED, 16),
    ("returned", S.RETURNED, 10),
    ("in_progress", S.IN_PROGRESS, 36),
    ("replied", S.REPLIED, 30),
    ("evaluated", S.EVALUATED, 12),
    ("reopened", S.REOPENED, 10),
    ("escalated", S.REOPENED, 1),
    ("closed_satisfied", S.CLOSED, 135),
    ("closed_auto", S.CLOSED, 40),
    ("closed_dispatcher", S.CLOSED, 8),
    ("closed_returned", S.CLOSED, 12),
    ("closed_reopen", S.CLOSED, 12),
    ("closed_extension", S.CLOSED, 14),
    ("closed_supervised", S.CLOSED, 10),
    ("quick_closed", S.CLOSED, 34),
    ("quick_replied", S.REPLIED, 10),
    ("merged", S.MERGED, 14),
    ("withdrawn", S.WITHDRAWN, 14),
]
OPEN_KINDS = {"submitted", "registered", "dispatched", "signed", "returned", "in_progress", "replied",
              "evaluated", "reopened", "escalated", "quick_replied"}
# Minutes from the last step to now for requests still open: (share of long
# waits, short range, long range). The long waits are what makes some overdue.
TAILS = {
    "submitted": (0.35, (5, 200), (600, 4000)),
    "registered": (0.35, (5, 200), (600, 4000)),
    "dispatched": (0.4, (10, 400), (1500, 7000)),
    "signed": (0.3, (30, 900), (900, 4000)),
    "returned": (0.3, (20, 300), (600, 2500)),
    "in_progress": (0.35, (60, 5000), (7000, 20000)),
    "replied": (0.0, (30, 9300), (30, 9300)),
    "quick_replied": (0.0, (30, 9300), (30, 9300)),
    "evaluated": (0.0, (60, 4000), (60, 4000)),
    "reopened": (0.3, (20, 400), (600, 3000)),
    "escalated": (0.0, (60, 2000), (60, 2000)),
}
CHANNELS = [("web", 40), ("hotline", 22), ("api", 5), ("walk_in", 10), ("patrol", 17), ("talk_day", 6)]
TYPES = [("help", 40), ("complaint", 40), ("suggestion", 8), ("question", 7), ("praise", 5)]
QUESTION_TYPES = [("question", 55), ("help", 30), ("suggestion", 10), ("praise", 5)]
RESIDENT_ACTIONS = {"withdraw"}
# When people outside office hours act: residents, the hotline, staff on call.
HOURS = {
    "resident": (time(7, 0), time(23, 0)),
    "hotline": (time(8, 0), time(22, 0)),
    "duty": (time(8, 0), time(21, 0)),
}
# Open requests partly concentrated on the named demo accounts' units (花城社区居委会
# for `handler`, 宁边路社区居委会 for `outsider`) so that their queues look real.
FOCUS_KINDS = {"dispatched", "signed", "in_progress", "returned", "replied", "evaluated", "reopened"}
FOCUS_COMMUNITIES = [("花城社区", 3), ("宁边路社区", 1)]
DUE_SOON_KINDS = {"submitted", "registered", "dispatched", "signed", "in_progress", "returned", "reopened"}


@dataclass
class Step:
    action: str
    args: dict = field(default_factory=dict)
    gap: float = 0.0  # minutes after the previous step
    jitter: float = 0.0  # minutes after the start of office hours, when snapped
    duty: bool = False  # staff on call: any day, 8:00 to 21:00


@dataclass
class Story:
    kind: str
    final: str
    community: Community
    compound: Node | None
    category: str = ""
    type: str = "help"
    urgency: str = "normal"
    channel: str = "web"
    author: object = None  # who calls intake (None: an anonymous visitor or an API client)
    resident: object = None  # the resident account behind it, if any
    quick: bool = False
    steps: list[Step] = field(default_factory=list)
    intake_jitter: float = 0.0
    tail: float = 0.0
    due_soon: bool = False  # aim the tail into the running step's "due soon" window
    times: list[datetime] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    quick_reply: tuple[str, str] = ("", "")
    target: Story | None = None
    appeal: Appeal | None = None


def logu(rng: random.Random, low: float, high: float) -> float:
    """A duration between low and high, spread evenly on a log scale."""
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def allocate(n: int) -> list[tuple[str, str, int]]:
    """Counts per kind for n requests, at least one of each kind."""
    total = sum(share for _k, _s, share in KINDS)
    counts = [(kind, final, max(1, round(n * share / total))) for kind, final, share in KINDS]
    surplus = sum(c for _k, _f, c in counts) - n
    kind, final, count = counts[11]  # closed_satisfied absorbs the rounding
    counts[11] = (kind, final, max(1, count - surplus))
    return counts


# --- Planning -------------------------------------------------------------------

class MemoCalendar(WorkCalendar):
    """The same calendar, remembering each day's answer: planning asks about
    the same few hundred days many thousand times."""

    def __init__(self, base: WorkCalendar):
        super().__init__(dict(base.overrides), set(base.entered_years))
        self._days: dict = {}

    def day(self, d):
        if d not in self._days:
            self._days[d] = super().day(d)
        return self._days[d]


class Planner:
    def __init__(self, demo: Demo, rng: random.Random, now: datetime, calendar: MemoCalendar):
        self.demo, self.rng, self.now = demo, rng, now
        self.calendar = calendar
        self.community_weights = [
            (c, {"花城社区": 35, "美华社区": 20, "园林社区": 15, "迎宾社区": 12, "东方社区": 10,
                 "天山社区": 8, "宁边路社区": 14}.get(c.node.name, 8))
            for c in demo.communities
        ]
        self._limits: dict = {}
        self.tz = timezone.get_current_timezone()
        codes = list(demo.categories)
        rng.shuffle(codes)
        self.category_cycle = codes  # every category is used at least once

    def plan(self, n: int) -> list[Story]:
        kinds = [(kind, final) for kind, final, count in allocate(n) for _ in range(count)]
        self.rng.shuffle(kinds)
        stories = [self.story(kind, final) for kind, final in kinds if kind != "merged"]
        for story in stories:
            self.schedule(story)
        self.targets = [s for s in stories if s.final in (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED)]
        merged = [self.duplicate(final) for kind, final in kinds if kind == "merged"]
        return sorted(stories, key=lambda s: s.times[0]) + sorted(merged, key=lambda s: s.times[0])

    # Who, where, what.
    def story(self, kind: str, final: str) -> Story:
        rng = self.rng
        quick = kind.startswith("quick")
        focus = kind in FOCUS_KINDS and rng.random() < 0.3
        if kind == "escalated":
            community = self.community_named("花城社区")
        elif focus:
            community = self.community_named(weighted(rng, FOCUS_COMMUNITIES))
        else:
            community = weighted(rng, self.community_weights)
        story = Story(kind=kind, final=final, community=community, compound=None, quick=quick)
        self._channel(story, keep_place=focus or kind == "escalated")
        if story.compound is None and (quick and story.channel == "patrol" or rng.random() < 0.75):
            pool = community.compounds
            if quick and story.channel == "patrol":
                pool = [c for c in pool if community.grid_of[c.pk] == community.grids[0]]
            story.compound = rng.choice(pool)
        if quick:
            story.category = rng.choice(catalogue.QUICK_CATEGORIES)
        elif focus:
            story.category = rng.choice([c for c, route in self.demo.routes.items() if route == "community"])
        elif self.category_cycle:
            story.category = self.category_cycle.pop()
        else:
            story.category = weighted(rng, self.demo.weights.items())
        parent = story.category.split("-")[0]
        story.type = weighted(rng, QUESTION_TYPES if parent in catalogue.QUESTION_GROUPS else TYPES)
        if quick and story.type in ("praise", "suggestion"):
            story.type = "help"  # what a grid worker settles on the spot is a request for help
        if story.type in ("help", "complaint") and rng.random() < 0.12 and not quick:
            story.urgency = "urgent"
        story.data = self.texts(story)
        story.steps = self.steps(story)
        story.intake_jitter = rng.uniform(0, 90)
        story.tail = self.tail(kind)
        story.due_soon = kind in DUE_SOON_KINDS and rng.random() < 0.25
        return story

    def community_named(self, name: str) -> Community:
        return next(c for c in self.demo.communities if c.node.name == name)

    def _channel(self, story: Story, keep_place: bool) -> None:
        rng, demo, kind = self.rng, self.demo, story.kind
        if kind == "submitted":
            channel = "web" if rng.random() < 0.8 else "api"
        elif kind == "withdrawn":
            channel = "web"
        elif story.quick:
            channel = weighted(rng, [("patrol", 60), ("walk_in", 25), ("talk_day", 15)])
        else:
            channel = weighted(rng, CHANNELS)
        if channel == "api":
            # Every other app request comes from the demo's Open311 client (no draw: the demo stays the same).
            self._apps = getattr(self, "_apps", 0) + 1
            channel = "open311" if self._apps % 2 == 0 else "api"
        story.channel = channel
        community = story.community
        if channel == "web" and (kind == "withdrawn" or rng.random() < 0.5):
            weights = 1 if kind == "withdrawn" else 4  # `resident` files a good share, rarely withdrawn
            resident = rng.choice([demo.residents[0]] * weights + demo.residents[1:])
            story.resident = story.author = resident
            home_community, home = demo.home_of[resident.pk]
            if not keep_place and rng.random() < 0.8:
                story.community, story.compound = home_community, home
        elif channel == "hotline":
            story.author = demo.users["dispatcher_county" if community.area == "htb" else "dispatcher_ya"]
        elif channel == "patrol":
            story.author = demo.gridworker_of[community.node.pk]
        elif channel in ("walk_in", "talk_day"):
            story.author = demo.handler_of[demo.community_unit[community.node.pk].pk]

    def texts(self, story: Story) -> dict:
        rng, community = self.rng, story.community
        thing = self.demo.things[story.category]
        street, street2 = rng.sample(community.streets, 2)
        if story.compound is not None:
            place = story.compound.name
            b, u = rng.randint(1, 16), rng.randint(1, 4)
            address = f"{place}{b}号楼{u}单元"
            lat = story.compound.lat + rng.uniform(-0.0005, 0.0005)
            lng = story.compound.lng + rng.uniform(-0.0005, 0.0005)
        else:
            place = f"{street}{rng.randint(2, 98)}号院"
            b, u = rng.randint(1, 6), rng.randint(1, 3)
            address = f"{place}{b}号楼"
            lat = community.node.lat + rng.uniform(-0.0015, 0.0015)
            lng = community.node.lng + rng.uniform(-0.0015, 0.0015)
        unit = self.right_unit(story)
        values = {"place": place, "b": b, "u": u, "when": rng.choice(texts.WHEN), "street": street,
                  "street2": street2, "landmark": rng.choice(community.landmarks), "shop": rng.choice(texts.SHOPS),
                  "thing": thing, "unit": unit.name}
        if story.type in texts.GENERIC and not (
            story.type == "question" and story.category.split("-")[0] in catalogue.QUESTION_GROUPS
        ):
            titles, details = texts.GENERIC[story.type]
            title, detail = rng.choice(titles), rng.choice(details)
        else:
            title, detail = rng.choice(texts.DETAILS[story.category])
        title = texts.fill(title, values)
        description = texts.fill(detail, values) + rng.choice(texts.CLOSINGS[story.type])
        data = {
            "category": story.category, "type": story.type, "urgency": story.urgency, "title": title,
            "description": description, "address": address, "community": community.node.code,
            "contact_name": texts.person_name(rng), "contact_phone": texts.mobile(rng),
            "anonymous": rng.random() < 0.08,
        }
        if story.category == "WY-DT":  # the category's required questions (catalogue.QUESTIONS)
            data["answers"] = {"building": f"{b}号楼{u}单元", "trapped": "yes" if "困" in title else "no"}
        if story.resident is not None:
            data["contact_name"] = story.resident.first_name
            data["contact_phone"] = self.demo.phone_of[story.resident.pk]
        if story.channel != "hotline" or rng.random() < 0.4:
            data["lat"], data["lng"] = round(lat, 6), round(lng, 6)
        if story.quick:
            story.quick_reply = self.reply_text(story, unit, "resolved")
        return data

    # Routing: who handles it, and a plausible wrong first choice.
    def right_unit(self, story: Story) -> Unit:
        demo, community = self.demo, story.community
        route = demo.routes[story.category]
        office = demo.community_unit[community.node.pk]
        if story.quick:
            return office
        if route == "property":
            return demo.property_of.get(story.compound.pk if story.compound else 0, office)
        if route in ("police", "partner"):
            unit = demo.units.get(f"{community.area}:{route}")
            if unit and any(n.contains(community.node) for n in unit.jurisdiction.all()):
                return unit
            return office
        if route == "community":
            return office
        return demo.units[f"{community.area}:{route}"]

    def wrong_unit(self, story: Story) -> Unit:
        right = self.right_unit(story)
        office = self.demo.community_unit[story.community.node.pk]
        if right.pk != office.pk:
            return office
        return self.demo.units[f"{story.community.area}:cg"]

    def reply_text(self, story: Story, unit: Unit, result: str) -> tuple[str, str]:
        """(result, reply) fitting the request's type, category and unit."""
        rng = self.rng
        values = {"unit": unit.name, "thing": self.demo.things[story.category]}
        if story.type == "praise":
            return "explained", texts.PRAISE_REPLY
        if story.type == "suggestion":
            return "explained", texts.SUGGESTION_REPLY
        group = story.category.split("-")[0]
        group = "SB" if group in catalogue.QUESTION_GROUPS else group
        if result == "explained":
            return result, texts.fill(texts.EXPLAINED.get(group, texts.EXPLAINED[""]), values)
        if result == "unsolvable":
            return result, texts.fill(texts.UNSOLVABLE.get(group, texts.UNSOLVABLE[""]), values)
        if story.type == "question":
            return result, rng.choice(texts.QUESTION_REPLIES)
        line = unit.code.split("-")[1].lower() if unit.kind == Unit.Kind.DEPARTMENT else unit.kind
        text = texts.fill(rng.choice(texts.REPLIES[line]), values)
        if story.quick:
            text = rng.choice(texts.QUICK_PREFIX) + text
        return result, text

    # Steps.
    def steps(self, story: Story) -> list[Step]:
        rng, kind = self.rng, story.kind
        staff_intake = story.channel in intake.STAFF_CHANNELS
        right, wrong = self.right_unit(story), self.wrong_unit(story)
        steps: list[Step] = []

        def add(action, **args):
            steps.append(Step(action, args))

        co_units: list = []  # the current round's co-units: each replies to its part before the lead unit

        def head(unit=right):
            if not staff_intake:
                add("register")
            co = []
            if unit.kind == "department" and rng.random() < 0.1:
                co = [self.demo.community_unit[story.community.node.pk]]
            co_units[:] = co
            add("dispatch", unit=unit, co_units=co)

        def handle(start=None):
            add("sign")
            if start if start is not None else rng.random() < 0.8:
                add("start")
            if rng.random() < 0.2:
                add("note", content=rng.choice(texts.NOTES))

        def reply(unit=right):
            for co in co_units:
                add("co_reply", unit=co, content=texts.fill(rng.choice(texts.CO_REPLIES),
                                                            {"thing": self.demo.things[story.category]}))
            result = weighted(rng, [("resolved", 80), ("explained", 14), ("unsolvable", 6)])
            result, content = self.reply_text(story, unit, result)
            add("reply", result=result, content=content)

        def evaluate(rating=None):
            rating = rating or weighted(rng, [("satisfied", 75), ("basically_satisfied", 25)])
            if story.resident is not None:
                by = "resident" if rng.random() < 0.75 else "callback"
            else:
                by = "tracking" if rng.random() < 0.5 else "callback"
            add("evaluate", rating=rating, by=by, comment=rng.choice(texts.COMMENTS[rating]))

        def reopen():
            add("reopen", reason=rng.choice(texts.REOPEN_REASONS))

        if kind == "registered":
            if not staff_intake:
                add("register")
        elif kind == "rejected":
            if not staff_intake and rng.random() < 0.5:
                add("register")
            add("reject", reason=rng.choice(texts.REJECT_REASONS))
        elif kind == "dispatched":
            head()
            if rng.random() < 0.25:
                add("urge", content=rng.choice(texts.URGE_TEXTS))
        elif kind == "signed":
            head()
            handle(start=False)
            if rng.random() < 0.3:
                add("request_ext", days=rng.randint(1, 3), reason=rng.choice(texts.EXTENSION_REASONS))
        elif kind == "returned":
            head(wrong)
            add("return", reason=rng.choice(texts.RETURN_REASONS))
        elif kind == "in_progress":
            head()
            handle(start=True)
            r = rng.random()
            if r < 0.2:
                add("request_ext", days=rng.randint(1, 3), reason=rng.choice(texts.EXTENSION_REASONS))
            elif r < 0.35:
                add("request_ext", days=rng.randint(1, 3), reason=rng.choice(texts.EXTENSION_REASONS))
                add("approve_ext", approve=True, note=rng.choice(texts.EXTENSION_NOTES))
            elif r < 0.5:
                add("urge", content=rng.choice(texts.URGE_TEXTS))
            elif r < 0.6:
                add("urge", content=rng.choice(texts.URGE_TEXTS))
                add("supervise", content=rng.choice(texts.SUPERVISE_TEXTS))
        elif kind in ("replied", "evaluated", "reopened", "closed_satisfied", "closed_auto", "closed_dispatcher"):
            head()
            handle()
            reply()
            if kind == "closed_satisfied":
                evaluate()
            elif kind == "closed_auto":
                add("auto_close")
            elif kind in ("evaluated", "reopened", "closed_dispatcher"):
                evaluate("dissatisfied")
                if kind == "reopened":
                    reopen()
                elif kind == "closed_dispatcher":
                    add("close", note=rng.choice(texts.CLOSE_NOTES))
        elif kind == "escalated":
            head()
            for _ in range(3):
                handle(start=False)
                reply()
                evaluate("dissatisfied")
                reopen()
        elif kind == "closed_returned":
            head(wrong)
            add("return", reason=rng.choice(texts.RETURN_REASONS))
            co_units[:] = []
            add("dispatch", unit=right, co_units=[])
            handle()
            reply()
            evaluate()
        elif kind == "closed_reopen":
            head()
            handle()
            reply()
            evaluate("dissatisfied")
            reopen()
            handle()
            reply()
            evaluate()
        elif kind == "closed_extension":
            head()
            handle(start=True)
            add("request_ext", days=rng.randint(1, 3), reason=rng.choice(texts.EXTENSION_REASONS))
            add("approve_ext", approve=rng.random() < 0.85, note=rng.choice(texts.EXTENSION_NOTES))
            reply()
            evaluate()
        elif kind == "closed_supervised":
            head()
            handle(start=True)
            add("urge", content=rng.choice(texts.URGE_TEXTS))
            add("supervise", content=rng.choice(texts.SUPERVISE_TEXTS))
            reply()
            evaluate()
        elif kind == "quick_closed":
            if rng.random() < 0.6:
                evaluate()
            else:
                add("auto_close")
        elif kind == "withdrawn":
            r = rng.random()
            if r < 0.6:
                add("register")
            if r < 0.3:
                add("dispatch", unit=right, co_units=[])
            add("withdraw", reason=rng.choice(texts.WITHDRAW_REASONS))
        for step in steps:
            step.gap = self.gap(story, step)
            step.jitter = rng.uniform(0, 80)
            step.duty = rng.random() < 0.08
        return steps

    def gap(self, story: Story, step: Step) -> float:
        """Minutes between the previous step and this one."""
        rng = self.rng
        slow = rng.random() < 0.12
        ranges = {
            "register": (300, 1500) if slow else (8, 150),
            "reject": (15, 240),
            "dispatch": (3, 120),
            "sign": (600, 2800) if slow else (10, 240),
            "return": (30, 400),
            "start": (2, 90),
            "note": (20, 300),
            "request_ext": (600, 4000),
            "approve_ext": (20, 300),
            "urge": (600, 2880),
            "supervise": (120, 1440),
            "reply": (2000, 12000) if story.category in catalogue.LONG_HANDLING else (120, 5000),
            "co_reply": (60, 2000),
            "reopen": (60, 600),
            "close": (600, 3000),
            "merge": (10, 300),
            "withdraw": (30, 2000),
            "auto_close": (3, 40),
        }
        if step.action == "evaluate":
            low, high = (1440, 4000) if step.args["by"] == "callback" else (60, 5000)
        else:
            low, high = ranges[step.action]
        minutes = logu(rng, low, high)
        if step.action == "reply" and slow:
            minutes *= 2.5
        if story.urgency == "urgent" and step.action in ("register", "dispatch", "sign", "start", "reply"):
            minutes *= 0.15
        return minutes

    def tail(self, kind: str) -> float:
        if kind not in TAILS:
            return 0.0
        long_share, short, long = TAILS[kind]
        low, high = long if self.rng.random() < long_share else short
        return logu(self.rng, low, high)

    # Time.
    def schedule(self, story: Story) -> None:
        """Fixes the moments of the story's steps (see the module docstring)."""
        now = self.now
        if story.kind in OPEN_KINDS:
            times = self.fit(story, story.tail)
            if story.due_soon:
                tails = [5 * 1.15**i for i in range(70)]  # 5 minutes to about 12 days
                self.rng.shuffle(tails)
                for tail in tails:
                    candidate = self.fit(story, tail)
                    window = self.window(story, candidate)
                    if window and window[0] <= now <= window[1] and candidate[-1] < now - MIN:
                        times = candidate
                        break
            tail = story.tail
            while story.final == S.REPLIED and now - times[-1] > EVALUATION_ROOM and tail > 10:
                tail /= 2  # still inside its evaluation window, or the timer would have closed it
                times = self.fit(story, tail)
            t0 = times[0]
        else:
            span = self.simulate(story, now - HISTORY)
            latest = now - (span[-1] - span[0]) - timedelta(minutes=30)
            t0 = now - HISTORY + (latest - (now - HISTORY)) * self.rng.random()
            times = self.simulate(story, t0)
        extra = timedelta(minutes=30)
        while times[-1] >= now - MIN:  # snapping can push past now: move earlier
            t0 -= (times[-1] - now) + extra
            extra *= 2
            times = self.simulate(story, t0)
        story.times = times

    def fit(self, story: Story, tail: float) -> list[datetime]:
        """Moments such that the last step happens `tail` minutes before now
        (as near as office hours allow)."""
        target_end = self.now - timedelta(minutes=tail)
        t0 = target_end - timedelta(minutes=sum(s.gap for s in story.steps))
        for _ in range(8):
            times = self.simulate(story, t0)
            diff = target_end - times[-1]
            if abs(diff) < MIN:
                break
            t0 += diff
        return times

    def window(self, story: Story, times: list[datetime]) -> tuple[datetime, datetime] | None:
        """(warn_at, due) of the step that will be running at the end, computed
        with the platform's own deadline functions; None when no step runs or
        an extension makes it hard to foresee."""
        actions = [s.action for s in story.steps]
        if "request_ext" in actions:
            return None

        def last(action):
            return max((i + 1 for i, a in enumerate(actions) if a == action), default=None)

        kind = story.kind
        if kind == "submitted" or (kind == "registered" and not actions):
            step, start, warn_start = "dispatch", times[0], None
        elif kind == "registered":
            step, start, warn_start = "dispatch", times[last("register")], None
        elif kind == "returned":
            step, start, warn_start = "dispatch", times[last("return")], None
        elif kind == "dispatched":
            step, start, warn_start = "sign", times[last("dispatch")], None
        elif kind == "reopened":
            step, start, warn_start = "sign", times[last("reopen")], None
        elif kind in ("signed", "in_progress"):
            step, start, warn_start = "handle", times[last("dispatch")], times[last("sign")]
        else:
            return None
        probe = Appeal(category=self.demo.categories[story.category], urgency=story.urgency, type=story.type)
        key = (step, story.category, story.urgency, story.type)
        if key not in self._limits:
            self._limits[key] = deadlines.limit_for(step, probe)
        amount, clock = self._limits[key]
        due = deadlines.add_time(self.calendar, start, amount, clock).at
        warn = deadlines.warn_time(self.calendar, warn_start or start, due, clock)
        return warn, due

    def simulate(self, story: Story, t0: datetime) -> list[datetime]:
        intake_actor = "resident" if story.channel in ("web", "api", "open311") else (
            "hotline" if story.channel == "hotline" else "staff")
        t = self.snap(t0, intake_actor, story.intake_jitter)
        times = [t]
        replied_at = t if story.quick else None
        for step in story.steps:
            if step.action == "auto_close":
                t = replied_at + timedelta(days=7, minutes=step.gap)
            else:
                actor = "resident" if step.action in RESIDENT_ACTIONS or (
                    step.action == "evaluate" and step.args["by"] != "callback") else "staff"
                if actor == "staff" and (step.duty or story.urgency == "urgent"):
                    actor = "duty"  # on call: any day, 8:00 to 21:00
                t = self.snap(t + timedelta(minutes=step.gap), actor, step.jitter)
            if step.action == "reply":
                replied_at = t
            times.append(t)
        return times

    def snap(self, t: datetime, actor: str, jitter: float) -> datetime:
        """The first moment from `t` on at which `actor` would act."""
        local = t.astimezone(self.tz)
        if actor in HOURS:
            first, last = HOURS[actor]
            if local.time() < first:
                return local.replace(hour=first.hour, minute=0, second=0) + timedelta(minutes=jitter)
            if local.time() >= last:
                next_day = (local + timedelta(days=1)).replace(hour=first.hour, minute=0, second=0)
                return next_day + timedelta(minutes=jitter)
            return local
        day = local.date()
        if self.calendar.is_workday(day) and time(9, 0) <= local.time() < time(18, 0):
            return local
        if not (self.calendar.is_workday(day) and local.time() < time(9, 0)):
            day += timedelta(days=1)
            while not self.calendar.is_workday(day):
                day += timedelta(days=1)
        start = datetime.combine(day, time(9, 0), tzinfo=local.tzinfo)
        return start + timedelta(minutes=jitter)

    # Duplicates.
    def duplicate(self, final: str) -> Story:
        """A request that repeats an open one and is merged into it."""
        rng = self.rng
        target = rng.choice(self.targets)
        if target.times[0] > self.now - timedelta(hours=12):
            # Too recent to have drawn a duplicate: take the oldest instead (not
            # another draw, so the random sequence does not depend on the clock).
            target = min(self.targets, key=lambda s: s.times[0])
        story = Story(kind="merged", final=final, community=target.community, compound=target.compound,
                      category=target.category, type=target.type, urgency=target.urgency, target=target)
        story.channel = weighted(rng, [("web", 50), ("hotline", 35), ("api", 15)])
        if story.channel == "hotline":
            story.author = self.demo.users["dispatcher_county" if story.community.area == "htb" else "dispatcher_ya"]
        story.data = dict(target.data, contact_name=texts.person_name(rng), contact_phone=texts.mobile(rng),
                          anonymous=False)
        story.data["description"] = rng.choice(["同样的问题，", "又来反映一次：", "邻居也遇到了："]) + \
            target.data["description"]
        story.data["description"] = story.data["description"][:2000]
        if story.channel != "hotline" and rng.random() < 0.5:
            story.steps.append(Step("register"))
        story.steps.append(Step("merge"))
        for step in story.steps:
            step.gap = logu(rng, 10, 300)
            step.jitter = rng.uniform(0, 80)
        story.intake_jitter = rng.uniform(0, 90)
        # Submitted between the target's intake and now, leaving time to merge.
        room = (self.now - timedelta(hours=3)) - target.times[0]
        t0 = target.times[0] + max(room, timedelta(minutes=30)) * rng.uniform(0.05, 0.6)
        times = self.simulate(story, t0)
        while times[-1] >= self.now - MIN:
            t0 -= (times[-1] - self.now) + timedelta(minutes=30)
            times = self.simulate(story, t0)
        story.times = times
        return story
