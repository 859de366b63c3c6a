# Hubiying — every routine task. `make run` and `make test` are the README's contract.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run dev serve test test-fast test-browser lint migrations-check demo messages clean browser-deps lock

KEY := var/secret_key
CARE_KEY := var/care_plan_key

$(STAMP): requirements.txt requirements-dev.txt package.json
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	  else echo "npm not found: the map falls back to a plain address field (install Node.js for Leaflet)"; fi
	touch $(STAMP)

# A secret key generated once for this checkout (never committed; SECRET_KEY overrides it).
$(KEY):
	@mkdir -p var && umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(KEY)

# The care plans' certificate-number key, generated once the same way (CARE_PLAN_KEY overrides it).
$(CARE_KEY):
	@mkdir -p var && umask 077 && $(PY) -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())" > $(CARE_KEY)

install: $(STAMP) $(KEY) $(CARE_KEY)

# What a county gets: production settings (DEBUG off, static files through
# whitenoise) over plain HTTP on 127.0.0.1, two gunicorn workers, and the
# background worker (notifications, text messages, timers) beside them.
# Ctrl-C stops both.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py rebuild_figures --if-missing
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo --if-empty
	@echo "Hubiying on http://$(HOST):$(PORT)/ (demo accounts: README; text messages appear in this console)"
	@export HUBIYING_HTTPS=0 HUBIYING_SMS_CONSOLE_SECRETS=1 HUBIYING_LOG_FORMAT=text HUBIYING_SITE_URL=$${HUBIYING_SITE_URL:-http://$(HOST):$(PORT)}; \
	  $(BIN)/python manage.py run_worker & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn hubiying.wsgi -w 2 -b $(HOST):$(PORT) --log-level warning

# Development mode: DEBUG on, Django's autoreloading server, the same worker.
dev: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py rebuild_figures --if-missing
	$(BIN)/python manage.py load_demo --if-empty
	@export HUBIYING_DEBUG=1 HUBIYING_SMS_CONSOLE_SECRETS=1 HUBIYING_SITE_URL=$${HUBIYING_SITE_URL:-http://$(HOST):$(PORT)}; \
	  $(BIN)/python manage.py run_worker & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-style serving without the demo or the worker, as the benchmarks use it.
serve: install
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn hubiying.wsgi -w 2 -b $(HOST):$(PORT)

# Reload the demo county (development: refused beside a real county's data).
demo: install
	$(BIN)/python manage.py migrate --noinput
	HUBIYING_DEBUG=1 $(BIN)/python manage.py load_demo

# Debian's chromium and a CJK font for the browser tests (root on CI machines).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null || \
	    (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null); \
	  else echo "browser tests need: sudo apt-get install chromium fonts-wqy-microhei"; fi; fi

test: install browser-deps
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/ruff check .
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser"

test-browser: install browser-deps
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The production lock file: exact versions with their hashes, resolved again from the ranges of
# requirements.txt (this is the dependency upgrade; commit it after `make test`). The Dockerfile
# and docs/deploy.md install from it with --require-hashes.
lock: install
	$(BIN)/uv pip compile requirements.txt --universal --python-version 3.11 --generate-hashes --upgrade \
	  --no-header --quiet -o requirements.lock
	@echo "requirements.lock: $$(grep -c '==' requirements.lock) packages pinned"

# Regenerate translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=node_modules --ignore=.venv
	$(BIN)/python manage.py compilemessages --ignore=node_modules --ignore=.venv

clean:
	rm -rf $(VENV) node_modules staticfiles

# The benchmark suite on PostgreSQL: 1M generated requests, gunicorn as in `make serve`,
# wrk on 127.0.0.1; prints one table, writes bench/results/. See bench/README.md.
# Extra options: make bench BENCH_ARGS="--appeals 200000 --duration 10 --keep".
.PHONY: bench
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    (apt-get update -qq && apt-get install -y -qq wrk >/dev/null); \
	  else echo "make bench needs wrk: sudo apt-get install wrk"; exit 1; fi; }
	@pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || { \
	  command -v pg_ctlcluster >/dev/null 2>&1 && \
	    pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start; \
	  for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The figures (分析研判) at 10 million requests on PostgreSQL: generation, then the
# server time of /api/v1/stats per scope and period. See bench/README.md.
# Extra options: make bench-analysis FIGURES_ARGS="--appeals 1000000 --keep".
.PHONY: bench-analysis
bench-analysis: install
	$(BIN)/python -m bench.figures $(FIGURES_ARGS)

# The fault run on PostgreSQL (≤10 minutes): intake load with worker kills and one
# PostgreSQL restart, then racing actions; prints what survived. See bench/chaos.py.
# Extra options: make chaos CHAOS_ARGS="--load-seconds 30 --no-pg-restart".
.PHONY: chaos
chaos: install
	@pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || { \
	  command -v pg_ctlcluster >/dev/null 2>&1 && \
	    pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start; \
	  for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	$(BIN)/python -m bench.chaos $(CHAOS_ARGS)

# The nearest service places at 10,000 places and the 15-minute circle's coverage, on SQLite
# and PostgreSQL: server time against the goals (20 ms, 1 s). See bench/README.md.
# Extra options: make bench-places PLACES_ARGS="--db sqlite --repeat 50 --keep".
# The background work's figures on PostgreSQL: one timer sweep over 1M generated requests and the
# notification throughput (console SMS backend). See bench/timers.py.
# Extra options: make bench-timers TIMERS_ARGS="--appeals 200000".
.PHONY: bench-timers
bench-timers: install
	$(BIN)/python -m bench.timers $(TIMERS_ARGS)

# Several servers and workers (a few minutes): two gunicorn servers, two Celery workers and a beat
# against one PostgreSQL and one Redis; intake through both, a worker killed mid-delivery; prints
# the counts (nothing lost, nothing sent twice, every due reminder sent). See bench/cluster.py.
# Extra options: make cluster CLUSTER_ARGS="--seconds 20 --threads 4".
.PHONY: cluster
cluster: install
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || (command -v redis-server >/dev/null && redis-server --daemonize yes --save "" >/dev/null)
	$(BIN)/python -m bench.cluster $(CLUSTER_ARGS)

.PHONY: bench-places
bench-places: install
	$(BIN)/python -m bench.places $(PLACES_ARGS)
