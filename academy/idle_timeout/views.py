"""The two small requests the time-out warning makes."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import LAST_ACTIVITY_KEY, idle_seconds
from .middleware import passive


def _remaining(request: HttpRequest) -> int:
    last = request.session.get(LAST_ACTIVITY_KEY, timezone.now().timestamp())
    return max(0, round(last + idle_seconds() - timezone.now().timestamp()))


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": this request is activity, recorded now."""
    request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"remaining": _remaining(request)})
    # Without the script (a plain form post), back to the page the button was on.
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


@passive
@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle time-out, asked before the warning opens (another tab may
    have kept the session alive). Asking is not activity."""
    return JsonResponse({"remaining": _remaining(request)})
