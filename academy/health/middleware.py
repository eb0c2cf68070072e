"""Answers the liveness probe before anything else runs.

First in MIDDLEWARE, so the probe needs no allowed host name (a load balancer probes by
address), is not redirected to HTTPS, opens no session and touches no database."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .views import live


class LivenessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.path is None:
            self.path = reverse("academy:health_live")
        if request.path_info == self.path:
            return live(request)
        return self.get_response(request)
