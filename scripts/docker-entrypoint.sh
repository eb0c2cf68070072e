#!/bin/sh
# The container's entry point. The first argument names the process to run, so one image serves
# every role in docker-compose.yml (and in a council's own orchestration):
#
#   web [--migrate]   gunicorn on :8000 (--migrate applies migrations first; with several web
#                     replicas run `migrate` once as a release step instead)
#   worker            a Celery worker
#   beat              Celery beat with django-celery-beat's DatabaseScheduler (run exactly one)
#   migrate           apply migrations and exit
#   manage ARGS...    any manage.py command, e.g. `manage createsuperuser`
#   anything else     run as given (e.g. `sh`)
set -eu

# Every process of the image runs the production settings unless the environment says otherwise
# (the image sets this too; it is repeated here for orchestrators that replace the environment).
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-academy.settings.production}"

command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
  web)
    if [ "${1:-}" = "--migrate" ]; then
      shift
      python manage.py migrate --noinput
      python manage.py sync_schedules
    fi
    exec gunicorn academy.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --access-logfile - \
      "$@"
    ;;
  worker)
    exec celery -A academy worker --loglevel INFO "$@"
    ;;
  beat)
    python manage.py sync_schedules
    exec celery -A academy beat --loglevel INFO "$@"
    ;;
  migrate)
    python manage.py migrate --noinput "$@"
    exec python manage.py sync_schedules
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
