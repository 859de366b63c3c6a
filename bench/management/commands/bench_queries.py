"""Counts the SQL queries of the read pages at two page sizes (an N+1 shows as a
count that grows with the page), and explains the slowest query of each.

Runs in-process with django.test.Client against the benchmark database; the
page size of the queue page is changed by wrapping its paginator helper, the
API's by its page_size parameter.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections import Counter
from contextlib import contextmanager
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from rest_framework.authtoken.models import Token

from appeals.models import Appeal

SIZES = (20, 100)
TRANSACTION_STATEMENTS = {"BEGIN", "COMMIT", "ROLLBACK"}


def normalise(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "N", sql)
    return re.sub(r"\((?:N|\?)(?:, (?:N|\?))*\)", "(…)", sql)


@contextmanager
def queue_page_size(size: int):
    from appeals.views import work

    original = work.page_of

    def page_of(request, queryset, size_=size):
        return original(request, queryset, size_)

    work.page_of = page_of
    try:
        yield
    finally:
        work.page_of = original


class Command(BaseCommand):
    help = "Count queries per request of the queue page and the list API (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--dispatcher", default="dispatcher")
        parser.add_argument("--supervisor", default="supervisor")
        parser.add_argument("--handler", default="handler")
        parser.add_argument("--list-filter", default="status=dispatched,signed,in_progress")

    def measure(self, client, method, url, **extra):
        """The response and its SQL statements with their times; BEGIN and COMMIT,
        which Django logs without going through cursors, count as statements too."""
        times = []

        def timer(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                times.append((time.perf_counter() - start) * 1000)

        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            response = getattr(client, method)(url, **extra)
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {url}: {response.status_code} {response.content[:300]!r}")
        queries, timed = [], iter(times)
        for q in ctx.captured_queries:
            if q["sql"] in TRANSACTION_STATEMENTS:
                queries.append({"sql": q["sql"], "ms": round(float(q["time"]) * 1000, 2)})
            else:
                queries.append({"sql": q["sql"], "ms": round(next(timed, 0.0), 2)})
        return response, queries

    def summarise(self, label, runs):
        """runs: {page size: (rows shown, queries)}"""
        counts = {str(size): len(qs) for size, (rows, qs) in runs.items()}
        rows = {str(size): rows for size, (rows, qs) in runs.items()}
        largest = runs[max(runs)][1]
        repeats = Counter(normalise(q["sql"]) for q in largest)
        statement, max_repeat = repeats.most_common(1)[0] if repeats else ("", 0)
        slowest = sorted(largest, key=lambda q: -q["ms"])[:3]
        return {
            "label": label, "counts": counts, "rows": rows, "max_repeat": max_repeat,
            "most_repeated": statement[:300],
            "grows_with_page_size": len(set(counts.values())) > 1,
            "queries": [{"ms": q["ms"], "sql": q["sql"][:2000]} for q in largest],
            "slowest": [{"ms": q["ms"], "sql": q["sql"][:2000], "plan": self.explain(q["sql"])} for q in slowest
                        if q["sql"].lstrip().upper().startswith("SELECT")],
        }

    def explain(self, sql: str) -> str:
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(r[0] for r in cur.fetchall())

    def handle(self, *args, **opts):
        setup_test_environment()  # records the template context of each response
        User = get_user_model()
        out = {}

        # What the intake scenarios left in the outbox is the worker's (pages deliver nothing):
        # deliver it first anyway, so that the counts are of a settled database.
        call_command("run_timers", stdout=io.StringIO())

        # The staff queue page, as the dispatcher logged in with a session.
        client = Client()
        client.force_login(User.objects.get(username=opts["dispatcher"]))
        for tab, key, label in (("", "queue_page", "queue page /work/ (default tab)"),
                                ("open", "queue_page_open", "queue page /work/?tab=open")):
            runs = {}
            for size in SIZES:
                with queue_page_size(size):
                    client.get("/work/" + (f"?tab={tab}" if tab else ""))  # warm caches
                    response, queries = self.measure(client, "get", "/work/" + (f"?tab={tab}" if tab else ""))
                runs[size] = (len(response.context["page"].object_list), queries)
            out[key] = self.summarise(label, runs)

        # The list API, as the supervisor with a token.
        token = Token.objects.get_or_create(user=User.objects.get(username=opts["supervisor"]))[0].key
        api = Client(HTTP_AUTHORIZATION=f"Token {token}")
        for key, label, query in (("list_api", f"GET /api/v1/appeals?{opts['list_filter']}", opts["list_filter"]),
                                  ("list_api_unfiltered", "GET /api/v1/appeals", "")):
            runs = {}
            for size in SIZES:
                url = "/api/v1/appeals?" + "&".join(x for x in (query, urlencode({"page_size": size})) if x)
                api.get(url)
                response, queries = self.measure(api, "get", url)
                runs[size] = (len(response.json()["results"]), queries)
            out[key] = self.summarise(label, runs)

        # One intake and one action of each kind: how many queries they cost.
        anon = Client()
        body = {"category": Appeal.objects.order_by("-id").values_list("category__code", flat=True).first(),
                "type": "help", "title": "楼道灯不亮",
                "description": "3号楼2单元楼道灯坏了两天，晚上看不清楼梯，请尽快维修。",
                "address": Appeal.objects.order_by("-id").values_list("address", flat=True).first(),
                "contact_name": "王秀兰", "contact_phone": "13899912345", "urgency": "normal"}
        _r, queries = self.measure(anon, "post", "/api/v1/appeals", data=body, content_type="application/json")
        out["intake"] = {"label": "POST /api/v1/appeals", "count": len(queries),
                         "queries": [{"ms": q["ms"], "sql": q["sql"][:500]} for q in queries]}
        handler = User.objects.get(username=opts["handler"])
        unit = handler.roles.filter(name="handler").values_list("unit_id", flat=True).first()
        htoken = Token.objects.get_or_create(user=handler)[0].key
        hc = Client(HTTP_AUTHORIZATION=f"Token {htoken}")
        for action, status, data in (("sign", "dispatched", {}),
                                     ("reply", "signed", {"result": "resolved", "content": "已处理完毕。"})):
            pk = Appeal.objects.filter(unit_id=unit, status=status).values_list("pk", flat=True).first()
            if pk is None:
                continue
            _r, queries = self.measure(hc, "post", f"/api/v1/appeals/{pk}/{action}", data=data,
                                       content_type="application/json")
            out[f"action_{action}"] = {"label": f"POST /api/v1/appeals/{{id}}/{action}", "count": len(queries),
                                       "queries": [{"ms": q["ms"], "sql": q["sql"][:500]} for q in queries]}
        with open(opts["out"], "w") as f:
            json.dump(out, f, ensure_ascii=False, indent=2)
        for key, info in out.items():
            self.stdout.write(f"{key:<22} {info.get('counts') or info.get('count')}")
