"""Settings shared by every environment.

Everything that differs between a laptop, CI and a council's production is read from the
environment with django-environ; `.env.example` lists every name and README explains them.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "django_htmx",
    "academy",
    "cpd",
    "placements",
    "programmes",
    "asye",
]

MIDDLEWARE = [
    "academy.health.middleware.LivenessMiddleware",  # first: the probe needs nothing below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "academy.idle_timeout.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.middleware.OrganisationMiddleware",
    "academy.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "academy.root_urls"
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "academy.context_processors.academy",
            ],
        },
    },
]

_sqlite_path = env("DJANGO_SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{_sqlite_path}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "academy.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "academy.auth.AcademyAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "academy:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Only the built output: the sources beside it in static/src/ (SCSS, build script) are never served.
STATICFILES_DIRS = [BASE_DIR / "static" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

# --- Private files (academy/files, docs/adr/0005-private-files.md) -----------------------------
# Uploads (evidence, certificates, placement documents) live in their own storage with no public
# URL: people fetch them only through the download view, which asks the owning app's access
# check. On disk under PRIVATE_MEDIA_ROOT (never below MEDIA_ROOT or the static folders; a system
# check refuses that), or in a private S3 bucket with PRIVATE_STORAGE=s3.
PRIVATE_STORAGE = env("PRIVATE_STORAGE", default="filesystem")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
if PRIVATE_STORAGE == "s3":
    # Credentials come from the usual AWS variables or the instance's role, read by boto3.
    PRIVATE_FILES_STORAGE: dict = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("PRIVATE_S3_BUCKET"),
            "region_name": env("PRIVATE_S3_REGION", default=None),
            "endpoint_url": env("PRIVATE_S3_ENDPOINT_URL", default=None),
            "location": env("PRIVATE_S3_PREFIX", default="private"),
            # The bucket's own policy keeps objects private (block all public access).
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    PRIVATE_FILES_STORAGE = {
        "BACKEND": "academy.files.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    }
STORAGES["private"] = PRIVATE_FILES_STORAGE
PRIVATE_FILES_MAX_MB = env.float("PRIVATE_FILES_MAX_MB", default=10)
# Types people may upload, as content types; the content decides the type, never the name.
# Unset: every type academy/files/validation.py knows (PDF, Office and OpenDocument files,
# PNG, JPEG, plain text and CSV).
PRIVATE_FILES_ALLOWED_TYPES: list[str] = env.list("PRIVATE_FILES_ALLOWED_TYPES", default=[])
# A clamd virus scanner: tcp://host:3310 or unix:///run/clamav/clamd.ctl. Empty: no scanning.
# When set and unreachable, uploads are refused rather than stored unscanned.
CLAMD_URL = env("CLAMD_URL", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30)
# Bearer token that shows the whole readiness report (/health/ready/) to a monitoring system.
# Empty: only signed-in superusers see it; everyone else gets the status word.
HEALTH_TOKEN = env("HEALTH_TOKEN", default="")
# How long a readiness report waits for workers to answer its ping. It always waits this long
# (replies are collected until then), and the report is cached for a few seconds.
HEALTH_WORKER_PING_SECONDS = 1.0

# --- Caches and sessions --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="academy"),
        }
    }
else:
    # Shared by the web server, worker and beat processes of `make run`, with no server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / ".cache"),
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends after this many minutes without activity, with a warning shortly before
# (academy/idle_timeout/). GOV.UK services use 30 to 60 minutes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_IDLE_WARNING_SECONDS = 120
# Drafts that save themselves as people type (academy/drafts/): removed this many days after
# their last change; the rest are fixed limits of the save request.
DRAFTS_KEEP_DAYS = env.int("DRAFTS_KEEP_DAYS", default=30)
DRAFTS_MAX_BYTES = 200_000  # the fields of one form, as JSON
DRAFTS_SAVES_PER_MINUTE = 60  # per person, across their tabs; a page saves at most every few seconds
DRAFTS_SAVE_SECONDS = 5  # how often a page with changes saves

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Social Work Academy <academy@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may block. Without it a silent server would hold a sender forever.
EMAIL_TIMEOUT = EMAIL_CONFIG.get("EMAIL_TIMEOUT", 30)

# --- The outbox: every email is a row first, sent by a sweep (docs/adr/0007-outbox.md) ------
# After commit: "task" queues a Celery task to send the row at once; "inline" sends it in the
# process that committed (the tests); "off" leaves it to the sweep. The sweep (every minute)
# is what guarantees delivery; the shortcut only saves waiting for it.
OUTBOX_SEND_AFTER_COMMIT = "task"
# A sender holds a claimed message this long. Longer than a task may run (CELERY_TASK_TIME_LIMIT),
# so a live sender never loses its messages; a dead one's are sent again after it.
OUTBOX_LEASE_SECONDS = 300
OUTBOX_MAX_ATTEMPTS = 10
OUTBOX_RETRY_SECONDS = 60  # the first retry; doubling after each failed attempt
OUTBOX_RETRY_MAX_SECONDS = 6 * 3600
OUTBOX_FAILURES_BEFORE_PAUSE = 3  # failed sends in a row before a sweep stops (server down)
OUTBOX_SWEEP_SECONDS = 45  # a sweep stops taking new batches after this long

# --- Reminders (academy/reminders/, docs/adr/0013-reminder-engine.md) -------------------------
# The producers run once a day at this London time (a crontab schedule in django-celery-beat,
# so it stays at this hour on the clock through British Summer Time), and on demand.
REMINDERS_PRODUCE_AT = (6, 30)  # hour, minute
REMINDER_MAX_ATTEMPTS = 5  # failed deliveries before a reminder waits for an operator
REMINDER_RETRY_SECONDS = 60  # the first retry; doubling after each failed attempt
REMINDER_DELIVERY_SECONDS = 45  # a delivery sweep stops taking new batches after this long

# --- The academy's own settings ----------------------------------------------------------------
ACADEMY_NAME = env("ACADEMY_NAME", default="Social Work Academy")
# The brand colour drives the header and links; it must keep 4.5:1 contrast with white text.
ACADEMY_COLOUR = env("ACADEMY_COLOUR", default="#1d4f6e")
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)
# Resends are limited so an invitation cannot be used to flood someone's inbox: at most this
# many emails per invitation, and not again within this many minutes of the last one.
INVITATION_MAX_SENDS = env.int("INVITATION_MAX_SENDS", default=5)
INVITATION_RESEND_MINUTES = env.int("INVITATION_RESEND_MINUTES", default=10)
# Invitation emails one address may receive in any 24 hours, across every invitation.
INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY = env.int("INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY", default=10)
# ASYE feedback from people without an account (asye/feedback/): how long a link or code
# works, and how many code or link lookups one address (and one code) may make per window.
ASYE_FEEDBACK_EXPIRY_DAYS = 14
ASYE_FEEDBACK_LOOKUPS_PER_ADDRESS = 10
ASYE_FEEDBACK_LOOKUPS_PER_CODE = 5
ASYE_FEEDBACK_LOOKUP_WINDOW_SECONDS = 15 * 60
# CPD peer confirmation links (cpd/peer/): how long a link works, and how many requests one
# record may send in any 24 hours (a new request replaces the earlier link).
CPD_PEER_LINK_DAYS = env.int("CPD_PEER_LINK_DAYS", default=30)
# How long a place offered from a programme session's waiting list is held before the next person gets it.
PROGRAMMES_OFFER_HOURS = env.int("PROGRAMMES_OFFER_HOURS", default=48)
CPD_PEER_REQUESTS_PER_DAY = env.int("CPD_PEER_REQUESTS_PER_DAY", default=5)
# Defaults for the thresholds each organisation may set for itself (Organisation settings page).
EVIDENCE_WAITING_DAYS = env.int("EVIDENCE_WAITING_DAYS", default=14)
# Navigation badges (counts registered by apps) are cached per person this long.
NAV_COUNT_CACHE_SECONDS = 60
# `manage.py load_demo` creates people with a published password; production turns this off.
DEMO_DATA_ALLOWED = True
# MFA is required for assessors, PSWs, academy admins and moderators. Only a local demo may
# relax it, and every page then says so.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)

# --- allauth --------------------------------------------------------------------------------
ACCOUNT_ADAPTER = "academy.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "academy.account_forms.InvitationSignupForm",
    "add_email": "academy.account_forms.NoExtraEmailForm",
}
# One address per person, the one they were invited at: nobody can claim someone else's
# address as a second one (which would block that person's invitation).
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{ACADEMY_NAME}] "
# django-axes locks out repeated password failures (allauth's forms and the admin). allauth's
# own `login_failed` limit stays on as well: it is the one that also counts wrong
# authenticator codes, which never reach Django's login-failed signal that axes listens to.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key", "login": "30/m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = ACADEMY_NAME

# --- django-axes: lock out after repeated failures, for allauth and the Django admin --------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "academy.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429

# --- The client's address behind proxies (academy/client_ip.py) -----------------------------
# How many proxies of our own (load balancer, nginx...) stand in front of the portal. Each adds
# the address it saw to X-Forwarded-For; 0 ignores that header, which a client can write itself.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT  # the adapter asks academy.client_ip anyway
AXES_CLIENT_IP_CALLABLE = "academy.client_ip.client_ip"

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Content security policy ------------------------------------------------------------------
from csp.constants import NONCE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
    }
}

# --- Celery -----------------------------------------------------------------------------------
# With REDIS_URL set, Redis is the broker. Without it, kombu's filesystem transport lets a real
# worker and beat run beside `make run` with no server (docs/adr/0004-embedded-broker.md).
CELERY_QUEUE_DIR = Path(env("CELERY_QUEUE_DIR", default=str(BASE_DIR / ".celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
    }
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="academy")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # A refused request (403/404) is routine here, not a warning with a traceback.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django.request": {"level": "ERROR"}},
}
