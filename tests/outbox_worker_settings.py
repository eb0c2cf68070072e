"""Settings for the real Celery worker process the outbox's fault tests start: the test
settings, with mail going to the test's SMTP capture server and the on-commit shortcut queued
as a task. The test passes the port and the test database in the environment."""

import os

from academy.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["OUTBOX_SMTP_CAPTURE_PORT"])
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 60
OUTBOX_SEND_AFTER_COMMIT = "task"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"academy.outbox": {"handlers": ["console"], "level": "INFO"}},
}
