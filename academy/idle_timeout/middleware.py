"""Signs a person out after SESSION_IDLE_MINUTES without a request that counts as activity."""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from . import LAST_ACTIVITY_KEY, idle_seconds, idle_words

# The session is written at most this often (or a tenth of the idle time, if shorter): a
# session save on every request would be a database write per page.
RECORD_EVERY_SECONDS = 60


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def passive(view: ViewFunc) -> ViewFunc:
    """Mark a view whose requests the page makes by itself (polls): they do not count as
    activity, though an idle session still ends on them."""
    view.idle_passive = True  # type: ignore[attr-defined]
    return view


def _return_path(request: HttpRequest) -> str:
    """Where to come back after signing in again: the page itself, or for a form posted after
    the time-out, the page the form was on (its contents were kept there by the browser)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        now = timezone.now().timestamp()
        limit = idle_seconds()
        last = request.session.get(LAST_ACTIVITY_KEY)
        if last is not None and now - last > limit:
            return self.sign_out(request)
        passive_request = getattr(view_func, "idle_passive", False)
        if last is None or (not passive_request and now - last >= min(RECORD_EVERY_SECONDS, limit / 10)):
            request.session[LAST_ACTIVITY_KEY] = now
        return None

    def sign_out(self, request: HttpRequest) -> HttpResponse:
        back = _return_path(request)
        logout(request)
        messages.info(
            request, f"You were signed out after {idle_words()} without activity. Sign in to carry on."
        )
        if "application/json" in request.headers.get("Accept", ""):
            # The page's own script asked: it keeps what was typed, then goes to sign in.
            return JsonResponse({"signed_in": False}, status=401)
        return redirect_to_login(back)
