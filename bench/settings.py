"""Settings for the benchmark suite: the production settings, plus (only when
HUBIYING_BENCH=1) the bench app with its two ceiling views and its table.

Normal deployments use hubiying.settings and never load this module, so the
ceiling views are not reachable there; with DJANGO_SETTINGS_MODULE=bench.settings
but without HUBIYING_BENCH=1 this is exactly hubiying.settings.
"""

import os

from hubiying.settings import *  # noqa: F403
from hubiying.settings import HUBIYING_RATE_LIMITS, INSTALLED_APPS, env_bool

BENCH_ENABLED = env_bool("HUBIYING_BENCH", False)

if BENCH_ENABLED:
    INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
    ROOT_URLCONF = "bench.urls"
    # The suite runs production mode on loopback over plain HTTP.
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    BENCH_RESULTS_DIR = os.environ.get("HUBIYING_BENCH_RESULTS", "")
    # wrk submits thousands of requests a second from one address: the per-client limits
    # are still counted on every request (their cost is measured), but never reached.
    HUBIYING_RATE_LIMITS = {scope: (10**9, seconds) for scope, (_uses, seconds) in HUBIYING_RATE_LIMITS.items()}
