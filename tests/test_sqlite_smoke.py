"""The embedded default keeps working: `make run` migrates and loads the demo on SQLite with no
DATABASE_URL or REDIS_URL, and loading the demo twice changes nothing."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(tmp_path: Path, *args: str) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.local",
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
        DJANGO_SQLITE_PATH=str(tmp_path / "demo.sqlite3"),
    )
    done = subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_migrate_and_load_demo_on_sqlite(tmp_path: Path) -> None:
    _manage(tmp_path, "migrate", "--noinput")
    first = _manage(tmp_path, "load_demo")
    assert "nqsw@demo.academy.test" in first
    assert "demo-password-2026" in first
    _manage(tmp_path, "load_demo")
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        users = db.execute("select count(*) from academy_user").fetchone()[0]
        memberships = db.execute("select count(*) from academy_membership").fetchone()[0]
        pcf = db.execute(
            "select count(*) from academy_frameworkelement e"
            " join academy_frameworkversion v on e.version_id = v.id"
            " join academy_framework f on v.framework_id = f.id where f.slug = 'pcf'"
        ).fetchone()[0]
        asye_records = db.execute("select count(*) from asye_asyerecord").fetchone()[0]
    # The core's 12 people (one whose employment has ended), the ASYE demo's 7 more NQSWs
    # (asye/demo.py) with 8 records, the year's-end demo's 4 NQSWs with a record each
    # (asye/final/demo.py: submitted, paused, withdrawn, extended), the placements demo's
    # on-site supervisor and second student (placements/demo.py), and moderation's external
    # moderator and two NQSWs with a record each (asye/moderation/demo.py: awaiting a panel,
    # completed).
    assert users == 28
    assert memberships == 28
    assert asye_records == 14
    assert pcf > 0
