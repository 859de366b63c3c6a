"""gunicorn's settings for a county's server (read from this folder by default).

Every value can be set from the environment, so that the Docker image, a
systemd unit and `make run` share this one file; the command line still wins
(`make run` passes -w 2 and its own address).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request is short and CPU-bound (templates, the ORM); two per core, at least two.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, 2 * multiprocessing.cpu_count())))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # an export longer than this runs in the worker
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter, not all at once): memory stays flat.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Behind a proxy on this machine or the LAN: whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The access log is off unless asked for (the proxy usually keeps one); when on, one JSON line a
# request with the request id the app gave it, the private links of residents masked.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = "hubiying.accesslog.AccessLogger"
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(B)s", '
    '"ms": %(M)s, "request_id": "%({x-request-id}o)s", "agent": "%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
