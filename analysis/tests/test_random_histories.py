"""Random histories (returns, extensions, reopenings, merges, withdrawals,
co-units, call-backs, timers) played through the real services on a moving
clock; then every figure of every scope and several periods is checked against
a recount made directly from the timeline events, written apart from
analysis.facts so that a mistake there shows here."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from analysis import keeping
from analysis.figures import Query, Scope
from analysis.keeping import hours_bucket
from analysis.models import FigureSettings
from appeals import services, workflow
from appeals.errors import ActionError
from appeals.models import Appeal, AppealEvent
from organisations.models import Node, Role
from workcalendar.calendar import WorkCalendar

pytestmark = pytest.mark.django_db(transaction=False)

START = timezone.make_aware(datetime(2026, 3, 20, 9, 0))


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def advance(self, rng):
        self.at += timedelta(hours=rng.choice([0.2, 1, 3, 7, 20, 50]))


def _actors(cast):
    User = get_user_model()
    dept = User.objects.create_user("depthandler", password="pw")
    Role.objects.create(user=dept, name=Role.Name.HANDLER, unit=cast.department)
    people = [cast.dispatcher, cast.handler, cast.property_handler, dept, cast.supervisor, cast.resident]
    return [cast.fresh(p) for p in people]


def _kwargs(action, appeal, rng, cast, others):
    units = [cast.community_unit, cast.property, cast.department]
    if action == "dispatch":
        lead = rng.choice(units)
        co = [u.pk for u in units if u != lead and rng.random() < 0.3]
        return {"unit": lead.pk, "co_units": co}
    if action in ("reject", "return", "reopen"):
        return {"reason": "理由"}
    if action == "request-extension":
        return {"days": rng.randint(1, 3), "reason": "需要协调"}
    if action == "approve-extension":
        return {"approve": rng.random() < 0.7}
    if action in ("co-reply", "urge", "supervise", "note"):
        return {"content": "内容"}
    if action == "reply":
        return {"result": rng.choice(["resolved", "resolved", "explained", "unsolvable"]), "content": "已处理",
                "co_note": "协办单位未及时答复"}
    if action == "evaluate":
        return {"rating": rng.choice(["satisfied", "basically_satisfied", "dissatisfied"])}
    if action == "callback":
        return {"rating": rng.choice(["satisfied", "basically_satisfied", "dissatisfied"]), "reached": True}
    if action == "merge":
        targets = [o for o in others if o.pk != appeal.pk and o.status not in ("merged", "withdrawn", "rejected",
                                                                               "closed")]
        return {"into": rng.choice(targets).pk} if targets else None
    return {}


def play(cast, n=60, seed=7):
    rng = random.Random(seed)
    actors = _actors(cast)
    clock = Clock(START)
    appeals = []
    with mock.patch("django.utils.timezone.now", clock):
        for i in range(n):
            clock.at = START + timedelta(days=rng.randint(0, 70), hours=rng.randint(0, 12))
            place = rng.choice(["花城小区3号楼", "花城社区", "北京南路社区", "呼图壁镇"])
            category = rng.choice(["WY-DT", "SZ-LD"])
            kind = rng.choice(["help", "complaint", "question"])
            appeal = cast.submit(address=place, category=category, type=kind,
                                 urgency=rng.choice(["normal", "normal", "urgent"]), title=f"诉求{i}")
            appeals.append(appeal)
            for _step in range(rng.randint(2, 18)):
                clock.advance(rng)
                appeal = Appeal.objects.get(pk=appeal.pk)
                by_action = defaultdict(list)
                for p in actors:
                    for a in workflow.allowed_actions(appeal, p):
                        if a not in ("urge", "note", "supervise"):
                            by_action[a].append(p)
                for ending in ("merge", "withdraw", "reject"):
                    if ending in by_action and rng.random() < 0.85:
                        del by_action[ending]  # rarely: it ends the request
                if not by_action:
                    break
                action = rng.choice(sorted(by_action))
                person = rng.choice(by_action[action])
                kwargs = _kwargs(action, appeal, rng, cast, appeals)
                if kwargs is None:
                    continue
                try:
                    services.ACTIONS[action](appeal, actor=person, **kwargs)
                except ActionError:
                    pass  # e.g. a merge into a request closed meanwhile
        clock.at += timedelta(days=30)
        services.close_expired_evaluations(clock.at)
    return appeals


# --- The recount, from the events alone ---------------------------------------------

def recount(scope: Scope, start: date | None, end: date | None, categories=None):
    calendar = WorkCalendar.load()
    totals = defaultdict(int)
    places = defaultdict(lambda: {"received": 0, "replied": 0, "dissatisfied": 0})  # the hotspot map
    hours = []
    for appeal in Appeal.objects.all():
        events = list(AppealEvent.objects.filter(appeal=appeal).order_by("at", "id"))
        submit = events[0]
        assert submit.action == "submit"
        day = timezone.localtime(submit.at).date()
        if (start and day < start) or (end and day > end):
            continue
        if categories is not None and appeal.category_id not in categories:
            continue
        in_area = scope.node is not None and appeal.node_path.startswith(scope.node.path)
        # Which unit each event's round belongs to, and the lead unit at the end.
        lead, unit_of = 0, []
        for e in events:
            if e.action == "dispatch":
                lead = e.data["unit"]
            unit_of.append(lead)
            if e.action == "return":
                lead = 0
        def mine(u, in_area=in_area):
            return in_area if scope.node is not None else u == scope.unit.pk

        # each unit's part
        for i, e in enumerate(events):
            u = unit_of[i]
            if e.action == "dispatch" and mine(u):
                totals["dispatched"] += 1
            if e.action == "dispatch":
                for co in e.data.get("co_units", []):
                    totals["co_parts"] += mine(co)
            if e.action == "co-reply":
                totals["co_replied"] += mine(e.data["unit"])
            if e.action == "sign" and mine(u):
                totals["signed_on_time"] += bool(e.data["on_time"])
                due = e.data.get("respond_due")
                if e.data.get("on_the_spot"):
                    totals["response_due"] += 1
                    totals["responded_on_time"] += 1
                elif due:
                    totals["response_due"] += 1
                    answer = next((x for x in events[i + 1:] if x.action in ("start", "reply", "return")), None)
                    totals["responded_on_time"] += bool(answer and answer.at <= datetime.fromisoformat(due))
            if e.action == "return" and mine(e.data["unit"]):
                totals["returns"] += 1
        # the request's own counts, for its lead unit
        if not mine(lead):
            continue
        acts = [e.action for e in events]
        replies = [e for e in events if e.action == "reply"]
        ratings = [e.data["rating"] for e in events if e.action == "evaluate"]
        totals["received"] += 1
        places[appeal.node_id]["received"] += 1
        places[appeal.node_id]["replied"] += bool(replies)
        places[appeal.node_id]["dissatisfied"] += bool(ratings) and ratings[-1] == "dissatisfied"
        totals["registered"] += "register" in acts
        totals["rejected"] += "reject" in acts
        totals["withdrawn"] += "withdraw" in acts
        totals["merged"] += "merge" in acts
        totals["closed"] += "close" in acts
        totals["reopenings"] += acts.count("reopen")
        totals["reopened"] += "reopen" in acts
        totals["extensions"] += sum(1 for e in events if e.action == "approve-extension" and e.data["approve"])
        if replies:
            totals["replied"] += 1
            totals["replied_on_time"] += bool(replies[-1].data["on_time"])
            hours.append(max(0, round(calendar.working_hours_between(submit.at, replies[0].at) * 10)))
        if ratings:
            totals["evaluated"] += 1
            totals[{"satisfied": "satisfied", "basically_satisfied": "basically",
                    "dissatisfied": "dissatisfied"}[ratings[-1]]] += 1
            totals["resolved"] += replies[-1].data["result"] == "resolved"
    hours.sort()
    steps = sorted(hours_bucket(h) for h in hours)  # the histogram's steps: 0.1 h, then 1 h, then 10 h
    p90 = steps[math.ceil(0.9 * len(steps)) - 1] / 10 if steps else None
    avg = round(sum(hours) / len(hours) / 10, 1) if hours else None
    return totals, avg, p90, dict(places)


CHECKED = ("received", "registered", "rejected", "replied", "replied_on_time", "closed", "withdrawn", "merged",
           "reopened", "reopenings", "extensions", "evaluated", "satisfied", "basically", "dissatisfied",
           "resolved", "dispatched", "signed_on_time", "returns", "response_due", "responded_on_time",
           "co_parts", "co_replied")


def test_every_figure_matches_a_recount_from_the_timeline(cast):
    play(cast)
    actions = set(AppealEvent.objects.values_list("action", flat=True))
    # the histories did reach what the figures must get right
    assert {"return", "approve-extension", "reopen", "merge", "withdraw", "co-reply", "evaluate", "close",
            "reject"} <= actions, actions
    assert keeping.fact_differences() == 0
    assert keeping.tally_differences() == (0, 0)

    scopes = [Scope(node=n) for n in (cast.county, cast.town, cast.community, cast.grid, cast.compound,
                                      cast.city, cast.other_community)]
    scopes += [Scope(unit=u) for u in (cast.community_unit, cast.property, cast.department)]
    periods = [(None, None), (date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 3, 25), date(2026, 5, 6)),
               (date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 5, 2), None)]
    checked = 0
    for scope in scopes:
        for start, end in periods:
            for cats in (None, [cast.category.pk]):
                query = Query(scope, start, end, cats)
                want, avg, p90, places = recount(scope, start, end, cats)
                got = query.counts()
                for name in CHECKED:
                    assert got[name] == want[name], (scope.name, start, end, cats, name, got[name], want[name])
                assert query.hours() == (avg, p90), (scope.name, start, end, cats)
                assert {n: c for n, c in query.places().items() if any(c.values())} == places, (scope.name, start)
                checked += 1
    assert checked == len(scopes) * len(periods) * 2
    county = Query(Scope(node=cast.county)).counts()
    assert county["received"] == Appeal.objects.filter(node_path__startswith=cast.county.path).count() > 20


def test_the_breakdowns_add_up_to_the_totals(cast):
    play(cast, n=25, seed=11)
    for query in (Query(Scope(node=cast.county)), Query(Scope(node=cast.community)),
                  Query(Scope(node=cast.town), date(2026, 4, 10), date(2026, 7, 20))):
        _adds_up(query)


def _adds_up(query):
    total = query.counts()
    for grain in ("D", "W", "M", "Y"):
        trend = query.trend(grain)
        assert sum(c["received"] for _d, c in trend) == total["received"], grain
        assert sum(c["replied"] for _d, c in trend) == total["replied"], grain
        assert all(d == d.replace(day=1) for d, _c in trend) or grain in "DW"
        assert all(d.weekday() == 0 for d, _c in trend) or grain != "W"
    for dimension in ("category", "unit", "channel", "type", "urgency"):
        rows = query.breakdown(dimension)
        names = ("received", "replied", "dispatched", "returns", "satisfied") if dimension in (
            "category", "unit", "channel") else ("received",)  # by type and urgency: received only
        for name in names:
            assert sum(c[name] for _v, c in rows) == total[name], (dimension, name)


def test_every_area_of_a_ranking_matches_its_recount(cast):
    play(cast, n=30, seed=5)
    periods = [(None, None), (date(2026, 3, 25), date(2026, 5, 6)), (date(2026, 4, 1), date(2026, 4, 30))]
    checked = 0
    for parent in (cast.county, cast.town, cast.community):
        for start, end in periods:
            for cats in (None, [cast.category.pk]):
                for node, got in Query(Scope(node=parent), start, end, cats).by_area():
                    want = recount(Scope(node=node), start, end, cats)[0]
                    for name in CHECKED:
                        assert got[name] == want[name], (parent.name, node.name, start, end, cats, name)
                    checked += 1
    assert checked == 3 * len(periods) * 2


def test_a_tree_move_moves_the_figures(cast):
    play(cast, n=20, seed=5)
    before = Query(Scope(node=cast.town)).counts()["received"]
    moving = Query(Scope(node=cast.community)).counts()["received"]
    assert moving > 0
    new_town = Node.objects.create(code="HTB-X", name="新城镇", kind=Node.Kind.TOWN, parent=cast.county)
    community = Node.objects.get(pk=cast.community.pk)
    community.parent = new_town
    community.save()
    assert Query(Scope(node=cast.town)).counts()["received"] == before - moving
    assert Query(Scope(node=new_town)).counts()["received"] == moving
    assert keeping.tally_differences() == (0, 0)


def test_rates_are_none_without_a_denominator_and_round_as_configured(cast, settings):
    from analysis.figures import Counts, Rate

    assert Rate(0, 0).percent is None
    settings.HUBIYING_RATE_ROUNDING = "truncate"
    assert str(Rate(3219, 3289).percent) == "97.8"  # the article's figure: 97.87… cut
    settings.HUBIYING_RATE_ROUNDING = "half_up"
    assert str(Rate(3219, 3289).percent) == "97.9"
    assert str(Rate(1, 8).percent) == "12.5"
    assert str(Rate(1, 16).percent) == "6.3"  # 6.25 → 6.3, not banker's 6.2

    c = Counts()
    c.values.update(satisfied=6, basically=2, dissatisfied=2)
    choice = FigureSettings(basically=FigureSettings.Basic.SATISFIED)
    assert c.rates(choice)["satisfaction_rate"].percent == 80
    choice.basically = FigureSettings.Basic.EXCLUDED
    assert str(c.rates(choice)["satisfaction_rate"].percent) == "75.0"
    choice.basically, choice.basically_weight = FigureSettings.Basic.WEIGHTED, "0.5"
    assert str(c.rates(choice)["satisfaction_rate"].percent) == "70.0"


def test_deleting_requests_takes_them_out_of_the_figures(cast):
    play(cast, n=8, seed=3)
    Appeal.objects.filter(merged_into__isnull=False).delete()
    for a in Appeal.objects.order_by("-pk")[:3]:
        a.delete()
    assert keeping.tally_differences() == (0, 0)
    assert Query(Scope(node=cast.county)).counts()["received"] + \
        Query(Scope(node=cast.city)).counts()["received"] == Appeal.objects.count()


def test_the_rebuild_gives_back_what_the_events_kept(cast):
    play(cast, n=15, seed=2)
    from analysis.models import HoursTally, Tally, UnitTally

    kept = sorted(Tally.objects.values_list("scope", "grain", "period", "category", "channel", "received",
                                            "replied", "dispatched", "returns"))
    kept_units = sorted(UnitTally.objects.values_list("scope", "grain", "period", "category", "unit", "received",
                                                      "replied", "dispatched", "returns"))
    kept_hours = sorted(HoursTally.objects.values_list("scope", "grain", "period", "category", "tenths", "count"))
    Tally.objects.update(received=0)
    assert keeping.tally_differences()[0] > 0
    keeping.rebuild_tallies()
    assert keeping.tally_differences() == (0, 0)
    assert sorted(r for r in Tally.objects.values_list("scope", "grain", "period", "category", "channel",
                                                     "received", "replied", "dispatched", "returns")
                  if any(r[5:])) == [row for row in kept if any(row[5:])]
    assert sorted(r for r in UnitTally.objects.values_list("scope", "grain", "period", "category", "unit",
                                                         "received", "replied", "dispatched", "returns")
                  if any(r[5:])) == [row for row in kept_units if any(row[5:])]
    assert sorted(HoursTally.objects.values_list("scope", "grain", "period", "category", "tenths", "count")) == \
        [h for h in kept_hours if h[5]]
