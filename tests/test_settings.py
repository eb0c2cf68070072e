"""Production settings pass Django's deployment checks when the required environment is given."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        DJANGO_SECRET_KEY="prod-like-" + "k3Yq9-xW2vT7bN4mR8sL1pZ6cF0hJ5dG" * 2,
        DJANGO_ALLOWED_HOSTS="academy.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        REDIS_URL="redis://127.0.0.1:6379/15",
        EMAIL_URL="smtp://mail.example.org:587",
        SITE_URL="https://academy.example.org",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
