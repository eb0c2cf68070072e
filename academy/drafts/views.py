"""The two requests behind autosave: save (from the page's script) and discard (a button).

Saving counts as activity for the idle time-out (decided, docs/adr/0010-form-drafts.md): the
script saves only after the person changed something, and typing is activity, so a person
writing a long reflection is not signed out mid-sentence. A page left open saves nothing and
times out as before."""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..web import AcademyRequest
from . import selectors, services
from .models import FormDraft

RATE_WINDOW_SECONDS = 60


def _refuse(status: int, error: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": error, "message": message, **extra}, status=status)


def _saved(draft: FormDraft) -> dict[str, Any]:
    saved_at = timezone.localtime(draft.updated_at)
    return {
        "version": draft.version,
        "saved_at": saved_at.isoformat(),
        "saved_at_label": f"{saved_at:%H:%M}",
        "discarded": draft.is_empty,
    }


def _within_rate(user_pk: object) -> bool:
    """At most DRAFTS_SAVES_PER_MINUTE saves per person a minute, across their tabs."""
    window = int(timezone.now().timestamp()) // RATE_WINDOW_SECONDS
    counter = f"drafts:saves:{user_pk}:{window}"
    cache.add(counter, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    return count <= settings.DRAFTS_SAVES_PER_MINUTE


def _read_body(request: HttpRequest) -> dict[str, Any]:
    """JSON from the script's fetch, or a form body (a beacon, or a page without fetch), whose
    `data` field holds the JSON of the fields."""
    if request.content_type == "application/json":
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("not an object")
        return body
    data = request.POST.get("data", "{}")
    return {
        "key": request.POST.get("key", ""),
        "version": request.POST.get("version", "0"),
        "writer": request.POST.get("writer", ""),
        "data": json.loads(data),
    }


@login_not_required  # a signed-out page gets 401 JSON, not the sign-in page's HTML
@never_cache
@require_POST
def draft_save(request: AcademyRequest) -> JsonResponse:
    """Save what the person typed. Answers the stored version and time, or: 401 signed out, 403
    not from this site, 409 another tab moved on, 413 too large, 429 too often, 400 nonsense."""
    if not request.user.is_authenticated:
        return _refuse(401, "signed_out", "You have been signed out.", signed_in=False)
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return _refuse(403, "cross_site", "Drafts are saved only from this site's own pages.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DRAFTS_MAX_BYTES + 4096:  # room for the key, version and field names
        return _refuse(413, "too_large", "This draft is too large to save.")
    if not _within_rate(request.user.pk):
        response = _refuse(429, "too_often", "Saving too often; trying again shortly.")
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response
    try:
        body = _read_body(request)
        version = int(body.get("version", 0))
        draft = services.draft_save(
            user=request.user,
            key=str(body.get("key", "")),
            data=body.get("data"),
            version=version,
            writer=str(body.get("writer", "")),
            organisation=request.organisation,
        )
    except services.DraftConflict as conflict:
        return _refuse(
            409,
            "conflict",
            "This form was changed in another tab or window.",
            **_saved(conflict.draft),
        )
    except services.DraftTooLarge as error:
        return _refuse(413, "too_large", " ".join(error.messages))
    except ValidationError as error:
        return _refuse(400, "invalid", " ".join(error.messages))
    except (ValueError, TypeError):  # JSON that does not parse, a version that is not a number
        return _refuse(400, "invalid", "This is not a draft.")
    return JsonResponse(_saved(draft))


@require_POST
def draft_discard(request: AcademyRequest) -> HttpResponse:
    """ "Discard draft" on the banner that said it was put back: forget it and show the form
    as it was before. 404 when the person has no draft under that key."""
    key = request.POST.get("key", "")
    selectors.draft_get_for_user(user=request.user, key=key)
    services.draft_discard(user=request.user, key=key)
    messages.success(request, "Draft discarded.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return redirect(back)
