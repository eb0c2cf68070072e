"""The test suite: PostgreSQL and Redis for real, one Redis database per xdist worker."""

import os

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-not-secret-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"  # noqa: S105  (tests only)
DEBUG = False
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/academy")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a flush that empties only the tables a transactional test filled.
    DATABASES["default"]["ENGINE"] = "academy.testing.postgresql"

# Each xdist worker gets its own Redis database, cache prefix and Celery queue, so workers never
# consume each other's tasks or share allauth's used-TOTP-code cache and axes counters.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_worker_number = int(_worker.removeprefix("gw") or 0)
_redis_base = env("REDIS_URL", default="redis://127.0.0.1:6379").rstrip("/").rsplit("/", 1)
_redis_root = _redis_base[0] if _redis_base[-1].isdigit() else "/".join(_redis_base)
# TEST_REDIS_DB_OFFSET lets two checkouts run their suites at once against one Redis.
_redis_offset = env.int("TEST_REDIS_DB_OFFSET", default=0)
REDIS_URL = f"{_redis_root}/{1 + _redis_offset + _worker_number}"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{_worker}",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL  # the real-worker tests read results
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = f"academy-test-{_redis_offset}-{_worker}"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
CLAMD_URL = ""  # the scanner tests start a fake clamd and point at it
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Outbox rows are sent in the test's own process after commit, so `mail.outbox` shows them;
# the outbox's own tests switch to "task" or "off" where the path matters.
OUTBOX_SEND_AFTER_COMMIT = "inline"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
# No worker runs in most tests, so every readiness report waits out the whole ping; the URL walk
# asks for one 50 times. tests/test_worker.py gives the ping its real second where a worker answers.
HEALTH_WORKER_PING_SECONDS = 0.05
AXES_ENABLED = False  # the lockout tests switch it back on
MFA_REQUIRED_FOR_STAFF = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
