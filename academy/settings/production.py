"""A council's production deployment.

It refuses to start without what it needs, rather than quietly running on a developer's
defaults (the console email backend, a cache in each container's files, the filesystem broker,
a localhost address in every email link): each name below must be set, and the error names
every one that is missing. The check runs before the shared settings parse any of them, so a
missing value gets this message rather than a parser's."""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

REQUIRED_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "DJANGO_ALLOWED_HOSTS",
    "REDIS_URL",
    "EMAIL_URL",
    "SITE_URL",
)
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)
_missing = [name for name in REQUIRED_VARIABLES if not environ.Env().str(name, default="").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables, which are not set: "
        + ", ".join(_missing)
        + " (README.md, 'Running in production')."
    )

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Links in emails: HTTPS. The one exception is this machine's loopback address, which nobody
# else can follow, and only when ALLOW_INSECURE_SITE_URL says so: docker-compose's trial on a
# laptop sets it, a council's service never does.
SITE_URL = env("SITE_URL").rstrip("/")
ALLOW_INSECURE_SITE_URL = env.bool("ALLOW_INSECURE_SITE_URL", default=False)
_LOOPBACK = re.compile(r"http://(localhost|127\.0\.0\.1)(:\d+)?")
if not (SITE_URL.startswith("https://") or (ALLOW_INSECURE_SITE_URL and _LOOPBACK.fullmatch(SITE_URL))):
    raise ImproperlyConfigured(
        f"SITE_URL must start with https:// in production (it is {SITE_URL!r}). "
        "Only a trial on one machine may use http://localhost, with ALLOW_INSECURE_SITE_URL=true."
    )

# Redis is the cache (shared by every container: sessions, rate limits, used TOTP codes) and
# the Celery broker. Never a file cache or the filesystem broker here.
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="academy"),
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# Email leaves through a real mail server; the console and in-memory backends lose it.
EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
_NOWHERE = ("console", "locmem", "dummy", "filebased")
if any(f".backends.{name}." in EMAIL_CONFIG["EMAIL_BACKEND"] for name in _NOWHERE):
    raise ImproperlyConfigured(
        "EMAIL_URL must name a mail server in production (smtp://, smtp+tls://, submission://), "
        f"not {EMAIL_CONFIG['EMAIL_BACKEND']}."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# The demo relaxation of MFA is not available in production.
MFA_REQUIRED_FOR_STAFF = True
# Nor is the demo academy, whose people share a password printed in README.md.
DEMO_DATA_ALLOWED = False
