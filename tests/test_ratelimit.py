"""The per-client limits count every use, across processes, for the whole window."""

import multiprocessing
import pickle
import time

import pytest
from django.core.cache import caches

from hubiying import ratelimit


def _hammer(folder, n):
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": folder}},
            HUBIYING_RATE_LIMITS={"t": (10_000, 3600)},
        )
        django.setup()
    from hubiying import ratelimit as rl

    for _ in range(n):
        rl.hit("t", "client")


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path)}}
    settings.HUBIYING_RATE_LIMITS = {"t": (10_000, 3600), "small": (3, 3600)}
    caches["default"].clear()
    return tmp_path


def test_file_cache_keeps_every_count_from_parallel_processes(file_cache):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_hammer, args=(str(file_cache), 50)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    # 200 uses by others: the next one sees them all.
    assert ratelimit.hit("t", "client").remaining == 10_000 - 201


def test_file_cache_counter_lives_for_the_window_not_five_minutes(file_cache):
    for _ in range(3):
        assert ratelimit.hit("small", "c").allowed
    [counter] = file_cache.glob("*.djcache")
    # The generic incr of Django's file cache would reset the expiry to the
    # default 300 s; the counter must keep the hour of its window.
    with open(counter, "rb") as f:
        expiry = pickle.load(f)
    assert expiry - time.time() > 3000
    assert not ratelimit.hit("small", "c").allowed
