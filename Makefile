# The social work academy portal. Every target works from a fresh clone.
#
#   make run     install, migrate, load the demo academy, serve with a Celery worker and beat
#   make test    the whole suite (PostgreSQL and Redis, browser tests in Debian's Chromium)
#   make lint    ruff, mypy, import contracts, migrations check, view lint
#
# `make help` lists every target.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# uv from PATH, or the one `pip install uv` put beside the Python it was installed for.
UV = $(or $(shell command -v uv 2>/dev/null),python3 -m uv)
RUN = $(UV) run --locked
MANAGE = $(RUN) python manage.py
TEST_SETTINGS := academy.settings.test
PYTEST_WORKERS ?= 2
CHROMIUM := /usr/bin/chromium
# What WeasyPrint (PDFs, academy/pdf.py) needs from the system, and a font for the documents.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 libglib2.0-0 fonts-dejavu-core
# apt-get needs root; use sudo when we are not.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
TEST_REPORT := test-results/pytest.xml

.PHONY: help install python-deps pdf-libs assets chromium run demo test e2e lint bench clean distclean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: python-deps pdf-libs assets ## Python packages (uv), the PDF libraries and the built front-end assets

python-deps:
	@if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then \
		echo "Installing uv with pip"; \
		python3 -m pip install --quiet uv \
			|| python3 -m pip install --quiet --user --break-system-packages uv; \
	fi
	$(UV) sync --locked

# Front-end sources are in static/src/ (SCSS, images, build.mjs); the build writes static/dist/.
assets:
	npm ci --no-audit --no-fund
	npm run build

# Installed through apt only when one is missing, so a warm machine does not pay for it twice.
pdf-libs:
	@if dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1; then echo "PDF libraries: installed"; \
	else $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(PDF_PACKAGES); fi

chromium:
	@if [ -x $(CHROMIUM) ]; then echo "Chromium: $(CHROMIUM)"; \
	else $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; fi

run: install ## serve the demo portal on :8000 with a Celery worker and beat
	mkdir -p .celery/queue .celery/control
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) sync_schedules
	./scripts/run-local.sh

demo: python-deps ## migrate and (re)load the demo academy
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

test: install chromium ## the whole suite, in parallel; fails when no test ran
	@mkdir -p $(dir $(TEST_REPORT))
	$(RUN) pytest -n $(PYTEST_WORKERS) --junitxml=$(TEST_REPORT)
	$(RUN) python scripts/check_test_report.py $(TEST_REPORT)

e2e: install chromium ## only the Playwright journeys in tests/e2e
	@mkdir -p $(dir $(TEST_REPORT))
	$(RUN) pytest -n $(PYTEST_WORKERS) tests/e2e --junitxml=$(TEST_REPORT)
	$(RUN) python scripts/check_test_report.py $(TEST_REPORT)

lint: python-deps ## ruff, formatting, mypy, import contracts, migrations, views
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .
	$(RUN) lint-imports
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(MANAGE) makemigrations --check --dry-run
	$(RUN) python scripts/lint_views.py

bench: install ## run the benchmarks in tests/perf/bench_*.py (not part of CI)
	@shopt -s nullglob; benches=(tests/perf/bench_*.py); \
	if [ $${#benches[@]} -eq 0 ]; then echo "No benchmarks yet: add tests/perf/bench_*.py (see tests/perf/README.md)."; \
	else $(RUN) pytest -p no:xdist --reuse-db -o python_files='bench_*.py' -s -v "$${benches[@]}"; fi

clean: ## remove built assets, caches and test output (keeps .venv, node_modules, db.sqlite3)
	rm -rf static/dist staticfiles .celery test-results .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean ## also remove .venv, node_modules and the local SQLite database
	rm -rf .venv node_modules db.sqlite3 db.sqlite3-journal media private-media
