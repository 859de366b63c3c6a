"""What an operator of several servers relies on: /healthz for the balancer, a
request id on every answer and log line, logs as JSON lines, and the reports
read from a read replica where one is configured."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connections
from django.test import Client

from hubiying import health, replica
from hubiying.requestlog import JsonFormatter, RequestIdFilter

from .test_settings import PRODUCTION, ROOT, manage

pytestmark = pytest.mark.django_db


def test_health_answers_over_plain_http_for_any_host_and_says_what_it_checked(settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = ""
    answer = Client(HTTP_HOST="10.0.0.7").get("/healthz")  # a balancer probing by IP, not over HTTPS
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer.json() == {"status": "ok", "database": {"default": "ok"}, "cache": "not configured",
                             "broker": "not configured"}
    assert Client().post("/healthz").status_code == 405


def test_health_is_503_when_the_database_the_cache_or_the_broker_is_down(settings, monkeypatch):
    settings.REDIS_URL, settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0", ""  # nothing listens there
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and answer.json()["cache"] == "error"
    settings.REDIS_URL, settings.CELERY_BROKER_URL = "", "redis://127.0.0.1:1/1"
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and answer.json()["broker"] == "error"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = ""

    def broken(alias):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(health, "connections", type("C", (), {"__getitem__": lambda self, a: broken(a)})())
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == {"default": "error"}


def test_health_pings_redis_where_it_is_configured(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379 here")
    settings.REDIS_URL, settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"
    found = Client().get("/healthz").json()
    assert (found["cache"], found["broker"]) == ("ok", "ok")


def test_every_answer_carries_a_request_id_and_keeps_a_proxys(client):
    mine = client.get("/", secure=True)["X-Request-ID"]
    assert len(mine) == 32 and client.get("/", secure=True)["X-Request-ID"] != mine
    given = client.get("/", secure=True, HTTP_X_REQUEST_ID="lb-7f3a9c21")
    assert given["X-Request-ID"] == "lb-7f3a9c21"
    forged = client.get("/", secure=True, HTTP_X_REQUEST_ID="<script>")
    assert forged["X-Request-ID"] != "<script>" and len(forged["X-Request-ID"]) == 32


def test_a_log_line_is_one_json_object_with_the_request_id(client, monkeypatch):
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    keep = Keep()
    keep.addFilter(RequestIdFilter())
    keep.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(keep)
    try:
        answer = client.get("/no-such-page/", secure=True, HTTP_X_REQUEST_ID="trace-0001")
    finally:
        logger.removeHandler(keep)
    assert answer.status_code == 404
    line = json.loads(lines[-1])
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["request_id"] == "trace-0001" and "/no-such-page/" in line["message"]
    assert line["status_code"] == 404 and line["time"].endswith("+00:00")


def test_production_logs_json_and_make_runs_console_plain_text():
    code = "from django.conf import settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
    assert manage("shell", "--no-imports", "-c", code, **PRODUCTION).stdout.strip() == "json"
    plain = manage("shell", "--no-imports", "-c", code, HUBIYING_LOG_FORMAT="text", **PRODUCTION)
    assert plain.stdout.strip() == "text"


def test_a_replica_url_adds_the_replica_for_reports_only():
    code = ("from django.conf import settings as s; r = s.DATABASES.get('replica');"
            "print(r and r['NAME'], r and r['TEST']['MIRROR'], s.DATABASE_ROUTERS)")
    shown = manage("shell", "--no-imports", "-c", code, DATABASE_URL="postgres://hby@primary/hubiying",
                   DATABASE_REPLICA_URL="postgres://hby@replica/hubiying", **PRODUCTION)
    assert shown.stdout.split()[:2] == ["hubiying", "default"], shown.stderr
    assert "hubiying.replica.ReplicaRouter" in shown.stdout


@pytest.fixture
def spied_replica(monkeypatch):
    """The router told that a replica exists; its alias points at the test database, and every
    read it sends there is recorded (model names)."""
    sent = []
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "ALIAS", "default")
    original = replica.ReplicaRouter.db_for_read

    def recording(self, model, **hints):
        alias = original(self, model, **hints)
        if alias:
            sent.append(model._meta.label)
        return alias

    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", recording)
    return sent


def test_the_dashboard_reads_from_the_replica_and_a_request_page_does_not(client, cast, spied_replica):
    client.force_login(cast.leader)
    assert client.get("/work/", secure=True).status_code == 200
    assert spied_replica == []  # the workbench reads the primary: a person sees their own actions
    assert client.get("/work/figures/", secure=True).status_code == 200
    assert any(label.startswith("analysis.") for label in spied_replica), spied_replica


def test_writes_inside_reports_still_go_to_the_primary():
    router = replica.ReplicaRouter()
    with replica.reporting():
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) in (None, replica.ALIAS)
    assert not router.allow_migrate(replica.ALIAS, "appeals") and router.allow_migrate("default", "appeals")
    assert list(connections) == ["default"]  # no replica configured in the tests themselves


def test_gunicorns_access_log_is_json_and_masks_a_residents_private_link():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from hubiying.accesslog import AccessLogger

    config = Config()
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), {}, values := {})
    fmt = values["access_log_format"]
    token = "a" * 24
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/track/HTB20261202001/{token}/", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": f"/track/HTB20261202001/{token}/", "QUERY_STRING": "", "REMOTE_ADDR": "10.0.0.9",
               "HTTP_USER_AGENT": 'Mozilla "quoted"'}
    resp = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "abc123abc123")])
    atoms = AccessLogger(config).atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=7))
    line = json.loads(fmt % atoms)
    assert line["status"] == 200 and line["ms"] == 7 and line["request_id"] == "abc123abc123"
    assert token not in line["request"] and "/track/HTB20261202001/***/" in line["request"]
    assert line["agent"] == 'Mozilla "quoted"'
