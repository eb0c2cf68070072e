"""The request type of signed-in pages: what the middleware adds, for type checkers."""

from django.http import HttpRequest

from .models import Membership, Organisation, User


class AcademyRequest(HttpRequest):
    """A request that passed LoginRequiredMiddleware and OrganisationMiddleware."""

    user: User  # type: ignore[assignment]
    organisation: Organisation | None
    roles: frozenset[str]
    memberships: list[Membership]
