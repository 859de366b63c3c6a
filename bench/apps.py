from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark-only views, table and commands. Installed by bench.settings
    only when HUBIYING_BENCH=1; never by hubiying.settings."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"
