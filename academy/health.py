"""Operator checks for /health/: can we reach the database, the broker, and a worker?"""

import logging
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .celery import app

logger = logging.getLogger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health: database unreachable")
        return "unavailable"
    return "ok"


def _broker() -> str:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.exception("health: broker unreachable")
        return "unavailable"
    return "ok"


def _workers() -> tuple[str, int]:
    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception:
        logger.exception("health: worker ping failed")
        return "unavailable", 0
    return ("ok" if replies else "unavailable"), len(replies)


HEARTBEAT_KEY = "academy:beat:last"


def record_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def _beat() -> str | None:
    """When beat's heartbeat task last ran (ISO time), or None if never seen."""
    try:
        return cache.get(HEARTBEAT_KEY)
    except Exception:
        logger.exception("health: cache unreachable")
        return None


REPORT_KEY = "academy:health:report"
REPORT_SECONDS = 5


def cached_report() -> dict[str, Any]:
    """The report, reused for a few seconds: /health/ is public, and each fresh report pings
    every worker (up to a second when none answers)."""
    report = cache.get(REPORT_KEY)
    if report is None:
        report = run_checks()
        cache.set(REPORT_KEY, report, REPORT_SECONDS)
    return report


def run_checks() -> dict[str, Any]:
    database = _database()
    broker = _broker()
    worker, count = _workers() if broker == "ok" else ("unavailable", 0)
    ok = database == broker == worker == "ok"
    return {
        "status": "ok" if ok else "degraded",
        "database": database,
        "broker": broker,
        "worker": worker,
        "workers_responding": count,
        "beat_last_seen": _beat(),
    }
