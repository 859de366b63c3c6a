"""The demo's micro-fund (社区微基金): the community of the demo's community
staff opened a fund thirteen months ago; shops, companies and neighbours gave
it 38,000 yuan in all (the article's figure), some of them anonymously; it paid
for a neighbourhood square in three stages, the stairwell lights a resident
asked for, and new fitness equipment — once short of money for the square's
last stage, with an advance from the residents' committee, repaid from a later
donation. One donation was entered as 5,000 instead of 500: reversed, then
posted right. One proposal was turned down; one waits for the committee.

The committee is the community's staff member (李慧, `communitystaff`) and its
grid worker: the staff member proposes, the grid worker approves. Everything is posted
through the ledger's own services, each at its moment (the clock is set back
for it), so the demo's ledger is one a county would have. It ends holding 6,859.50 yuan."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.db.models import Q
from django.utils import timezone

from appeals.models import Appeal
from deliberation.models import Topic
from fund import ledger, services
from fund.models import DonorKind, Entry, Evidence, Fund, Project, Proposal
from organisations.models import Role

D = DonorKind
OPENED_DAYS_AGO = 395
# (days ago, donor, kind, anonymous, amount, project key or None); the donations add up to 38,000.00.
DONATIONS = [
    (390, "呼图壁县鑫源商贸有限公司", D.COMPANY, False, "10000.00", "square"),
    (372, "惠民大药房", D.SHOP, False, "2000.00", None),
    (360, "老马家拌面馆", D.SHOP, False, "1200.00", "square"),
    (341, "天山物业服务有限公司", D.COMPANY, False, "5000.00", "square"),
    (330, "张建国", D.PERSON, False, "800.00", None),
    (318, "一位居民", D.PERSON, True, "500.00", None),  # entered as 5,000 first: see MISTAKE
    (290, "阳光便利店", D.SHOP, False, "1500.00", "lights"),
    (251, "李秀兰", D.PERSON, True, "300.00", None),
    (206, "呼图壁县建安建筑工程有限公司", D.COMPANY, False, "8000.00", "fitness"),
    (170, "古丽娜尔烤馕店", D.SHOP, False, "600.00", None),
    (100, "王德福", D.PERSON, False, "1000.00", "fitness"),
    (96, "绿洲农资经营部", D.SHOP, False, "2600.00", None),
    (61, "一位老党员", D.PERSON, True, "1500.00", None),
    (33, "新华书店呼图壁分店", D.COMPANY, False, "3000.00", None),
]
MISTAKE = (318, "5000.00")  # posted the same day as the 500, reversed the next day
# (days ago, project key, amount, paid to, purpose, proposed by: "staff" or "grid")
SPENDING = [
    (300, "square", "8600.00", "呼图壁县宏达市政园林工程队", "邻里广场场地平整与铺装（一期）", "staff"),
    (262, "lights", "1260.50", "明亮电器维修部", "3号楼、5号楼楼道声控灯更换", "staff"),
    (228, "square", "9800.00", "呼图壁县宏达市政园林工程队", "邻里广场花坛与步道（二期）", "staff"),
    (150, "fitness", "3280.00", "康体健身器材经销部", "北侧健身器材更换6件", "staff"),
    (118, "square", "8200.00", "呼图壁县宏达市政园林工程队", "邻里广场凉亭与照明（三期）", "staff"),
]
# The fund holds 6,959.50 when the third stage's 8,200 falls due: the residents' committee advances 2,000.
ADVANCE = (119, "2000.00", "{community}居民委员会", "邻里广场三期工程款垫支")
REPAYMENT = (95, "2000.00", "{community}居民委员会", "归还邻里广场三期垫支")
REJECTED = (80, "8000.00", "某广告传媒公司", "小区入口LED广告屏", "不属于居民提出的需求，且有商业广告，委员会不同意。")
WAITING = (3, "square", "1800.00", "呼图壁县宏达市政园林工程队", "邻里广场增补休闲座椅8组")
PROJECTS = {
    "square": ("邻里广场改造", "把小区中间的空地改成居民休闲的邻里广场：平整铺装、花坛步道、凉亭和照明，分三期实施。",
               "27000.00"),
    "lights": ("楼道照明维修", "3号楼、5号楼楼道声控灯坏了半年，老人晚上上下楼看不清。", "1500.00"),
    "fitness": ("健身器材更换", "北侧健身器材松动损坏，更换为新的适老健身器材。", "3500.00"),
}
STAGE_AT = time(10, 30)


def wipe(roots) -> None:
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(node__path__startswith=root.path)
    funds = list(Fund.objects.filter(q))
    ledger.wipe(funds)
    for item in Evidence.objects.filter(proposal__fund__in=funds):
        item.image.delete(save=False)
    Evidence.objects.filter(proposal__fund__in=funds).delete()
    Proposal.objects.filter(fund__in=funds).delete()
    Project.objects.filter(fund__in=funds).delete()
    Fund.objects.filter(pk__in=[f.pk for f in funds]).delete()


def build(demo, rng: random.Random, today: date) -> dict[str, int]:
    staff = demo.users.get("communitystaff")
    role = Role.objects.filter(user=staff, name=Role.Name.COMMUNITY_STAFF).select_related("node").first()
    if role is None:
        return {}
    node = role.node
    grid = demo.gridworker_of.get(node.pk)
    people = {"staff": staff, "grid": grid or staff}
    tz = timezone.get_default_timezone()

    @contextmanager
    def on(days_ago: int, minutes: int = 0):
        moment = datetime.combine(today - timedelta(days=days_ago), STAGE_AT, tzinfo=tz) + timedelta(minutes=minutes)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            yield moment.date()

    with on(OPENED_DAYS_AGO) as day:
        fund = services.open_fund(node, by=staff, opened_on=day)
    fund.committee.add(*{u for u in people.values() if u is not None})
    projects = {}
    for key, (title, description, budget) in PROJECTS.items():
        with on(OPENED_DAYS_AGO - 1):
            projects[key] = services.save_project(fund, by=staff, title=title, description=description,
                                                  budget=budget, topic=_topic(node, title), appeal=_appeal(node, key))
    events = [(d[0], 0, "donation", d) for d in DONATIONS] + [(s[0], 5, "spend", s) for s in SPENDING]
    events += [(MISTAKE[0], 1, "mistake", MISTAKE), (ADVANCE[0], 0, "advance", ADVANCE),
               (REPAYMENT[0], 10, "repay", REPAYMENT), (REJECTED[0], 0, "reject", REJECTED)]
    mistaken = None
    for days_ago, minutes, what, row in sorted(events, key=lambda e: (-e[0], e[1])):
        if what == "donation":
            _, donor, kind, anonymous, amount, key = row
            with on(days_ago, minutes) as day:
                services.record_donation(fund, by=staff, amount=Decimal(amount), on=day, donor_name=donor,
                                         donor_kind=kind, anonymous=anonymous, project=projects.get(key))
        elif what == "mistake":
            with on(days_ago, 30) as day:
                mistaken = services.record_donation(fund, by=staff, amount=Decimal(row[1]), on=day,
                                                    donor_name="一位居民", donor_kind=D.PERSON, anonymous=True)
            with on(days_ago - 1):
                services.reverse(mistaken, by=staff, reason="金额录入错误，实为500元，已另行入账")
        elif what == "spend":
            _, key, amount, payee, purpose, who = row
            _propose_and_approve(fund, on, days_ago, people, who, Proposal.Kind.EXPENDITURE, amount, payee, purpose,
                                 projects[key])
        elif what in ("advance", "repay"):
            _, amount, lender, purpose = row
            kind = Proposal.Kind.ADVANCE if what == "advance" else Proposal.Kind.REPAYMENT
            _propose_and_approve(fund, on, days_ago, people, "staff", kind, amount, lender.format(community=node.name),
                                 purpose, projects["square"])
        else:
            _, amount, payee, purpose, why = row
            with on(days_ago) as day:
                proposal = services.propose(fund, by=staff, kind=Proposal.Kind.EXPENDITURE, amount=Decimal(amount),
                                            on=day, purpose=purpose, counterparty=payee)
            with on(days_ago - 2):
                services.reject(proposal, by=people["grid"], note=why)
    days_ago, key, amount, payee, purpose = WAITING
    with on(days_ago) as day:
        services.propose(fund, by=staff, kind=Proposal.Kind.EXPENDITURE, amount=Decimal(amount), on=day,
                         purpose=purpose, counterparty=payee, project=projects[key])
    return {"funds": 1, "entries": Entry.objects.filter(fund=fund).count(),
            "proposals": Proposal.objects.filter(fund=fund).count()}


def _propose_and_approve(fund, on, days_ago, people, who, kind, amount, counterparty, purpose, project) -> None:
    proposer = people[who]
    approver = people["grid" if who == "staff" else "staff"]
    with on(days_ago, 5) as day:
        proposal = services.propose(fund, by=proposer, kind=kind, amount=Decimal(amount), on=day, purpose=purpose,
                                    counterparty=counterparty, project=project)
    with on(days_ago, 240):
        services.approve(proposal, by=approver, note="微基金管理委员会审议通过")


def _topic(node, title: str):
    """A topic of the community's deliberation that asked for the square or the equipment, when the demo has one."""
    word = {"邻里广场改造": "广场", "健身器材更换": "健身器材"}.get(title)
    if not word:
        return None
    return Topic.objects.filter(node__path__startswith=node.path, title__contains=word).order_by("pk").first()


def _appeal(node, key: str):
    """The request of the community that asked for the stairwell lights, when the demo's stories made one."""
    if key != "lights":
        return None
    return (Appeal.objects.filter(node_path__startswith=node.path).filter(
        Q(title__contains="灯") | Q(description__contains="路灯") | Q(description__contains="楼道"))
        .order_by("pk").first())
