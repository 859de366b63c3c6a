# The image a county runs: the app (gunicorn), the worker and migrations all start from it.
# Build: docker build -t hubiying .   (docker-compose.yml builds it for you)

# The front-end libraries from npm, exactly as package-lock.json pins them.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# PostgreSQL's client tools for backups (pg_dump, pg_restore) from inside the container.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /srv/hubiying --uid 1000 hubiying
WORKDIR /srv/hubiying
# Exact versions with their hashes: the same install on every server (make lock writes the file).
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY --chown=hubiying:hubiying . .
COPY --from=assets --chown=hubiying:hubiying /src/node_modules ./node_modules
# Static files are collected at build time; a throwaway key only for this step.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput -v0 \
    && mkdir -p media var && chown hubiying:hubiying media var
USER hubiying
ENV GUNICORN_BIND=0.0.0.0:8000 MEDIA_ROOT=/srv/hubiying/media
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["gunicorn", "hubiying.wsgi"]
