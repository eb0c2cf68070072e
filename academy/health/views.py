"""The liveness and readiness answers. Neither shows internals to the public."""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .checks import cached_report


def _answer(body: dict[str, object], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["X-Content-Type-Options"] = "nosniff"  # the liveness answer skips SecurityMiddleware
    return response


@login_not_required
@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process answers. Nothing else is asked: a database outage must not make a load
    balancer restart every web container."""
    return _answer({"status": "ok"})


def may_see_details(request: HttpRequest) -> bool:
    """A superuser who has passed two-factor set-up, or a caller presenting HEALTH_TOKEN as a
    bearer token (compared in constant time)."""
    token = settings.HEALTH_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        return hmac.compare_digest(offered.strip().encode(), token.encode())
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_superuser
        and not getattr(request, "needs_mfa", True)
    )


@login_not_required
@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    report = cached_report()
    status = 200 if report["status"] == "ok" else 503
    return _answer(report if may_see_details(request) else {"status": report["status"]}, status)
