"""What every app's views use: the signed-in request type, the role gate, pagination, posted
data and service errors shown on a form. Public: domain apps import these, not `academy.views`."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponseBase

from .models import Membership, Organisation, User
from .scope import Scope

PAGE_SIZE = 25

View = Callable[..., HttpResponseBase]


class AcademyRequest(HttpRequest):
    """A request that passed LoginRequiredMiddleware and OrganisationMiddleware."""

    user: User  # type: ignore[assignment]
    organisation: Organisation | None
    roles: frozenset[str]
    memberships: list[Membership]
    scope: Scope
    # Signed in with no current role because every employment has ended (docs/adr/0012):
    # no organisation, and only the pages about the person's own records.
    personal_only: bool


def roles_required(*roles: str) -> Callable[[View], View]:
    """Allow the view only to people holding one of `roles` in their current organisation."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: AcademyRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.scope.holds(*roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def posted(request: HttpRequest) -> Any:
    """The submitted data, or None on GET: an empty POST still binds the form (and fails it)."""
    return request.POST if request.method == "POST" else None


def paginate(request: HttpRequest, queryset: Any, *, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def add_form_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest
    at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
