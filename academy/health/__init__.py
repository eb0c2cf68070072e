"""Health of the running portal, in two questions.

- Liveness (`/health/live/`): does this process answer? Cheap (no database, no broker, no
  session), answered before any other middleware, so a load balancer or container runtime can
  probe it by address, without the site's host name and over plain HTTP.
- Readiness (`/health/ready/`, and `/health/`): can it do its work? The database, the broker, a
  worker and beat. The public sees only a status word and 200 or 503; superusers and callers with
  the `HEALTH_TOKEN` bearer token see the whole report."""

from .checks import HEARTBEAT_KEY, cached_report, record_heartbeat, run_checks

__all__ = ["HEARTBEAT_KEY", "cached_report", "record_heartbeat", "run_checks"]
