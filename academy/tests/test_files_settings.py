"""The private storage the settings build from the environment: on disk by default, S3 through
django-storages when PRIVATE_STORAGE=s3. Run in a fresh process, as a deployment starts."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import django
django.setup()
from academy.files.storage import private_storage
storage = private_storage()
print(type(storage).__name__, getattr(storage, "bucket_name", None), storage.location)
"""


def run_probe(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "PRIVATE_", "AWS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="academy.settings.local", **environment)
    return subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_files_stay_on_disk_outside_the_public_folders_by_default(tmp_path: Path) -> None:
    done = run_probe(PRIVATE_MEDIA_ROOT=str(tmp_path / "uploads"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["PrivateFileSystemStorage", "None", str(tmp_path / "uploads")]


def test_s3_storage_is_chosen_by_the_environment() -> None:
    done = run_probe(
        PRIVATE_STORAGE="s3",
        PRIVATE_S3_BUCKET="academy-uploads-test",
        PRIVATE_S3_REGION="eu-west-2",
        AWS_ACCESS_KEY_ID="not-a-real-key",
        AWS_SECRET_ACCESS_KEY="not-a-real-secret",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["S3Storage", "academy-uploads-test", "private"]


def test_s3_storage_without_a_bucket_refuses_to_start() -> None:
    done = run_probe(PRIVATE_STORAGE="s3")
    assert done.returncode != 0
    assert "PRIVATE_S3_BUCKET" in done.stderr
