"""Sessions end after a while without activity, with a warning first, and nothing typed is lost.

- `middleware.IdleTimeoutMiddleware` keeps the time of the person's last request in the session
  and signs them out once SESSION_IDLE_MINUTES have passed without one, sending them to sign in
  with a message that says why. Requests a page makes by itself (views marked `@passive`, such
  as the status question below) do not count as activity, so an open tab does not keep a
  session alive for ever.
- `templates/includes/idle_timeout.html` and `static/src/js/idle-timeout.js` (built to
  /static/academy/) warn a couple of minutes before: a modal dialog with "Stay signed in" (a
  POST to `session_extend`) and "Sign out". Before the page signs out it keeps the contents of
  its forms in the browser's sessionStorage (never passwords or codes) and puts them back after
  the person signs in."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

# Where the time of the last request is kept in the session (seconds since the epoch).
LAST_ACTIVITY_KEY = "academy_last_activity"


def idle_seconds() -> int:
    """SESSION_IDLE_MINUTES in seconds (tests may set a fraction of a minute)."""
    return max(1, round(float(settings.SESSION_IDLE_MINUTES) * 60))


def warning_seconds() -> int:
    """How long before the end the warning opens: SESSION_IDLE_WARNING_SECONDS, or half the
    idle time when that is shorter."""
    return min(settings.SESSION_IDLE_WARNING_SECONDS, idle_seconds() // 2)


def idle_words(seconds: int | None = None) -> str:
    """ "30 minutes", "1 minute", "45 seconds"."""
    seconds = idle_seconds() if seconds is None else seconds
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def start_clock(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """On sign-in (Django's `user_logged_in`), the idle clock starts: the stamp rides along with
    the session save that signing in does anyway, so the first page pays no extra write."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
