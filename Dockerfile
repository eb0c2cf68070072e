# syntax=docker/dockerfile:1
# One image for every process of the portal: the entry point's first argument picks web (gunicorn),
# worker, beat, migrate or manage (see scripts/docker-entrypoint.sh and docker-compose.yml).

# --- 1. Front-end assets: GOV.UK Frontend with the academy's branding, built by dart-sass ---------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src/ static/src/
RUN npm run build

# --- 2. The application -------------------------------------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=academy.settings.production

RUN pip install --no-cache-dir "uv==0.13.9"

# What WeasyPrint needs to make PDFs (academy/pdf.py), and a font for them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 libglib2.0-0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. --locked fails the build when
# pyproject.toml and uv.lock disagree.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
COPY --from=assets /build/static/dist/ static/dist/

# Production settings need these names to import; the values are used for nothing but this step.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    DJANGO_ALLOWED_HOSTS=localhost \
    REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=smtp://localhost:25 \
    SITE_URL=https://collectstatic.invalid \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home-dir /app academy \
    && mkdir -p /app/media /app/private-media \
    && chown academy /app/media /app/private-media \
    && chmod 700 /app/private-media
USER academy

EXPOSE 8000
# No HEALTHCHECK here: this one image runs web, worker and beat, which need different probes.
# The orchestrator probes the web process at /health/live/ (see docker-compose.yml).
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["web"]
