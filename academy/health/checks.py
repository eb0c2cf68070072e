"""The readiness checks: can we reach the database and the broker, does a worker answer, and
has beat run lately? Liveness needs none of this (academy/health/views.py)."""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from academy.celery import app

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
        replies = app.control.ping(timeout=settings.HEALTH_WORKER_PING_SECONDS) or []
    except Exception:
        logger.exception("health: worker ping failed")
        return "unavailable", 0
    return ("ok" if replies else "unavailable"), len(replies)


HEARTBEAT_KEY = "academy:beat:last"


def record_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


# Beat records a heartbeat every minute (academy/schedules.py); three missed ones mean it is down.
BEAT_STALE_AFTER = timedelta(minutes=3)


def _beat_last_seen() -> str | None:
    """When beat's heartbeat task last ran (ISO time), or None if never seen."""
    try:
        return cache.get(HEARTBEAT_KEY)
    except Exception:
        logger.exception("health: cache unreachable")
        return None


def _beat(last_seen: str | None) -> str:
    if last_seen is None:
        return "unavailable"
    if timezone.now() - datetime.fromisoformat(last_seen) > BEAT_STALE_AFTER:
        return "stale"
    return "ok"


REPORT_KEY = "academy:health:report"
REPORT_SECONDS = 5


def cached_report() -> dict[str, Any]:
    """The report, reused for a few seconds: the readiness URL is public, and each fresh report
    pings every worker, waiting HEALTH_WORKER_PING_SECONDS (a second) for their replies. With
    the cache down the report is built afresh, and says beat is unavailable (its heartbeat
    lives in the cache)."""
    try:
        report = cache.get(REPORT_KEY)
    except Exception:
        logger.exception("health: cache unreachable")
        return run_checks()
    if report is None:
        report = run_checks()
        try:
            cache.set(REPORT_KEY, report, REPORT_SECONDS)
        except Exception:
            logger.exception("health: cache unreachable")
    return report


def run_checks() -> dict[str, Any]:
    database = _database()
    broker = _broker()
    worker, count = _workers() if broker == "ok" else ("unavailable", 0)
    beat_last_seen = _beat_last_seen()
    beat = _beat(beat_last_seen)
    ok = database == broker == worker == beat == "ok"
    return {
        "status": "ok" if ok else "degraded",
        "database": database,
        "broker": broker,
        "worker": worker,
        "workers_responding": count,
        "beat": beat,
        "beat_last_seen": beat_last_seen,
    }
