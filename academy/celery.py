"""The Celery application. Settings come from Django's, under the CELERY_ namespace.

Like wsgi.py, it defaults to the production settings: a worker in a container must not start on
the developer's. `make run` (scripts/run-local.sh) names the local settings itself."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
