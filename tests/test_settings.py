"""Production settings refuse to start without what they need, and pass Django's deployment
checks when they have it. Each case imports the settings in a fresh interpreter, as a container
would start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "prod-like-" + "k3Yq9-xW2vT7bN4mR8sL1pZ6cF0hJ5dG" * 2,
    "DJANGO_ALLOWED_HOSTS": "academy.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "smtp://mail.example.org:587",
    "SITE_URL": "https://academy.example.org",
}
REQUIRED = sorted(PRODUCTION_ENV)


def run(code_or_args: str | list[str], **env_overrides: str) -> subprocess.CompletedProcess[str]:
    """Python in a fresh process with the production environment, changed by `env_overrides`
    (an empty value counts as unset, and also hides any value a local `.env` file holds)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_")) and k not in PRODUCTION_ENV
    }
    env.update(PRODUCTION_ENV, **env_overrides)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


IMPORT_PRODUCTION = "import academy.settings.production"


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without_each_required_variable(missing: str) -> None:
    done = run(IMPORT_PRODUCTION, **{missing: ""})

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert "not set" in message
    assert missing in message
    assert all(name not in message for name in REQUIRED if name != missing)


def test_production_names_every_missing_variable_at_once() -> None:
    done = run(IMPORT_PRODUCTION, **dict.fromkeys(REQUIRED, ""))

    message = done.stderr.strip().splitlines()[-1]
    assert all(name in message for name in REQUIRED), message


def test_production_with_everything_it_needs_starts() -> None:
    done = run(IMPORT_PRODUCTION)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("site_url", "allow_insecure", "accepted"),
    [
        ("http://academy.example.org", "", False),
        ("academy.example.org", "", False),
        ("http://localhost.example.org", "", False),
        ("https://academy.example.org/", "", True),
        # A loopback address only when the deployment says it is a trial on one machine
        # (docker-compose sets the flag): nobody else can follow a loopback link.
        ("http://localhost:8000", "", False),
        ("http://127.0.0.1:8000", "false", False),
        ("http://localhost:8000", "true", True),
        ("http://127.0.0.1:8000", "true", True),
        ("http://academy.example.org", "true", False),
    ],
)
def test_production_site_url_must_be_https(site_url: str, allow_insecure: str, accepted: bool) -> None:
    done = run(IMPORT_PRODUCTION, SITE_URL=site_url, ALLOW_INSECURE_SITE_URL=allow_insecure)

    assert (done.returncode == 0) is accepted, done.stderr
    if not accepted:
        assert "SITE_URL must start with https://" in done.stderr


@pytest.mark.parametrize("email_url", ["consolemail://", "memorymail://", "dummymail://"])
def test_production_refuses_an_email_backend_that_sends_nothing(email_url: str) -> None:
    done = run(IMPORT_PRODUCTION, EMAIL_URL=email_url)

    assert done.returncode != 0
    assert "EMAIL_URL must name a mail server" in done.stderr


def test_production_uses_redis_and_smtp_never_the_local_fallbacks() -> None:
    done = run(
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.CACHES['default']['BACKEND']); print(settings.CELERY_BROKER_URL); "
        "print(settings.EMAIL_BACKEND); print(settings.DEBUG)",
        DJANGO_SETTINGS_MODULE="academy.settings.production",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/15",
        "django.core.mail.backends.smtp.EmailBackend",
        "False",
    ]


@pytest.mark.parametrize(
    "entry_point",
    [
        "import academy.wsgi",
        "from academy.celery import app; app.conf.broker_url",
    ],
    ids=["wsgi", "celery"],
)
def test_container_entry_points_default_to_production_settings(entry_point: str) -> None:
    """Without DJANGO_SETTINGS_MODULE, gunicorn's and Celery's entry points load production
    settings (which then refuse to start unconfigured), never the developer's."""
    done = run(entry_point, **dict.fromkeys(REQUIRED, ""))

    assert done.returncode != 0
    assert "Production settings need these environment variables" in done.stderr


def test_production_settings_pass_check_deploy() -> None:
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="academy.settings.production",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_load_demo_refuses_under_production_settings() -> None:
    done = run(["manage.py", "load_demo"], DJANGO_SETTINGS_MODULE="academy.settings.production")

    assert done.returncode != 0
    assert "load_demo refuses to run with these settings" in done.stderr
    assert "academy.settings.production" in done.stderr
    assert "Demo academy loaded" not in done.stdout
