"""manage.py bench_places [--places 10000] [--repeat 30] [--json out.json]

The nearest places and the 15-minute circle's coverage at a city's size, on the
configured database (SQLite or PostgreSQL; `python -m bench.places` makes the
database and runs this):

1. generates a county of 4 towns, 50 communities and 500 compounds over
   20 × 20 km around 44.0N 87.3E, and service places spread over the same
   area: random kinds, 3–8 services each from the catalogue, weekly hours (some
   with a lunch break, some past midnight, some closed on Sundays), some open
   24 hours, some with their own holiday hours, a few special days;
2. with the first 300 places, times `places.coverage.compute` for the 500
   compounds and the coverage page `/work/coverage/` as a superuser;
3. adds the remaining places and times `GET /api/v1/places` through the whole
   stack (django.test.Client, anonymous) at random points — nearest, with
   `service=hot-water`, with `open_now=true`, and both — and
   `places.nearby.search` alone with the same parameters.

Times are `time.perf_counter` around the call (and this process's CPU time,
`time.process_time`, which another busy process on the machine does not
inflate), in this process, after a few untimed warm-up calls. `--at HH:MM` pins the clock (today, local time) for the
timed calls; by default the real clock decides what is open.
"""

from __future__ import annotations

import cProfile
import io
import json
import math
import pstats
import random
import statistics
import time
from contextlib import nullcontext
from datetime import datetime, timedelta
from datetime import time as clock
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from organisations.models import Node
from places import coverage, nearby
from places.models import METRES_PER_DEGREE, Hours, Place, Service, SpecialDay

CENTRE = (44.0, 87.3)
HALF_M = 10_000  # the area is 20 × 20 km
TOWNS, COLUMNS, ROWS, COMPOUNDS_PER_COMMUNITY = 4, 10, 5, 10  # 50 communities, 500 compounds
COVERAGE_PLACES = 300
WARMUP = 5
SCENARIOS = [
    ("nearest", {}),
    ("service=hot-water", {"service": "hot-water"}),
    ("open_now", {"open_now": True}),
    ("service+open_now", {"service": "hot-water", "open_now": True}),
]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def summary(times: list[float]) -> dict:
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(p95(times), 2),
            "max_ms": round(max(times), 2), "calls": len(times)}


def cpu_median(times: list[float]) -> float:
    """This process's CPU time (the database server's own is not in it on PostgreSQL)."""
    return round(statistics.median(times), 2)


class Command(BaseCommand):
    help = "Generate a county's service places and time the nearest query and the coverage (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--places", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=30, help="timed calls per query (default 30)")
        parser.add_argument("--coverage-repeat", type=int, default=7)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--at", help="HH:MM: pin the clock to today at this local time for the timed calls")
        parser.add_argument("--profile", action="store_true",
                            help="also profile each API query (cProfile) and print the costliest functions")
        parser.add_argument("--json", help="Write the results here.")
        parser.add_argument("--phase", choices=("all", "generate", "measure"), default="all",
                            help="generate (and time the coverage) or measure the nearest query, or both; "
                                 "measure in a process of its own, as a server's, not one holding the "
                                 "generation's objects (their garbage collection is no server's cost); "
                                 "measure merges into --json")

    def handle(self, *args, places, repeat, coverage_repeat, seed, at, profile, phase, **opts):
        if phase == "measure":
            if not opts.get("json"):
                raise CommandError("--phase measure merges into the --json of the generate phase.")
            with open(opts["json"]) as fh:
                results = json.load(fh)
            self.measure(results, random.Random(seed + 1), repeat, at, profile)
            with open(opts["json"], "w") as fh:
                json.dump(results, fh, ensure_ascii=False, indent=1, default=str)
            return
        if Place.objects.exists() or Node.objects.filter(code="BP").exists():
            raise CommandError("bench_places generates into an empty database.")
        rng = random.Random(seed)
        self.services = list(Service.objects.filter(active=True))
        if not any(s.code == "hot-water" for s in self.services):
            raise CommandError("The service catalogue (migration places 0002) is missing.")
        results = {"backend": connection.vendor, "places": places, "compounds": 0, "repeat": repeat}
        t = time.monotonic()
        communities, compounds = self.world(rng)
        results["compounds"] = len(compounds)
        first = min(COVERAGE_PLACES, places)
        self.places(rng, communities, first)
        results["coverage"] = self.time_coverage(compounds, coverage_repeat)
        self.places(rng, communities, places - first)
        self.analyze()
        results["generate_s"] = round(time.monotonic() - t, 1)
        results["rows"] = {m.__name__: m.objects.count() for m in (Place, Hours, SpecialDay)}
        results["rows"]["Place.services"] = Place.services.through.objects.count()
        self.say(f"generated {results['rows']} in {results['generate_s']} s")
        if phase == "all":
            self.measure(results, rng, repeat, at, profile)
        if opts.get("json"):
            with open(opts["json"], "w") as fh:
                json.dump(results, fh, ensure_ascii=False, indent=1, default=str)

    def measure(self, results: dict, rng: random.Random, repeat: int, at: str | None, profile: bool) -> None:
        moment = None
        if at:
            hh, mm = (int(x) for x in at.split(":"))
            moment = timezone.make_aware(datetime.combine(timezone.localdate(), clock(hh, mm)))
        now = moment or timezone.now()
        results["clock"] = f"{timezone.localtime(now):%Y-%m-%d %a %H:%M} {settings.TIME_ZONE}" + (
            " (pinned)" if moment else "")
        with mock.patch("django.utils.timezone.now", return_value=moment) if moment else nullcontext():
            results["nearest"] = self.time_nearest(rng, repeat, profile)

    def say(self, message: str) -> None:
        self.stderr.write(f"[bench_places {connection.vendor} {time.strftime('%H:%M:%S')}] {message}")

    # --- the county ----------------------------------------------------------------

    @staticmethod
    def point(x_m: float, y_m: float) -> tuple[float, float]:
        """Metres east and north of the centre as (lat, lng)."""
        lat = CENTRE[0] + y_m / METRES_PER_DEGREE
        return lat, CENTRE[1] + x_m / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[0])))

    def world(self, rng: random.Random):
        county = Node.objects.create(code="BP", name="基准县", kind=Node.Kind.COUNTY, lat=CENTRE[0], lng=CENTRE[1])
        towns = [Node.objects.create(code=f"BP-T{t}", name=f"第{t + 1}镇", kind=Node.Kind.TOWN, parent=county)
                 for t in range(TOWNS)]
        cell_w, cell_h = 2 * HALF_M / COLUMNS, 2 * HALF_M / ROWS
        communities, compounds = {}, []
        for i in range(COLUMNS * ROWS):
            col, row = i % COLUMNS, i // COLUMNS
            town = towns[i * TOWNS // (COLUMNS * ROWS)]
            lat, lng = self.point(-HALF_M + (col + 0.5) * cell_w, -HALF_M + (row + 0.5) * cell_h)
            community = Node.objects.create(code=f"BP-C{i}", name=f"第{i + 1}社区", kind=Node.Kind.COMMUNITY,
                                            parent=town, lat=lat, lng=lng)
            communities[(col, row)] = community
            for k in range(COMPOUNDS_PER_COMMUNITY):
                lat, lng = self.point(-HALF_M + (col + rng.random()) * cell_w, -HALF_M + (row + rng.random()) * cell_h)
                code = f"BP-C{i}-Y{k}"
                compounds.append(Node(code=code, name=f"第{i + 1}社区{k + 1}号小区", kind=Node.Kind.COMPOUND,
                                      parent=community, path=f"{community.path}{code}/", lat=lat, lng=lng))
        Node.objects.bulk_create(compounds)
        self.cell = (cell_w, cell_h)
        return communities, compounds

    def places(self, rng: random.Random, communities: dict, n: int) -> None:
        if n <= 0:
            return
        kinds = Place.Kind.values
        start = Place.objects.count()
        batch = []
        for i in range(start, start + n):
            x, y = rng.uniform(-HALF_M, HALF_M), rng.uniform(-HALF_M, HALF_M)
            col = min(int((x + HALF_M) // self.cell[0]), COLUMNS - 1)
            row = min(int((y + HALF_M) // self.cell[1]), ROWS - 1)
            kind = rng.choice(kinds)
            lat, lng = self.point(x, y)
            batch.append(Place(
                name=f"{Place.Kind(kind).label}{i + 1}", kind=kind, node=communities[(col, row)],
                address=f"基准路{i + 1}号", lat=lat, lng=lng, phone="0994-0000000",
                open_24h=rng.random() < (0.7 if kind == Place.Kind.FACILITY else 0.05),
                holidays=rng.choices(Place.Holidays.values, weights=(60, 25, 15))[0],
                follows_workdays=rng.random() < 0.3))
        batch = Place.objects.bulk_create(batch, batch_size=1000)
        through = Place.services.through
        links, hours, specials = [], [], []
        today = timezone.localdate()
        for place in batch:
            for service in rng.sample(self.services, rng.randint(3, 8)):
                links.append(through(place_id=place.pk, service_id=service.pk))
            if place.holidays == Place.Holidays.OWN:
                hours.append(Hours(place=place, day=Hours.HOLIDAY, opens=clock(10), closes=clock(16)))
            if not place.open_24h:
                hours += self.week(rng, place)
            r = rng.random()
            if r < 0.02:  # closed for a few days around today (a repair)
                specials.append(SpecialDay(place=place, first=today - timedelta(days=1), last=today + timedelta(days=2),
                                           note="维修"))
            elif r < 0.04:  # other hours one day next week
                d = today + timedelta(days=rng.randint(1, 7))
                specials.append(SpecialDay(place=place, first=d, last=d, opens=clock(10), closes=clock(14),
                                           note="活动"))
        through.objects.bulk_create(links, batch_size=2000)
        Hours.objects.bulk_create(hours, batch_size=2000)
        SpecialDay.objects.bulk_create(specials, batch_size=2000)

    @staticmethod
    def week(rng: random.Random, place: Place) -> list[Hours]:
        r = rng.random()
        rows = []
        if r < 0.35:  # a lunch break on weekdays, Saturday mornings, closed on Sunday
            for d in range(5):
                rows += [Hours(place=place, day=d, opens=clock(9), closes=clock(12)),
                         Hours(place=place, day=d, opens=clock(14, 30), closes=clock(rng.choice((18, 20))))]
            rows.append(Hours(place=place, day=5, opens=clock(9), closes=clock(12)))
        elif r < 0.80:  # one period every day (or Monday to Saturday)
            opens, closes = clock(rng.randint(7, 10)), clock(rng.randint(17, 22))
            rows += [Hours(place=place, day=d, opens=opens, closes=closes) for d in range(rng.choice((6, 7)))]
        elif r < 0.90:  # evenings, past midnight
            rows += [Hours(place=place, day=d, opens=clock(17), closes=clock(2)) for d in range(7)]
        else:  # office hours on weekdays
            rows += [Hours(place=place, day=d, opens=clock(8, 30), closes=clock(17, 30)) for d in range(5)]
        return rows

    @staticmethod
    def analyze() -> None:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                for table in ("places_place", "places_place_services", "places_hours", "places_specialday",
                              "organisations_node"):
                    cur.execute(f"VACUUM ANALYZE {table}")
            else:
                cur.execute("ANALYZE")

    # --- measuring -----------------------------------------------------------------

    def time_coverage(self, compounds_made: list[Node], repeat: int) -> dict:
        compounds = list(Node.objects.filter(kind=Node.Kind.COMPOUND, path__startswith="/BP/")
                         .select_related("parent").order_by("path"))
        for c in compounds:
            c.community = c.parent
        places = list(Place.objects.published().only("id", "name", "kind", "lat", "lng"))
        coverage.compute(compounds, places)  # warm-up
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            result = coverage.compute(compounds, places)
            times.append((time.perf_counter() - t) * 1000)
        out = {"compounds": len(compounds), "places": len(places), "compute": summary(times),
               "outside_15": {k: len(result.outside(k)) for k in result.kinds}}
        admin = get_user_model().objects.create_superuser("bench-places-admin", password=None)
        client = Client()
        client.force_login(admin)
        url = "/work/coverage/?area=BP"
        assert client.get(url).status_code == 200
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        out["page"] = summary(times)
        out["page_kb"] = round(len(response.content) / 1024)
        self.say(f"coverage of {len(compounds)} compounds by {len(places)} places: compute "
                 f"{out['compute']['median_ms']} ms, page {out['page']['median_ms']} ms (medians)")
        return out

    def time_nearest(self, rng: random.Random, repeat: int, profile: bool) -> list[dict]:
        # Points at least one default radius inside the area, so that every circle lies in it.
        margin = HALF_M - nearby.DEFAULT_RADIUS_M
        points = [self.point(rng.uniform(-margin, margin), rng.uniform(-margin, margin))
                  for _ in range(repeat + WARMUP)]
        client = Client()
        out = []
        for name, params in SCENARIOS:
            query = "&".join(f"{k}={'true' if v is True else v}" for k, v in params.items())

            def url(lat, lng, query=query):
                return f"/api/v1/places?lat={lat:.6f}&lng={lng:.6f}" + (f"&{query}" if query else "")

            for lat, lng in points[:WARMUP]:
                assert client.get(url(lat, lng)).status_code == 200
            queries: list[str] = []

            def record(execute, sql, *args, queries=queries):
                queries.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(record):
                client.get(url(*points[0]))
            api, api_cpu, counts, in_box = [], [], [], []
            for lat, lng in points[WARMUP:]:
                t, cpu = time.perf_counter(), time.process_time()
                response = client.get(url(lat, lng))
                api.append((time.perf_counter() - t) * 1000)
                api_cpu.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200, response.content[:300]
                counts.append(response.json()["count"])
            search, search_cpu = [], []
            for lat, lng in points[WARMUP:]:
                qs = Place.objects.published()
                t, cpu = time.perf_counter(), time.process_time()
                nearby.search(qs, lat=lat, lng=lng, **params)
                search.append((time.perf_counter() - t) * 1000)
                search_cpu.append((time.process_time() - cpu) * 1000)
                in_box.append(Place.objects.published().in_box(lat, lng, nearby.DEFAULT_RADIUS_M)
                              .filter(**({"services__code": params["service"]} if "service" in params else {}))
                              .count())
            row = {"query": name, "params": query, "api": {**summary(api), "cpu_median_ms": cpu_median(api_cpu)},
                   "search": {**summary(search), "cpu_median_ms": cpu_median(search_cpu)},
                   "found_median": statistics.median(counts), "found_min": min(counts), "found_max": max(counts),
                   "box_rows_median": statistics.median(in_box), "queries": len(queries),
                   "sql": [q[:160] for q in queries]}
            if profile:
                row["profile"] = self.profile(client, [url(*p) for p in points[WARMUP:WARMUP + 10]])
            out.append(row)
            self.say(f"{name:<20} API {row['api']['median_ms']:>6.1f} ms median, {row['api']['p95_ms']:>6.1f} p95; "
                     f"search {row['search']['median_ms']:>6.1f} ms; {row['found_median']:g} found "
                     f"({row['box_rows_median']:g} rows in the box), {row['queries']} queries")
        return out

    def profile(self, client: Client, urls: list[str]) -> str:
        prof = cProfile.Profile()
        prof.enable()
        for u in urls:
            client.get(u)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        text = buf.getvalue()
        self.stderr.write(f"--- profile of {len(urls)} calls: {urls[0]}\n{text}")
        return text
