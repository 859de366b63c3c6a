"""Bulk-loads a realistic history of requests for the benchmarks.

Reads the loaded county (tree, units, categories, people) and writes N
requests spread over the last few years with their complete timelines, by
COPY into appeals_appeal and appeals_appealevent. Each request walks the same
paths the service functions allow (submit → register → dispatch → sign →
[start] → reply → [evaluate] → close, with rejections, withdrawals, merges,
returns and reopenings); the walk is cut at "now", so recent requests are
still open and some of them are overdue.

Besides the history it adds two pools of fresh requests dispatched to the
unit of one handler account (`--pool-user`): `--pool` dispatched ones (for the
"sign" scenario) and `--pool` signed ones (for "reply").

Bulk-load technique: secondary indexes are dropped and rebuilt after the load,
and foreign-key triggers are skipped for the loading sessions
(session_replication_role = replica; needs a superuser). The generator keeps
every reference consistent itself.
"""

from __future__ import annotations

import io
import json
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from appeals.models import Appeal, AppealEvent, Category
from appeals.search import document as search_document
from appeals.tracking import ALPHABET, RANDOM_LENGTH
from organisations.models import Node, Role, Unit

R = Role.Name
LOCAL = timedelta(hours=8)  # tracking numbers count local (Asia/Shanghai) days
HOUR = 3600.0
DAY = 86400.0

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
)
GIVEN = "秀兰桂英玉梅建国建华志强海燕丽娟文明军伟芳娜敏静磊洋勇艳杰娟涛明超霞平刚桂芝淑珍凤兰国庆红梅立新晓东春花"
DURATIONS = ["已经两天了", "持续一周多", "今天早上开始", "反映过几次", "已有半个月", "昨晚开始", "这几天一直这样"]
IMPACTS = ["老人出行很不方便", "影响居民休息", "存在安全隐患", "孩子上学路过很危险", "给生活带来很大困扰",
           "邻居们意见很大", "晚上出行看不清路"]
ASKS = ["请尽快处理", "希望有关部门帮忙解决", "请派人来看看", "麻烦尽快安排维修", "希望给个答复"]
REPLIES = {
    "resolved": ["已安排人员现场处理，问题已解决。", "已联系相关单位维修完毕，恢复正常。",
                 "经现场核实已处理完成，居民表示认可。"],
    "explained": ["已向居民解释相关政策，并告知办理流程。", "经核实属于正常情况，已电话向居民说明。"],
    "unsolvable": ["该问题涉及规划调整，暂时无法解决，已向居民说明原因并报上级部门。"],
}
REJECT_REASONS = ["重复提交", "不属于本平台受理范围", "内容不完整，无法核实"]
CHANNELS = [("web", 45), ("hotline", 25), ("patrol", 12), ("walk_in", 10), ("api", 5), ("talk_day", 3)]
STAFF_CHANNELS = {"hotline", "walk_in", "patrol", "talk_day"}
TYPES = [("help", 45), ("complaint", 25), ("question", 18), ("suggestion", 9), ("praise", 3)]
UNIT_KIND_WEIGHT = {"community": 5, "property": 3, "department": 3, "police": 1, "partner": 1}


def weighted(pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    cum, total = [], 0
    for w in weights:
        total += w
        cum.append(total)
    return values, cum


class Place:
    """One leaf of the tree where requests happen, with who serves it."""

    __slots__ = ("node", "town", "units", "unit_cum", "gridworker", "dispatcher", "lat", "lng")


def fmt(value) -> str:
    """One value in COPY text format (generated strings hold no tab, newline or backslash)."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Command(BaseCommand):
    help = "Bulk-load N realistic requests with timelines (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--appeals", type=int, default=1_000_000)
        parser.add_argument("--years", type=float, default=3.0)
        parser.add_argument("--pool", type=int, default=8000, help="dispatched and signed requests for the actions")
        parser.add_argument("--pool-user", default="handler")
        parser.add_argument("--seed", type=int, default=20260605)

    # ------------------------------------------------------------------ world
    def load_world(self, pool_user: str):
        nodes = list(Node.objects.all())
        if not nodes:
            raise CommandError("No administrative tree: run manage.py load_demo first.")
        by_path = {n.path: n for n in nodes}
        units = list(Unit.objects.filter(active=True).prefetch_related("jurisdiction"))
        if not units:
            raise CommandError("No handling units: run manage.py load_demo first.")
        roles = list(Role.objects.select_related("node", "unit", "user"))

        def first_user(pred):
            for r in roles:
                if pred(r):
                    return r.user_id
            return None

        self.handler_of = {}
        for r in roles:
            if r.name == R.HANDLER and r.unit_id and r.unit_id not in self.handler_of:
                self.handler_of[r.unit_id] = r.user_id
        self.residents = sorted({r.user_id for r in roles if r.name == R.RESIDENT})
        dispatchers = [(r.node.path, r.user_id) for r in roles if r.name == R.DISPATCHER and r.node_id]
        gridworkers = [(r.node.path, r.user_id) for r in roles if r.name == R.GRID_WORKER and r.node_id]
        fallback_staff = get_user_model().objects.filter(is_superuser=True).values_list("pk", flat=True).first()

        def nearest(pairs, path):
            """The user whose role node is the deepest ancestor of `path`, else one in the same root."""
            best, best_len = None, -1
            for p, uid in pairs:
                if path.startswith(p) and len(p) > best_len:
                    best, best_len = uid, len(p)
            root = "/" + path.strip("/").split("/")[0] + "/"
            return best or next((uid for p, uid in pairs if p.startswith(root)), None)

        def ancestors(node):
            codes = node.path.strip("/").split("/")
            out, prefix = [], "/"
            for c in codes:
                prefix += c + "/"
                if prefix in by_path:
                    out.append(by_path[prefix])
            return out

        leaf_kinds = {Node.Kind.COMPOUND: 5, Node.Kind.GRID: 3, Node.Kind.COMMUNITY: 2}
        places, place_w = [], []
        for node in nodes:
            if node.kind not in leaf_kinds:
                continue
            chain = ancestors(node)
            town = next((a for a in reversed(chain) if a.kind == Node.Kind.TOWN), chain[0])
            cands = [u for u in units if any(node.path.startswith(j.path) for j in u.jurisdiction.all())]
            if not cands:
                continue
            p = Place()
            p.node, p.town = node, town
            p.units, p.unit_cum = weighted([(u, UNIT_KIND_WEIGHT.get(u.kind, 1)) for u in cands])
            p.dispatcher = nearest(dispatchers, town.path) or fallback_staff
            p.gridworker = nearest(gridworkers, node.path) or p.dispatcher
            located = next((a for a in reversed(chain) if a.lat is not None), None)
            p.lat, p.lng = (located.lat, located.lng) if located else (None, None)
            places.append(p)
            place_w.append(leaf_kinds[node.kind])
        if not places:
            raise CommandError("No community, grid or compound served by a unit.")
        self.places, self.place_cum = weighted(list(zip(places, place_w, strict=True)))

        cats = list(Category.objects.filter(active=True))
        parents = {c.parent_id for c in cats if c.parent_id}
        self.categories = [c for c in cats if c.pk not in parents] or cats
        if not self.categories:
            raise CommandError("No categories: run manage.py load_demo first.")

        # The pool for the action scenarios: the unit of the pool handler.
        role = next((r for r in roles if r.name == R.HANDLER and r.user.username == pool_user), None)
        if role is None:
            raise CommandError(f"No handler account {pool_user!r} for the action pools.")
        self.pool_unit = role.unit
        self.pool_handler = role.user_id
        self.pool_places = [p for p in places if self.pool_unit in p.units]
        if not self.pool_places:
            raise CommandError(f"The unit of {pool_user!r} serves no place.")

    # ------------------------------------------------------------ a lifetime
    def life(self, aid: int, created: float, now: float, pool: int):
        """Walks one request from submission; returns (appeal columns, events)."""
        rnd = self.rnd
        place = (rnd.choice(self.pool_places) if pool else
                 self.places[self.bisect(self.place_cum, rnd.random() * self.place_cum[-1])])
        node = place.node
        cat = rnd.choice(self.categories)
        channel = "web" if pool else self.pick(self.channels)
        staff = channel in STAFF_CHANNELS
        kind = self.pick(self.types)
        urgent = rnd.random() < 0.06
        surname = rnd.choice(SURNAMES)
        name = surname + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        phone = f"1{rnd.choice('3456789')}{rnd.randrange(10**9):09d}"
        building = f"{rnd.randint(1, 30)}号楼{rnd.randint(1, 6)}单元"
        title = f"{node.name}{building}{cat.name}"[:100]
        desc = (f"{node.name}{building}{cat.name}，{rnd.choice(DURATIONS)}，{rnd.choice(IMPACTS)}，"
                f"{rnd.choice(ASKS)}。")
        lat = lng = None
        if place.lat is not None and rnd.random() < 0.7:
            lat = round(place.lat + rnd.uniform(-0.004, 0.004), 6)
            lng = round(place.lng + rnd.uniform(-0.004, 0.004), 6)
        resident = None
        if channel == "web" and self.residents and rnd.random() < 0.1:
            resident = rnd.choice(self.residents)
        staff_user = place.gridworker if channel in ("patrol", "talk_day") else place.dispatcher

        events = []
        state = {"status": "submitted"}
        a = dict(self.appeal_defaults)
        a.update(
            id=aid, channel=channel, type=kind, category_id=cat.pk, title=title, description=desc,
            urgency="urgent" if urgent else "normal", lat=lat, lng=lng, address=f"{node.name}{building}",
            node_id=node.pk, node_path=node.path, owner_node_id=place.town.pk, owner_path=place.town.path,
            contact_name=name, contact_phone=phone, anonymous=rnd.random() < 0.03,
            submitted_by_id=resident, created_by_id=staff_user if staff else None,
        )
        limit = now
        t = created

        def ev(action, to, at, actor=None, unit=None, note="", data=None, public=True):
            if at > limit:
                raise _Cut
            events.append((action, state["status"], to, actor, unit, at, note, data or {}, public))
            state["status"] = to
            state["at"] = at

        dispatcher = place.dispatcher
        scale = 0.25 if urgent else 1.0
        unit = handler = None
        try:
            ev("submit", "submitted", t, actor=staff_user if staff else resident,
               data={"channel": channel, "category": cat.pk, "type": kind, "urgency": a["urgency"], "node": node.pk})
            if staff:
                ev("register", "registered", t, actor=staff_user, data={"on_behalf": True})
            elif pool or rnd.random() > 0.012:
                t += rnd.uniform(0.1, 5) * HOUR * scale
                ev("register", "registered", t, actor=dispatcher)
            else:
                t += rnd.uniform(0.5, 8) * HOUR
                reason = rnd.choice(REJECT_REASONS)
                a.update(reject_reason=reason)
                ev("reject", "rejected", t, actor=dispatcher, note=reason)
                raise _Done
            fate = rnd.random()
            if not pool and fate < 0.008:
                t += rnd.uniform(0.1, 10) * HOUR
                ev("reject", "rejected", t, actor=dispatcher, note="不属于本平台受理范围")
                a.update(reject_reason="不属于本平台受理范围")
                raise _Done
            if not pool and fate < 0.016 and aid > self.first_id + 10:
                into = rnd.randint(max(self.first_id, aid - 500), aid - 1)
                t += rnd.uniform(0.1, 6) * HOUR
                ev("merge", "merged", t, actor=dispatcher,
                   data={"into": into, "into_tracking_no": self.tracking.get(into, "")})
                a.update(merged_into_id=into)
                raise _Done
            if not pool and fate < 0.026:
                t += rnd.uniform(0.2, 12) * HOUR
                ev("withdraw", "withdrawn", t, actor=resident)
                raise _Done
            reopens = 0
            while True:
                t += rnd.uniform(0.1, 4) * HOUR * scale
                unit = (self.pool_unit if pool else
                        place.units[self.bisect(place.unit_cum, rnd.random() * place.unit_cum[-1])])
                handler = self.handler_of.get(unit.pk, dispatcher)
                handle_due = t + (1 if urgent else (3 if kind == "question" else 5) * 1.4) * DAY
                ev("dispatch", "dispatched", t, actor=dispatcher,
                   data={"unit": unit.pk, "unit_name": unit.name, "co_units": [],
                         "handle_due": self.iso(handle_due)})
                a.update(unit_id=unit.pk, handle_due=handle_due)
                if not pool and rnd.random() < 0.03:
                    t += rnd.uniform(1, 20) * HOUR
                    ev("return", "returned", t, actor=handler, unit=unit, note="不属于本单位职责范围",
                       data={"unit": unit.pk})
                    a.update(handle_due=None)
                    continue
                break
            if pool == 1:
                raise _Cut  # the sign pool stays dispatched
            while True:
                t += (rnd.uniform(0.2, 2) if pool else rnd.expovariate(1 / 6)) * HOUR * scale
                limit_of_step = 2 * HOUR if urgent else 1.4 * DAY  # the sign and response limits, roughly
                ev("sign", "signed", t, actor=handler, unit=unit,
                   data={"on_time": t <= state["at"] + limit_of_step, "respond_due": self.iso(t + limit_of_step)})
                if pool == 2:
                    limit = t  # the reply pool stays signed
                if rnd.random() < 0.3:
                    t += rnd.uniform(0.1, 6) * HOUR
                    ev("start", "in_progress", t, actor=handler, unit=unit)
                work = rnd.lognormvariate(0.6, 0.8) * DAY * scale
                if rnd.random() < 0.04 and work > 3 * DAY:
                    ev("urge", state["status"], t + work / 2, actor=None, note="请抓紧办理并按时答复。", public=False)
                    a.update(urge_count=1, last_urged_at=t + work / 2)
                t += work
                result = rnd.choices(("resolved", "explained", "unsolvable"), (80, 17, 3))[0]
                content = rnd.choice(REPLIES[result])
                on_time = a["handle_due"] is None or t <= a["handle_due"]
                ev("reply", "replied", t, actor=handler, unit=unit, note=content,
                   data={"result": result, "on_time": on_time})
                a.update(reply_result=result, reply_content=content, replied_at=t, reply_on_time=on_time)
                if rnd.random() < 0.25:
                    t += 7 * DAY
                    ev("close", "closed", t, data={"evaluated": False, "auto": True})
                    a.update(closed_at=t)
                    raise _Done
                t += rnd.expovariate(1 / 1.5) * DAY
                rating = rnd.choices(("satisfied", "basically_satisfied", "dissatisfied"), (80, 15, 5))[0]
                callback = resident is None
                ev("evaluate", "evaluated", t, actor=dispatcher if callback else resident, note="",
                   data={"rating": rating, "channel": "callback" if callback else "page",
                         "proof": "callback" if callback else "account"})
                a.update(rating=rating, evaluated_at=t, evaluated_via="callback" if callback else "page",
                         callback_at=t if callback else None)
                if rating != "dissatisfied":
                    ev("close", "closed", t, data={"evaluated": True, "auto": True})
                    a.update(closed_at=t)
                    raise _Done
                if reopens >= 1 or rnd.random() < 0.3:
                    t += rnd.uniform(1, 48) * HOUR
                    ev("close", "closed", t, actor=dispatcher, data={"evaluated": True})
                    a.update(closed_at=t)
                    raise _Done
                t += rnd.uniform(1, 24) * HOUR
                reopens += 1
                ev("reopen", "reopened", t, actor=dispatcher, note="居民反映问题仍未解决",
                   data={"reopen_count": reopens})
                a.update(reopen_count=reopens, rating="", evaluated_at=None, reply_result="", replied_at=None)
        except (_Cut, _Done):
            pass

        status = state["status"]
        last = state["at"]
        a["status"] = status
        a["version"] = sum(1 for e in events if e[0] not in ("submit", "urge"))
        a["created_at"] = created
        a["updated_at"] = last
        if status in ("submitted", "registered", "returned"):
            self.step(a, last, (0.5 if urgent else 4 * 1.6) * HOUR)
        elif status in ("dispatched", "reopened"):
            self.step(a, last, (0.5 * HOUR) if urgent else 1.4 * DAY)
        elif status in ("signed", "in_progress"):
            a.update(step_started=last, step_due=a["handle_due"],
                     step_warn_at=last + (a["handle_due"] - last) * 0.75 if a["handle_due"] > last else a["handle_due"])
        elif status == "replied":
            self.step(a, last, 7 * DAY)
        return a, events

    def step(self, a, start, length):
        a.update(step_started=start, step_due=start + length, step_warn_at=start + 0.75 * length)

    def pick(self, table):
        values, cum = table
        return values[self.bisect(cum, self.rnd.random() * cum[-1])]

    @staticmethod
    def iso(ts: float) -> str:
        return datetime.fromtimestamp(ts, UTC).isoformat()

    # ------------------------------------------------------------------- load
    def handle(self, *args, **opts):
        from bisect import bisect_right

        self.bisect = bisect_right
        self.rnd = random.Random(opts["seed"])
        started = time.monotonic()
        self.load_world(opts["pool_user"])
        self.channels = weighted(CHANNELS)
        self.types = weighted(TYPES)
        n, pool = opts["appeals"], opts["pool"]
        now = time.time()
        span = opts["years"] * 365 * DAY

        appeal_cols = [f.column for f in Appeal._meta.concrete_fields]
        event_cols = ["id", "appeal_id", "action", "from_status", "to_status", "actor_id", "actor_unit_id", "at",
                      "note", "data", "public", "notified_at"]
        have = {f.column for f in AppealEvent._meta.concrete_fields}
        if set(event_cols) != have:
            raise CommandError(f"appeals_appealevent columns changed: {sorted(have ^ set(event_cols))}")
        self.appeal_defaults = {c: None for c in appeal_cols}
        for f in Appeal._meta.concrete_fields:
            if not f.null:
                default = f.get_default()
                self.appeal_defaults[f.column] = default if default not in (None,) else ""
        for c in ("version", "reopen_count", "extension_count", "urge_count"):
            self.appeal_defaults[c] = 0
        for c in ("anonymous", "supervised", "escalated", "deadline_estimated"):
            self.appeal_defaults[c] = False

        with connection.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM appeals_appeal")
            self.first_id = cur.fetchone()[0] + 1
            cur.execute("SELECT coalesce(max(id), 0) FROM appeals_appealevent")
            next_event = cur.fetchone()[0] + 1
            cur.execute("SELECT tracking_no FROM appeals_appeal")
            taken = {row[0] for row in cur.fetchall()}

        # Submission times: the history over `years`, the pools in the last day and a half.
        stamps = [(now - self.rnd.random() * span, 0) for _ in range(n)]
        stamps += [(now - 10 * HOUR - self.rnd.random() * 26 * HOUR, 1 + (i % 2)) for i in range(2 * pool)]
        stamps.sort()
        self.tracking = {}

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        conns = [psycopg.connect(**params) for _ in range(2)]
        dropped = []
        try:
            for c in conns:
                c.execute("SET session_replication_role = replica")
                c.execute("SET synchronous_commit = off")
            dropped = self.drop_indexes(conns[0], ["appeals_appeal", "appeals_appealevent"])
            conns[0].commit()
            a_copy_cm = conns[0].cursor().copy(f"COPY appeals_appeal ({', '.join(appeal_cols)}) FROM STDIN")
            e_copy_cm = conns[1].cursor().copy(f"COPY appeals_appealevent ({', '.join(event_cols)}) FROM STDIN")
            statuses = Counter()
            n_events = 0
            with a_copy_cm as a_copy, e_copy_cm as e_copy:
                abuf, ebuf = io.StringIO(), io.StringIO()
                aid = self.first_id
                for i, (ts, kind) in enumerate(stamps):
                    local_day = datetime.fromtimestamp(ts, UTC) + LOCAL
                    day = local_day.date()
                    tn = self.tracking_no(day, taken)
                    self.tracking[aid] = tn
                    a, events = self.life(aid, ts, now, kind)
                    a["tracking_no"] = tn
                    a["search_text"] = search_document(a["title"], a["description"], a["address"], tn)
                    statuses[a["status"]] += 1
                    for k in ("created_at", "updated_at", "step_started", "step_warn_at", "step_due", "handle_due",
                              "replied_at", "evaluated_at", "closed_at", "last_urged_at", "callback_at"):
                        if a[k] is not None:
                            a[k] = self.iso(a[k])
                    abuf.write("\t".join([fmt(a[c]) for c in appeal_cols]))
                    abuf.write("\n")
                    for action, frm, to, actor, unit, at, note, data, public in events:
                        at_s = self.iso(at)
                        ebuf.write(
                            f"{next_event}\t{aid}\t{action}\t{frm}\t{to}\t{fmt(actor)}\t"
                            f"{fmt(unit.pk if unit else None)}\t{at_s}\t{note}\t{fmt(data)}\t"
                            f"{'t' if public else 'f'}\t{at_s}\n"
                        )
                        next_event += 1
                        n_events += 1
                    aid += 1
                    if i % 20000 == 19999:
                        a_copy.write(abuf.getvalue())
                        e_copy.write(ebuf.getvalue())
                        abuf, ebuf = io.StringIO(), io.StringIO()
                        if i % 200000 == 199999:
                            self.stdout.write(f"  {i + 1:>9,} requests, {n_events:>10,} events, "
                                              f"{time.monotonic() - started:6.1f} s")
                    # Old tracking numbers are only needed for near merges.
                    if aid - 1000 in self.tracking:
                        del self.tracking[aid - 1000]
                a_copy.write(abuf.getvalue())
                e_copy.write(ebuf.getvalue())
            for c in conns:
                c.commit()
            loaded = time.monotonic() - started
            self.stdout.write(f"  copied {len(stamps):,} requests and {n_events:,} events in {loaded:.1f} s")
            self.rebuild_indexes(conns, dropped)
            dropped = []
            with conns[0].cursor() as cur:
                for table in ("appeals_appeal", "appeals_appealevent"):
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))")
            conns[0].commit()
        finally:
            if dropped:  # a failed load still leaves the tables indexed
                for c in conns:
                    c.rollback()
                self.rebuild_indexes(conns, dropped)
            for c in conns:
                c.close()

        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE appeals_appeal")
            cur.execute("VACUUM ANALYZE appeals_appealevent")
            cur.execute("ANALYZE")
        # The figures, worked out from the timelines just written, as rebuild_figures does.
        from analysis import keeping

        t = time.monotonic()
        keeping.fact_differences(fix=True, batch=5000)
        keeping.rebuild_tallies()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE analysis_fact")
            cur.execute("VACUUM ANALYZE analysis_tally")
        self.stdout.write(f"  figures (facts and tallies) from the timelines in {time.monotonic() - t:.1f} s")
        summary = {
            "requests": len(stamps), "events": n_events, "seconds": round(time.monotonic() - started, 1),
            "statuses": dict(statuses.most_common()), "pool_unit": self.pool_unit.code,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def tracking_no(self, day, taken: set) -> str:
        """A number of the application's shape (appeals.tracking), drawn from the
        seeded generator, never one already taken."""
        while True:
            tail = "".join(self.rnd.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
            number = f"HBY-{day:%Y%m%d}-{tail}"
            if number not in taken:
                taken.add(number)
                return number

    def drop_indexes(self, conn, tables):
        """Drops secondary indexes not backing a constraint; returns their definitions."""
        rows = conn.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname
            WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            """,
            [tables],
        ).fetchall()
        for name, _ in rows:
            conn.execute(f'DROP INDEX "{name}"')
        return rows

    def rebuild_indexes(self, conns, definitions):
        t = time.monotonic()
        conn = conns[0]
        conn.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in definitions:
            conn.execute(definition)
        conn.commit()
        self.stdout.write(f"  rebuilt {len(definitions)} indexes in {time.monotonic() - t:.1f} s")


class _Cut(Exception):
    """The walk reached now (or a pool's stop)."""


class _Done(Exception):
    """The request reached a final state."""
