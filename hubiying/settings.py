"""Hubiying settings: one file, deployment facts from the environment.

SQLite is the embedded default; set DATABASE_URL for PostgreSQL. Production
mode is the default: it refuses to start without a real SECRET_KEY, and
expects HTTPS unless HUBIYING_HTTPS=0. HUBIYING_DEBUG=1 is development mode
(`make dev`). The README lists every variable.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("HUBIYING_DEBUG", False)
# The secret: SECRET_KEY, else the file `make install` generates once
# (var/secret_key, never committed), else (development only) a fixed key.
_KEY_FILE = Path(env("HUBIYING_SECRET_KEY_FILE", str(BASE_DIR / "var" / "secret_key")))
_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY") or (_KEY_FILE.read_text().strip() if _KEY_FILE.is_file() else "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _DEV_KEY
if not DEBUG and SECRET_KEY in ("", _DEV_KEY):
    raise ImproperlyConfigured(
        f"No secret key: set SECRET_KEY, or run `make install` to generate {_KEY_FILE}, "
        "or set HUBIYING_DEBUG=1 for development."
    )

# The key of the care plans' certificate numbers (care_plan/crypto.py): CARE_PLAN_KEY (Fernet keys,
# comma-separated, the first encrypts), else the file `make install` generates once (var/care_plan_key,
# never committed), else one derived from SECRET_KEY (development and tests only: rotating SECRET_KEY
# would make the numbers unreadable).
_CARE_PLAN_KEY_FILE = Path(env("HUBIYING_CARE_PLAN_KEY_FILE", str(BASE_DIR / "var" / "care_plan_key")))
CARE_PLAN_KEY = env("CARE_PLAN_KEY") or (
    _CARE_PLAN_KEY_FILE.read_text().strip() if _CARE_PLAN_KEY_FILE.is_file() else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "workcalendar",
    "organisations",
    "appeals",
    "notifications",
    "analysis",  # the figures: kept from the timeline through appeals.signals
    "open311",  # Open311 GeoReport v2 for other applications
    "places",  # service places of the 15-minute life circle
    "events",  # community events: plans, themes, sign-ups, waiting lists, check-in
    "volunteers",  # the volunteer registry, teams, duties and the hours confirmed work earns
    "care",  # care for 一老一小: recipients, recurring plans, orders taken by volunteers, meal counts
    "deliberation",  # topics, meetings (恳谈日, 议事会, 有事E起商量), minutes, decisions, requests made of them
    "fund",  # the community micro-fund (社区微基金): a double-entry ledger, public, never edited
    "care_plan",  # one person, one plan (一人一案) for disabled residents: registry, visits, plans, services
    "routing",  # 按责交办, assisted: routing rules, the text classifier, similar requests
    "county_setup",  # a county sets itself up from Excel: template, dry run, import, export
    "demo",  # the demo county: depends on everything above, nothing depends on it
]

MIDDLEWARE = [
    "hubiying.health.HealthMiddleware",  # /healthz, before the host check and the HTTPS redirect
    "hubiying.requestlog.RequestIdMiddleware",  # X-Request-ID on the answer and on every log line
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hubiying.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hubiying.urls"
WSGI_APPLICATION = "hubiying.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context.unread_count",
                "analysis.public.home_links",
            ],
        },
    },
    {
        # The queue rows only (templates/jinja2/work/rows.html): rendering them was the
        # queue page's cost, measured (bench/README.md). Autoescaped like the rest.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True},
    },
]

# Connections persist between requests (CONN_MAX_AGE): setting one up per
# request would cap intake on PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound on the server, so that psycopg prepares the statements a
    # connection repeats (after 5 uses) and PostgreSQL skips planning them again.
    # Set DB_SERVER_SIDE_BINDING=0 behind a pooler in transaction mode (PgBouncer).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
    # No JIT compilation: the figures' queries read a few thousand rows, and on estimates
    # from tallies of millions PostgreSQL spent 45 ms compiling a 5 ms query (make bench-analysis).
    if not env_bool("DB_JIT", False):
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
# A PostgreSQL read replica (streaming replication) for the reports: the
# dashboards and exports read there (hubiying.replica), everything else the primary.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=int(env("DB_CONN_MAX_AGE", "600")), conn_health_checks=True)
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["hubiying.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm at set-up time (make install), never vendored.
STATICFILES_DIRS = [BASE_DIR / "static"] + [
    (prefix, BASE_DIR / "node_modules" / folder)
    for prefix, folder in (("leaflet", "leaflet/dist"), ("echarts", "echarts/dist"))
    if (BASE_DIR / "node_modules" / folder).is_dir()
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "appeals.api_errors.exception_handler",
    # A JSON API: form bodies only where photos come (intake, the reply), which add multipart.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",

}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hubiying API",
    "DESCRIPTION": "呼必应 — resident requests from intake to evaluation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ChannelEnum": "appeals.models.Appeal.Channel",
                            "IntakeChannelEnum": "appeals.serializers.INTAKE_CHANNELS",
                            "PlaceKindEnum": "places.models.Place.Kind"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "appeals.schema.postprocess"],
}

# Map tiles: an intranet points this at its own tile server; empty shows the
# pin on a plain grid so the page still works offline.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_CENTER = (44.19, 86.90)  # 呼图壁县
# Requests whose place cannot be resolved go to this node (default: the first root).
HUBIYING_DEFAULT_NODE = env("HUBIYING_DEFAULT_NODE")

# Logs go to standard error: one JSON object a line with the request's id in
# production (HUBIYING_LOG_FORMAT=json, the default without DEBUG), plain text
# in development and in `make run`'s console (HUBIYING_LOG_FORMAT=text).
LOG_FORMAT = env("HUBIYING_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "hubiying.logmask.MaskSecrets"},
                "request_id": {"()": "hubiying.requestlog.RequestIdFilter"}},
    "formatters": {"json": {"()": "hubiying.requestlog.JsonFormatter"},
                   "text": {"format": "%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id", "mask_secrets"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# HTTPS: on by default in production (cookies only over HTTPS, redirect, HSTS).
# HUBIYING_HTTPS=0 serves plain HTTP, as `make run` does on 127.0.0.1; behind a
# proxy that ends TLS, HUBIYING_PROXY_SSL_HEADER=1 trusts its X-Forwarded-Proto.
HTTPS = env_bool("HUBIYING_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(env("HUBIYING_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HUBIYING_HSTS_PRELOAD", True)
if env_bool("HUBIYING_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The shared cache: rate limits and the reference-data generations
# (hubiying.refdata) must be seen by every worker process. A file cache is
# shared by the processes of one server; several servers set REDIS_URL.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("HUBIYING_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
    }}
# Two deployments sharing one cache (a Redis, a checkout's folder) never see each
# other's counts: the keys carry the database they belong to.
CACHES["default"]["KEY_PREFIX"] = env("HUBIYING_CACHE_PREFIX") or hashlib.sha1(
    f"{DATABASES['default'].get('HOST', '')}/{DATABASES['default']['NAME']}".encode()).hexdigest()[:10]

# --- Background work on Celery (hubiying/celery.py), where a broker is configured --------------
# Without CELERY_BROKER_URL the loop of `manage.py run_worker` (started by `make run`) does the same.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task: the task runs again (every task is safe to repeat)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}  # an unacknowledged task returns after 10 min
CELERY_TIMEZONE = TIME_ZONE
# What beat puts on the queue; `expires` drops a run nobody took in time (the next one comes anyway).
CELERY_BEAT_SCHEDULE = {
    "deliver": {"task": "hubiying.deliver", "schedule": 2.0, "options": {"expires": 10}},
    "exports": {"task": "hubiying.exports", "schedule": 5.0, "options": {"expires": 30}},
    "timers": {"task": "hubiying.timers", "schedule": float(env("HUBIYING_TIMERS_SECONDS", "60")),
               "options": {"expires": 120}},
    # The classifier learns the day's dispatches once a day (without a broker: cron `manage.py train_classifier`).
    "retrain": {"task": "hubiying.retrain", "schedule": 86400.0, "options": {"expires": 3600}},
}

# --- The platform's own deployment facts ----------------------------------------
# The address residents reach the site at, for the links sent by SMS.
HUBIYING_SITE_URL = env("HUBIYING_SITE_URL", "http://127.0.0.1:8000")
# The hotline residents are told to call when a page cannot help them.
HUBIYING_HOTLINE = env("HUBIYING_HOTLINE", "12345")
# Walking distance = straight line × this factor (streets are not straight), for the
# nearest places and the 15-minute circle's coverage until a road network is loaded.
HUBIYING_WALK_DETOUR = float(env("HUBIYING_WALK_DETOUR", "1.3"))
# The category (its code) a resident's report of a problem with a service place is filed under.
HUBIYING_PLACE_CATEGORY = env("HUBIYING_PLACE_CATEGORY", "place")
# How the figures' rates are rounded to 0.1 percentage point: "half_up" (97.85 → 97.9)
# or "truncate" (97.87 → 97.8, as some counties publish).
HUBIYING_RATE_ROUNDING = env("HUBIYING_RATE_ROUNDING", "half_up")
# A supervisor's repeated urge within this many minutes is refused.
HUBIYING_URGE_INTERVAL_MINUTES = int(env("HUBIYING_URGE_INTERVAL_MINUTES", "60"))
# How text messages go out: the console backend writes them to the log, with
# the codes and private links masked unless HUBIYING_SMS_CONSOLE_SECRETS=1
# (`make run` and `make dev` set it, so that the demo can be walked).
SMS_BACKEND = env("SMS_BACKEND", "notifications.sms.ConsoleBackend")
SMS_CONSOLE_SECRETS = env_bool("HUBIYING_SMS_CONSOLE_SECRETS", False)
# No text message in these hours (local time) unless it answers what the person is doing right then
# or concerns an urgent request; "off" sends at any hour.
SMS_QUIET_HOURS = env("HUBIYING_SMS_QUIET_HOURS", "22:00-07:00")
# A real provider: SMS_BACKEND=notifications.sms_aliyun.AliyunBackend (阿里云短信) and its account,
# signature and template ids (notifications/sms_aliyun.py; `manage.py check` says what is missing).
SMS_ALIYUN_ACCESS_KEY_ID = env("SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env("SMS_ALIYUN_ACCESS_KEY_SECRET")
SMS_ALIYUN_ENDPOINT = env("SMS_ALIYUN_ENDPOINT")
SMS_SIGN_NAME = env("SMS_SIGN_NAME")
SMS_TEMPLATE_IDS = env("SMS_TEMPLATE_IDS")  # appeal_received=SMS_480000001,appeal_replied=SMS_480000002,…
SMS_TIMEOUT = float(env("SMS_TIMEOUT", "5"))
# A message a worker claimed and never finished (it died) is given back after this many seconds.
SMS_CLAIM_TIMEOUT_SECONDS = int(env("SMS_CLAIM_TIMEOUT_SECONDS", "300"))
# Proxies in front of the servers whose X-Forwarded-For is trusted (0: none).
HUBIYING_PROXY_COUNT = int(env("HUBIYING_PROXY_COUNT", "0"))
# Per-client limits of the public endpoints: scope -> (uses, seconds).
HUBIYING_RATE_LIMITS = {
    "track": (120, 60),  # reading a request's public progress
    "track-act": (30, 600),  # evaluating or withdrawing with the private token
    "code-send": (10, 3600),  # asking for one-time codes
    "code-check": (30, 3600),  # typing one-time codes
    "lookup-phone-minute": (1, 60),  # codes to one phone, whether or not it left requests
    "lookup-phone-hour": (5, 3600),
    "intake": (60, 3600),  # requests submitted without signing in, per client
    "intake-account": (20, 3600),  # by a signed-in resident, per account
    "sign-in": (20, 300),  # token and login attempts per client
    "sign-in-user": (10, 900),  # attempts per account name, from anywhere
    "public-map": (30, 600),  # public map and list choices not cached yet, per client
    "open311-read": (120, 60),  # Open311 GeoReport reads, per client key (else per address)
    "open311-write": (600, 3600),  # Open311 requests and updates filed, per client key
}

# Open311: the jurisdiction_id this deployment answers to (any other is 404).
OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", "hubiying.local")

# SQLite ignores the covering columns of the open-requests index; PostgreSQL uses them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
