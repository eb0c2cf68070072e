#!/usr/bin/env bash
# `make run`: the portal as a developer or a trial council sees it. Starts a Celery worker and a
# separate beat beside Django's development server, and stops them both when the server stops
# (Ctrl-C, a crash, or the terminal closing).
#
# Without REDIS_URL, Celery uses kombu's filesystem transport under .celery/ (or
# CELERY_QUEUE_DIR): no server to install (docs/adr/0004-embedded-broker.md).
set -euo pipefail

cd "$(dirname "$0")/.."
# The worker and beat default to the production settings (academy/celery.py), like any
# container; here every process runs the developer's settings unless told otherwise.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-academy.settings.local}"
BIN=.venv/bin
ADDRESS="${RUN_ADDRESS:-0.0.0.0:8000}"
PORT="${ADDRESS##*:}"

# Create the filesystem broker's folders where the settings put them (nothing when Redis is
# the broker).
"$BIN/python" - <<'PY'
from pathlib import Path

import django

django.setup()
from django.conf import settings

options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
for key in ("data_folder_in", "data_folder_out", "control_folder"):
    if key in options:
        Path(options[key]).mkdir(parents=True, exist_ok=True)
PY

pids=()

stop() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  # Give Celery a moment for a warm shutdown, then make sure nothing is left behind.
  for _ in $(seq 1 40); do
    local alive=0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" -eq 0 ] && break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  echo "Stopped the portal, the Celery worker and beat."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/celery" -A academy worker --loglevel INFO --concurrency 2 &
pids+=("$!")
"$BIN/celery" -A academy beat --loglevel INFO &
pids+=("$!")

echo
echo "  The portal is starting at http://localhost:${PORT}/  (Ctrl-C stops it, the worker and beat)"
echo "  Sign in with a demo login printed above; every demo password is in README.md."
echo

"$BIN/python" manage.py runserver "$ADDRESS"
