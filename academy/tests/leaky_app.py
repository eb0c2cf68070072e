"""A URL configuration for the checker's own tests: the project's URLs plus a "new app" with one
list that forgets its scope and one that keeps it. Never part of the running portal."""

from django.http import HttpResponse
from django.urls import path

from academy import selectors
from academy.models import Team
from academy.root_urls import urlpatterns as project_urlpatterns
from academy.web import AcademyRequest


def _list(names: list[str]) -> HttpResponse:
    return HttpResponse("<ul>" + "".join(f"<li>{name}</li>" for name in names) + "</ul>")


def every_team(request: AcademyRequest) -> HttpResponse:
    """The mistake the isolation check exists for: every organisation's teams."""
    return _list([team.name for team in Team.objects.order_by("name")])


def teams_in_scope(request: AcademyRequest) -> HttpResponse:
    return _list([team.name for team in selectors.teams_visible_to(scope=request.scope)])


def _unnamed(request: AcademyRequest) -> HttpResponse:
    return HttpResponse("a pattern without a name")


urlpatterns = [
    *project_urlpatterns,
    path("new-app/teams/", every_team, name="new_app_every_team"),
    path("new-app/teams-in-scope/", teams_in_scope, name="new_app_teams_in_scope"),
    path("new-app/unnamed/", _unnamed),
]
