"""manage.py bench_figures [--appeals 10000000] [--reuse] [--repeat 7]

The figures at a large city's size (PostgreSQL only; `make bench-analysis`):

1. generates a city of 16 towns, 320 communities and 3,200 grids, 360 units
   and 60 categories, and N requests over the last three years, most of them
   closed, the recent ones in every open state (some overdue), by INSERT …
   SELECT in the database (a timeline of ten million requests would be some
   seventy million events: the facts stand for them here; `make bench`
   generates real timelines and builds its facts from them);
2. writes one fact per request (and a second part for the few returned by a
   department) as analysis.facts would, then sums the tallies with the same
   `analysis.keeping.rebuild_tallies` that `rebuild_figures` runs;
3. times `/api/v1/stats`'s work (analysis.summary.stats and its JSON) and the
   dashboard's view (as a leader of the city) for the city, a town, a
   community and two units over a month, a year, everything and an unaligned
   period, and the hotspot map and the frequent words (read and segmented,
   not cached) that the dashboard loads apart, and checks the city's tallies against a direct sum of its facts.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Sum
from django.test import RequestFactory
from django.utils import timezone

from analysis import keeping
from analysis.figures import Query, Scope
from analysis.hotspots import hotspots
from analysis.models import COUNTERS, Fact
from analysis.summary import stats
from analysis.views import dashboard
from analysis.words import frequent_words
from appeals.models import Appeal, Category
from organisations.models import Node, Role, Unit

TOWNS, COMMUNITIES, GRIDS, DEPARTMENTS = 16, 20, 10, 40
PARENTS, CHILDREN = 12, 5
CHUNK = 1_000_000
DISPATCHED = "('dispatched','signed','in_progress','replied','evaluated','closed','reopened','returned')"
SIGNED = "('signed','in_progress','replied','evaluated','closed','reopened')"
REPLIED = "('replied','evaluated','closed','reopened')"


class Command(BaseCommand):
    help = "Generate a large city's requests and time the figures (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--appeals", type=int, default=10_000_000)
        parser.add_argument("--reuse", action="store_true", help="Time the data already generated.")
        parser.add_argument("--retally", action="store_true",
                            help="With --reuse: sum the tallies from the facts again first (after a code change).")
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument("--json", help="Write the results here.")

    def handle(self, *args, appeals, reuse, repeat, retally=False, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("bench_figures needs PostgreSQL (DATABASE_URL).")
        results = {"appeals": appeals}
        if not reuse:
            started = time.monotonic()
            self.generate(appeals, results)
            results["generate_s"] = round(time.monotonic() - started, 1)
            self.say(f"generated in {results['generate_s']} s")
        elif retally:
            t = time.monotonic()
            keeping.rebuild_tallies()
            self.analyze()
            results["tallies_s"] = round(time.monotonic() - t, 1)
            self.say(f"tallies summed again in {results['tallies_s']} s")
        results["rows"] = self.sizes()
        results["check"] = self.check_tallies()
        results["timings"] = self.timings(repeat)
        if opts.get("json"):
            with open(opts["json"], "w") as fh:
                json.dump(results, fh, ensure_ascii=False, indent=1, default=str)
        self.stdout.write(json.dumps({k: v for k, v in results.items() if k != "timings"}, ensure_ascii=False,
                                     default=str))

    def say(self, message: str) -> None:
        self.stderr.write(f"[bench_figures {time.strftime('%H:%M:%S')}] {message}")

    # --- the city ------------------------------------------------------------------

    def world(self):
        city = Node.objects.create(code="BIG", name="大城市", kind=Node.Kind.COUNTY)
        towns, communities, grids = [], [], []
        for t in range(TOWNS):
            town = Node.objects.create(code=f"BIG-T{t}", name=f"第{t + 1}街道", kind=Node.Kind.TOWN, parent=city)
            towns.append(town)
            for c in range(COMMUNITIES):
                community = Node.objects.create(code=f"BIG-T{t}-C{c}", name=f"第{t + 1}街道第{c + 1}社区",
                                                kind=Node.Kind.COMMUNITY, parent=town)
                communities.append(community)
                grids += Node.objects.bulk_create([
                    Node(code=f"BIG-T{t}-C{c}-G{g}", name=f"{community.name}第{g + 1}网格", kind=Node.Kind.GRID,
                         parent=community, path=f"{community.path}BIG-T{t}-C{c}-G{g}/") for g in range(GRIDS)])
        offices = {}
        for community in communities:
            unit = Unit.objects.create(code=f"U-{community.code}", name=f"{community.name}居委会",
                                       kind=Unit.Kind.COMMUNITY)
            unit.jurisdiction.add(community)
            offices[community.pk] = unit.pk
        departments = []
        for d in range(DEPARTMENTS):
            unit = Unit.objects.create(code=f"U-BIG-D{d}", name=f"市第{d + 1}局", kind=Unit.Kind.DEPARTMENT)
            unit.jurisdiction.add(city)
            departments.append(unit.pk)
        leaves = []
        for p in range(PARENTS):
            parent = Category.objects.create(code=f"B{p}", name=f"大类{p + 1}")
            for c in range(CHILDREN):
                leaves.append(Category.objects.create(code=f"B{p}-{c}", name=f"小类{p + 1}-{c + 1}",
                                                      parent=parent).pk)
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_place")
            cur.execute("CREATE TABLE bench_place (i int PRIMARY KEY, grid_id bigint, grid_path text, "
                        "town_id bigint, town_path text, county bigint, community bigint, office bigint)")
            rows = []
            for i, grid in enumerate(Node.objects.filter(kind=Node.Kind.GRID, path__startswith=city.path)
                                     .select_related("parent__parent").order_by("pk"), start=1):
                community = grid.parent
                town = community.parent
                rows.append((i, grid.pk, grid.path, town.pk, town.path, city.pk, community.pk, offices[community.pk]))
            cur.executemany("INSERT INTO bench_place VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
            cur.execute("CREATE INDEX ON bench_place (grid_id)")
        return len(rows), leaves, departments

    # --- generation ----------------------------------------------------------------

    def generate(self, n: int, results: dict) -> None:
        if Appeal.objects.exists():
            raise CommandError("bench_figures generates into an empty database (or pass --reuse).")
        places, leaves, departments = self.world()
        first = 1
        appeal_sql = self.appeal_insert(places, leaves, departments)
        fact_sql, returned_sql = self.fact_inserts(departments)
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # no FK triggers: the generator keeps them
            dropped = self.drop_indexes(cur, ["appeals_appeal", "analysis_fact"])
            t = time.monotonic()
            for lo in range(first, n + 1, CHUNK):
                hi = min(n, lo + CHUNK - 1)
                cur.execute(appeal_sql, [lo, hi])
                cur.execute(fact_sql, [lo, hi])
                cur.execute(returned_sql, [lo, hi])
                self.say(f"{hi:,} requests and their facts ({time.monotonic() - t:.0f} s)")
            results["insert_s"] = round(time.monotonic() - t, 1)
            t = time.monotonic()
            cur.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in dropped:
                cur.execute(definition)
            cur.execute("SELECT setval(pg_get_serial_sequence('appeals_appeal', 'id'), %s)", [n])
            cur.execute("SET session_replication_role = DEFAULT")
            results["indexes_s"] = round(time.monotonic() - t, 1)
            self.say(f"rebuilt {len(dropped)} indexes in {results['indexes_s']} s")
        t = time.monotonic()
        keeping.rebuild_tallies()
        results["tallies_s"] = round(time.monotonic() - t, 1)
        self.say(f"tallies summed in {results['tallies_s']} s")
        with connection.cursor() as cur:
            cur.execute("DROP TABLE bench_place")
            # The facts in the order a county writes them (as its requests arrive), not in the
            # generator's random one: a period's facts then lie together on disk.
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute("CLUSTER analysis_fact USING fact_county_day")
        self.analyze()

    @staticmethod
    def analyze() -> None:
        """The planner's statistics of every table the figures read (without them a
        path prefix is estimated at a few rows, and the plans are wrong)."""
        with connection.cursor() as cur:
            for table in ("appeals_appeal", "analysis_fact", "analysis_tally", "analysis_unittally",
                          "analysis_hourstally", "analysis_placetally"):
                cur.execute(f"VACUUM ANALYZE {table}")

    @staticmethod
    def drop_indexes(cur, tables):
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)", [tables])
        rows = cur.fetchall()
        for name, _definition in rows:
            cur.execute(f'DROP INDEX "{name}"')
        return rows

    def appeal_insert(self, places: int, leaves: list[int], departments: list[int]) -> str:
        now = timezone.now().isoformat()
        status = (
            "CASE WHEN r1 * 1095 > 20 THEN (CASE WHEN r3 < 0.02 THEN 'rejected' WHEN r3 < 0.045 THEN 'withdrawn' "
            "WHEN r3 < 0.06 THEN 'merged' WHEN r3 < 0.065 THEN 'evaluated' ELSE 'closed' END) "
            "ELSE (ARRAY['submitted','registered','dispatched','signed','in_progress','in_progress','replied',"
            "'replied','returned','reopened','closed','closed','closed'])[1 + floor(r3 * 13)::int] END")
        values = {
            "id": "g", "tracking_no": "'HBY-F-' || g",
            "channel": "(ARRAY['web','web','web','web','hotline','hotline','hotline','api','walk_in','patrol',"
                       "'talk_day'])[1 + floor(r4 * 11)::int]",
            "type": "(ARRAY['help','help','complaint','complaint','question','suggestion','praise'])"
                    "[1 + (floor(r4 * 7000)::int %% 7)]",
            "category_id": f"(ARRAY{leaves})[1 + floor(r5 * {len(leaves)})::int]",
            "title": "'诉求' || g", "urgency": "CASE WHEN r6 < 0.06 THEN 'urgent' ELSE 'normal' END",
            "status": "status", "node_id": "grid_id", "node_path": "grid_path", "owner_node_id": "town_id",
            "owner_path": "town_path",
            "unit_id": f"CASE WHEN status IN {DISPATCHED} THEN (CASE WHEN r6 > 0.8 THEN (ARRAY{departments})"
                       f"[1 + (floor(r6 * 100000)::int %% {len(departments)})] ELSE office END) END",
            # A running step only for the recent open requests (an evaluated request has none, and the
            # timer closes a replied one after its window); about one in ten of them overdue.
            "step_due": "CASE WHEN status NOT IN ('rejected','withdrawn','merged','closed','evaluated') "
                        "AND r1 * 1095 <= 20 THEN created + (2 + r2 * 30) * interval '1 day' END",
            "created_at": "created", "updated_at": "created",
        }
        columns, exprs = [], []
        for f in Appeal._meta.concrete_fields:
            columns.append(f'"{f.column}"')
            if f.column in values:
                exprs.append(values[f.column])
            elif f.null:
                exprs.append("NULL")
            elif f.get_internal_type() == "BooleanField":
                exprs.append("false")
            elif f.get_internal_type() in ("CharField", "TextField"):
                exprs.append("''")
            else:
                exprs.append("0")
        return (
            f"INSERT INTO appeals_appeal ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM ("
            f"  SELECT s.*, p.*, {status} AS status, timestamptz '{now}' - r1 * interval '1095 days' AS created"
            f"  FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6"
            f"        FROM generate_series(%s::bigint, %s::bigint) g) s"
            f"  JOIN bench_place p ON p.i = 1 + floor(s.r2 * {places})::int) x")

    def fact_inserts(self, departments: list[int]) -> tuple[str, str]:
        replied = f"status IN {REPLIED}"
        evaluated = "(status = 'evaluated' OR (status IN ('closed','reopened') AND q1 < 0.75))"
        counts = {
            "received": "1", "registered": "(status NOT IN ('submitted'))::int",
            "rejected": "(status = 'rejected')::int", "withdrawn": "(status = 'withdrawn')::int",
            "merged": "(status = 'merged')::int", "closed": "(status = 'closed')::int",
            "dispatched": f"(status IN {DISPATCHED})::int", "signed": f"(status IN {SIGNED})::int",
            "signed_on_time": f"(status IN {SIGNED} AND q2 < 0.93)::int",
            "response_due": f"(status IN {SIGNED})::int",
            "responded_on_time": f"(status IN {SIGNED} AND status <> 'signed' AND q3 < 0.9)::int",
            "replied": f"({replied})::int", "replied_on_time": f"({replied} AND q4 < 0.95)::int",
            "handled": f"({replied})::int", "handled_tenths": f"CASE WHEN {replied} THEN hours ELSE 0 END",
            "evaluated": f"{evaluated}::int", "satisfied": f"({evaluated} AND q5 < 0.8)::int",
            "basically": f"({evaluated} AND q5 >= 0.8 AND q5 < 0.92)::int",
            "dissatisfied": f"({evaluated} AND q5 >= 0.92)::int", "resolved": f"({evaluated} AND q6 < 0.85)::int",
            "callbacks": f"({evaluated} AND q6 < 0.4)::int",
            "reopened": "(status = 'reopened')::int", "reopenings": "(status = 'reopened')::int",
            "extensions": f"({replied} AND q3 > 0.97)::int",
            "on_the_spot": f"({replied} AND channel IN ('patrol','talk_day') AND q2 > 0.5)::int",
            "urgent": "(urgency = 'urgent')::int",
            **{f"type_{t}": f"(type = '{t}')::int" for t in ("question", "help", "complaint", "suggestion", "praise")},
        }
        columns = ["appeal_id", "unit", "owner", "day", "node", "county", "town", "community", "category", "channel",
                   "type", "urgency", "hours_tenths", *COUNTERS]
        exprs = ["id", "coalesce(unit_id, 0)", "true", "(created_at AT TIME ZONE 'Asia/Shanghai')::date", "node_id",
                 "county", "owner_node_id", "community", "category_id", "channel", "type", "urgency",
                 f"CASE WHEN {replied} THEN hours END", *[counts.get(c, "0") for c in COUNTERS]]
        source = ("FROM (SELECT a.*, p.county, p.community, random() q1, random() q2, random() q3, random() q4, "
                  "random() q5, random() q6, floor(-ln(1 - random()) * 140)::int AS hours "
                  "FROM appeals_appeal a JOIN bench_place p ON p.grid_id = a.node_id "
                  "WHERE a.id BETWEEN %s AND %s) x")
        facts = f"INSERT INTO analysis_fact ({', '.join(columns)}) SELECT {', '.join(exprs)} {source}"
        # One request in 29 that went to a unit was first returned by a department.
        returned = (
            f"INSERT INTO analysis_fact ({', '.join(columns)}) SELECT id, d, false, "
            f"(created_at AT TIME ZONE 'Asia/Shanghai')::date, node_id, county, owner_node_id, community, category_id, "
            f"channel, type, urgency, NULL, "
            + ", ".join("1" if c in ("dispatched", "returns") else "0" for c in COUNTERS)
            + f" FROM (SELECT a.*, p.county, p.community, (ARRAY{departments})[1 + (a.id %% {len(departments)})] d "
            f"FROM appeals_appeal a JOIN bench_place p ON p.grid_id = a.node_id WHERE a.id BETWEEN %s AND %s "
            f"AND a.id %% 29 = 0 AND a.status IN {DISPATCHED}) x WHERE d <> coalesce(unit_id, 0)")
        return facts, returned

    # --- measuring -----------------------------------------------------------------

    def sizes(self) -> dict:
        with connection.cursor() as cur:
            out = {}
            for table in ("appeals_appeal", "analysis_fact", "analysis_tally", "analysis_unittally",
                          "analysis_hourstally"):
                cur.execute(f"SELECT reltuples::bigint, pg_total_relation_size('{table}') FROM pg_class "
                            f"WHERE relname = '{table}'")
                rows, size = cur.fetchone()
                out[table] = {"rows": rows, "mb": round(size / 2**20)}
        return out

    def check_tallies(self) -> dict:
        """The city's figures from its tallies against a direct sum of its facts."""
        city = Node.objects.get(code="BIG")
        tallied = Query(Scope(node=city)).counts().values
        got = Fact.objects.filter(county=city.pk).aggregate(**{c: Sum(c) for c in COUNTERS})
        summed = {c: int(got[c] or 0) for c in COUNTERS}
        differ = [c for c in COUNTERS if summed[c] != tallied[c]]
        self.say(f"city check: {'the tallies equal the facts' if not differ else f'differ in {differ}'}")
        return {"equal": not differ, "received": tallied["received"], "differ": differ}

    def timings(self, repeat: int) -> list[dict]:
        city = Node.objects.get(code="BIG")
        town = Node.objects.get(code="BIG-T0")
        community = Node.objects.get(code="BIG-T0-C0")
        office = Unit.objects.get(code="U-BIG-T0-C0")
        department = Unit.objects.get(code="U-BIG-D0")
        today = timezone.localdate()
        month_end = today.replace(day=1) - timedelta(days=1)
        last_month = (month_end.replace(day=1), month_end)
        last_year = (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
        unaligned = (date(today.year - 1, 3, 15), date(today.year - 1, 9, 10))
        periods = [("a month", *last_month), ("a year", *last_year), ("everything", None, None),
                   ("15 Mar – 10 Sep", *unaligned)]
        scopes = [("city", Scope(node=city)), ("town", Scope(node=town)), ("community", Scope(node=community)),
                  ("unit (community office)", Scope(unit=office)), ("unit (department)", Scope(unit=department))]
        presets = {"a month": "p=last_month", "a year": "p=last_year", "everything": "p=all",
                   "15 Mar – 10 Sep": f"p=custom&from={unaligned[0]}&to={unaligned[1]}"}
        leader = get_user_model().objects.filter(username="bench-leader").first()
        if leader is None:
            leader = get_user_model().objects.create_user("bench-leader")
            Role.objects.create(user=leader, name=Role.Name.LEADER, node=city)
        factory = RequestFactory()
        out = []
        for scope_name, scope in scopes:
            for period_name, start, end in periods:
                query = Query(scope, start, end)
                times, page_times = [], []
                for _ in range(repeat):
                    t = time.perf_counter()
                    body = json.dumps(stats(query), ensure_ascii=False)
                    times.append((time.perf_counter() - t) * 1000)
                url = f"/work/figures/?scope={scope.key}&{presets[period_name]}"
                for _ in range(repeat):
                    request = factory.get(url)
                    request.user = get_user_model().objects.get(pk=leader.pk)
                    request.session = {}
                    t = time.perf_counter()
                    response = dashboard(request)
                    page_times.append((time.perf_counter() - t) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                word_times, map_times = [], []
                for _ in range(repeat):
                    cache.clear()  # the words are cached: time the reading and segmenting
                    t = time.perf_counter()
                    frequent_words(query)
                    word_times.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    hotspots(query)
                    map_times.append((time.perf_counter() - t) * 1000)
                row = {"scope": scope_name, "period": period_name, "median_ms": round(statistics.median(times), 1),
                       "words_median_ms": round(statistics.median(word_times), 1),
                       "map_median_ms": round(statistics.median(map_times), 1),
                       "max_ms": round(max(times), 1), "received": json.loads(body)["received"],
                       "page_median_ms": round(statistics.median(page_times), 1),
                       "page_max_ms": round(max(page_times), 1)}
                out.append(row)
                self.say(f"{scope_name:<24} {period_name:<16} stats {row['median_ms']:>7.1f} ms median "
                         f"({row['max_ms']:.1f} max), dashboard {row['page_median_ms']:>7.1f} ms "
                         f"({row['page_max_ms']:.1f} max), map {row['map_median_ms']:>7.1f} ms, "
                         f"words {row['words_median_ms']:>7.1f} ms; "
                         f"{row['received']:,} received")
        return out
