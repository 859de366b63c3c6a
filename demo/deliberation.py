"""The demo's deliberation (有事E起商量, 居民恳谈日, 议事会): in four communities —
those of the demo's community staff first — a past 居民恳谈日 with who came, its
minutes and three or four items: one made into a request (linked to a request
of that community the demo's stories made, its meeting dated just before it),
one agreed, one deferred to the next meeting, sometimes one not taken up; an
upcoming 议事会 with topics on its agenda; and a few open topics residents
raised.

It runs after the stories have been played (it links their requests; it makes
none, so the demo keeps its number of requests). Rows are made directly, as the
events are (nobody is sent a text message); residents' names are drawn like the
requests' and their phone numbers are plainly fake (1390003xxxx, never the
events' 1390000xxxx, the volunteers' 1390001xxxx or the recipients'
1390002xxxx). `today` tells past from upcoming: nothing falls on it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from appeals.models import Appeal
from deliberation.models import Item, Meeting, Topic
from organisations.models import Role
from places.models import Place

from . import texts

K = Place.Kind
T = Topic.State
OC = Item.Outcome
FAKE_MOBILE = "1390003{:04d}"  # + 100 per community
COMMUNITIES = 4
TALK_DAY_AT, COUNCIL_AT = time(11, 0), time(16, 30)  # Xinjiang keeps Beijing time: the day starts late
PARTICIPANTS = ["居民代表、楼栋长、物业公司、社区民警、网格员", "居民代表、业委会成员、物业公司、社区民警",
                "居民代表、楼栋长、驻区单位代表、物业公司、网格员", "居民代表、党员代表、物业公司、城管队员、网格员"]


@dataclass(frozen=True)
class Matter:
    title: str
    description: str
    agreed: str  # the decision when agreed
    deferred: str  # why it waits for the next meeting
    rejected: str = ""  # why not, when it is not taken up


MATTERS = [
    Matter("小区夜间停车难，消防通道被占", "晚上八点以后车位全满，不少车停在消防通道上，救护车进不来。",
           "物业在南门外空地划出临时停车位30个，消防通道两侧画黄线，网格员每晚巡查一次。",
           "车位改造需要业主大会表决，物业先出方案和报价，下次议事会再议。"),
    Matter("广场舞音响声音太大", "每天晚上广场舞放到九点半，临街住户的孩子没法写作业，老人休息不好。",
           "舞蹈队同意把音量调小、晚上九点前结束，社区试用一个月无线耳机，月底再听意见。",
           "舞蹈队和临街住户各自再征求意见，下次恳谈日再商量时间和位置。"),
    Matter("楼道堆放杂物，存在消防隐患", "3号楼、5号楼楼道里堆着旧家具和纸箱，晚上看不清容易绊倒。",
           "物业张贴通知，一周内居民自行清理，逾期由物业统一清运，楼栋长上门劝导。",
           "部分杂物是老人舍不得扔的东西，先由楼栋长逐户沟通，下次再议清理办法。"),
    Matter("增设电动自行车充电桩", "小区没有充电桩，有人从楼上拉电线下来充电，很危险。",
           "社区联系供电公司和物业，在北门车棚安装充电桩20个，按次收费，月底前装好。",
           "选址涉及绿地，需要征求业主意见，供电公司出方案后下次再议。"),
    Matter("老旧小区加装电梯意见征集", "6层老楼没有电梯，高龄老人上下楼困难，想了解加装政策和费用怎么分摊。",
           "社区整理加装电梯政策和补贴标准，在议事亭张贴，各单元先征求意见，同意率够了再申报。",
           "一楼住户有顾虑，先请住建部门来讲政策，下次再议。",
           "该楼已列入明年老旧小区改造计划，将统一加装，本次不单独议定。"),
    Matter("垃圾投放点离窗户太近", "垃圾投放点紧挨着2号楼窗户，夏天气味大，蚊蝇多。",
           "投放点向东移15米，物业每天清洗消杀两次，并加装遮挡绿篱。",
           "新位置还要和对面单元商量，物业先加强清洗，下次再议。"),
    Matter("孩子放学后没人照看", "双职工家庭的孩子放学后没人照看，希望社区开办“四点半课堂”。",
           "社区在党群服务中心开设“四点半课堂”，大学生志愿者辅导作业，周一至周五开放。",
           "需要先招募够志愿者，社区发布招募通知，下次恳谈日再定开班时间。"),
    Matter("快递在单元门口乱堆放", "快递员把包裹堆在单元门口，经常丢件，也挡路。",
           "物业引入两组智能快递柜，放在物业服务中心旁，快递员不得再堆放在单元门口。",
           "快递柜场地费用还没谈妥，物业和快递公司继续协商，下次再议。",
           "快递柜属于商业经营，由物业和快递公司自行协商，议事会不作决定。"),
    Matter("小区健身器材松动损坏", "北侧健身器材有两件松动，老人锻炼时不安全。",
           "物业本周内维修，损坏严重的先拆除并贴警示，社区申请更换新器材。",
           "器材更换要等街道统一采购，先贴警示，下次再议。"),
    Matter("流浪猫狗增多", "小区里流浪猫狗越来越多，有孩子被吓到，也有居民天天投喂。",
           "设固定投喂点，爱心居民负责清理；社区联系动物救助站开展绝育，楼栋群里通知。",
           "投喂的居民和担心的居民意见不一，先分别听取意见，下次再议。"),
]
REFERRED_DECISION = "大家认为需要职能部门处理：转为诉求，由社区登记上报，办理结果在本页可以查看。"


def wipe(roots) -> None:
    """The demo's meetings (their agenda goes with them) and topics: before the
    tree, which a meeting's and a topic's community protects."""
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(node__path__startswith=root.path)
    Meeting.objects.filter(q).delete()
    Topic.objects.filter(q).delete()


def build(demo, rng: random.Random, today: date) -> dict[str, int]:
    """Creates the meetings, their agendas and the topics; returns their numbers."""
    return _Builder(demo, rng, today).build()


class _Builder:
    def __init__(self, demo, rng: random.Random, today: date):
        self.demo, self.rng, self.today = demo, rng, today
        self.tz = timezone.get_default_timezone()
        self.ceiling = datetime.combine(today, time(0, 0), tzinfo=self.tz)  # the demo's past ends here
        self.figures = dict.fromkeys(["meetings", "items", "topics", "referred"], 0)
        self.staff_of: dict[int, object] = {}
        for key in ("communitystaff", "carestaff"):
            user = demo.users.get(key)
            if user is not None:
                for node_id in Role.objects.filter(user=user, name=Role.Name.COMMUNITY_STAFF).values_list(
                        "node_id", flat=True):
                    self.staff_of.setdefault(node_id, user)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def communities(self) -> list:
        """Those of the demo's community staff first, then those with a deliberation spot."""
        spots = set(Place.objects.filter(kind=K.DELIBERATION, active=True).values_list("node_id", flat=True))
        ranked = sorted(self.demo.communities, key=lambda c: (c.node.pk not in self.staff_of,
                                                              c.node.pk not in spots, c.node.code))
        return ranked[:COMMUNITIES]

    def build(self) -> dict[str, int]:
        for i, community in enumerate(self.communities()):
            self._community(i, community)
        return self.figures

    # --- One community ---------------------------------------------------------------

    def _community(self, i: int, community) -> None:
        node = community.node
        phones = iter(range(i * 100, i * 100 + 100))
        matters = self.rng.sample(MATTERS, 7)
        place = (Place.objects.filter(node=node, kind=K.DELIBERATION, active=True).order_by("pk").first()
                 or Place.objects.filter(node=node, kind=K.CENTRE, active=True).order_by("pk").first())
        staff = self.staff_of.get(node.pk)
        appeal = self._request_of(node)
        talk_day = self._past_day(appeal)

        def topic(matter_title: str, description: str, state: str, before: datetime) -> Topic:
            raised = before - timedelta(days=self.rng.randint(2, 20), minutes=self.rng.randint(0, 600))
            self.figures["topics"] += 1
            return Topic.objects.create(node=node, title=matter_title, description=description,
                                        raised_by_name=texts.person_name(self.rng),
                                        raised_phone=FAKE_MOBILE.format(next(phones)), state=state, created_at=raised)

        # The past talk day: one referred (when the stories made a request here), agreed, deferred, maybe rejected.
        starts = self._at(talk_day, TALK_DAY_AT)
        past = self._meeting(node, Meeting.Kind.TALK_DAY, f"{talk_day.month}月居民恳谈日", starts,
                             timedelta(minutes=90), place, "二楼会议室", staff)
        items: list[tuple[str, str]] = []
        if appeal is not None:  # raised at the meeting itself: the request the stories made of it
            self._item(past, None, OC.REFERRED, REFERRED_DECISION, appeal=appeal, title=appeal.title)
            items.append((appeal.title, REFERRED_DECISION))
        agreed, deferred, *rest = matters
        self._item(past, topic(agreed.title, agreed.description, T.DECIDED, starts), OC.AGREED, agreed.agreed)
        items.append((agreed.title, agreed.agreed))
        waiting = topic(deferred.title, deferred.description, T.OPEN, starts)  # deferred: open again
        self._item(past, waiting, OC.DEFERRED, deferred.deferred)
        items.append((deferred.title, deferred.deferred))
        if appeal is None or self.rng.random() < 0.5:
            dropped = next((m for m in rest if m.rejected), None)
            if dropped is not None:
                rest.remove(dropped)
                self._item(past, topic(dropped.title, dropped.description, T.DROPPED, starts), OC.REJECTED,
                           dropped.rejected)
                items.append((dropped.title, dropped.rejected))
        attendees = self.rng.randint(18, 45)
        participants = self.rng.choice(PARTICIPANTS)
        past.attendees, past.participants = attendees, participants
        past.minutes = self._minutes(talk_day, node.name, past.where, attendees, participants, items)
        past.held_at = past.ends_at + timedelta(hours=self.rng.randint(2, 30))
        past.held_at = min(past.held_at, self.ceiling - timedelta(minutes=1))
        past.save()

        # The coming council: the deferred topic again, and one or two new ones.
        day = self.today + timedelta(days=self.rng.randint(4, 12))
        council = self._meeting(node, Meeting.Kind.COUNCIL, f"{day.month}月居民议事会", self._at(day, COUNCIL_AT),
                                timedelta(minutes=90), place, "议事亭", staff)
        waiting.state = T.ON_AGENDA
        waiting.save(update_fields=["state"])
        self._item(council, waiting, OC.PENDING, "")
        for matter in rest[:self.rng.randint(1, 2)]:
            self._item(council, topic(matter.title, matter.description, T.ON_AGENDA, self.ceiling), OC.PENDING, "")
        # Open topics residents raised lately.
        for matter in rest[2:2 + self.rng.randint(2, 3)]:
            topic(matter.title, matter.description, T.OPEN, self.ceiling)

    def _request_of(self, node) -> Appeal | None:
        """A request of the community the stories made in the last weeks (a talk day's first): the one a past
        talk day made."""
        since, until = self.ceiling - timedelta(days=35), self.ceiling - timedelta(days=2)
        mine = Appeal.objects.filter(node_path__startswith=node.path, created_at__gte=since, created_at__lt=until)
        for found in (mine.filter(channel=Appeal.Channel.TALK_DAY), mine):
            candidates = list(found.order_by("created_at", "tracking_no")[:20])
            if candidates:
                return self.rng.choice(candidates)
        return None

    def _past_day(self, appeal: Appeal | None) -> date:
        """The talk day's date: just before the request it made, else a day in the last three weeks."""
        if appeal is None:
            return self.today - timedelta(days=self.rng.randint(7, 21))
        made = timezone.localtime(appeal.created_at, self.tz)
        return made.date() if made.time() >= time(12, 45) else made.date() - timedelta(days=1)

    def _meeting(self, node, kind, title, starts, length, place, room, staff) -> Meeting:
        self.figures["meetings"] += 1
        return Meeting.objects.create(node=node, kind=kind, title=title, starts_at=starts, ends_at=starts + length,
                                      place=place, location=room if place else f"{node.name}居委会", published=True,
                                      created_by=staff)

    def _item(self, meeting: Meeting, topic: Topic | None, outcome: str, decision: str, appeal=None,
              title: str = "") -> Item:
        self.figures["items"] += 1
        self.figures["referred"] += appeal is not None
        decided = None if outcome == OC.PENDING else meeting.ends_at
        return Item.objects.create(meeting=meeting, topic=topic, title=topic.title if topic else title,
                                   order=meeting.items.count() + 1, outcome=outcome, decision=decision,
                                   decided_at=decided, appeal=appeal)

    def _minutes(self, day: date, community: str, where: str, attendees: int, participants: str,
                 items: list[tuple[str, str]]) -> str:
        numbers = "一二三四五六"
        lines = [f"{day.month}月{day.day}日上午，{community}在{where or '居委会'}召开居民恳谈日，{participants}共"
                 f"{attendees}人参加，社区书记主持。会议逐项讨论了以下议题："]
        lines += [f"{numbers[k]}、{title}。{decision}" for k, (title, decision) in enumerate(items)]
        lines.append("会后由网格员把议定事项发到各楼栋群，落实情况在下次恳谈日通报。")
        return "\n".join(lines)
