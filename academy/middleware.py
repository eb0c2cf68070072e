"""Request-wide context: which organisation the person is acting for, their roles there, and
the rule that people in roles that need two-factor authentication set it up first."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .roles import MFA_ROLES
from .scope import Scope
from .selectors import active_memberships, user_has_ended_employment

ORGANISATION_SESSION_KEY = "academy_organisation_id"
MFA_NOTICE_SESSION_KEY = "academy_mfa_notice_shown"

# Paths someone without an authenticator may still use: the account pages (where they set it
# up, or sign out), invitations, static files, the public pages and the idle time-out's requests.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/invitations/", "/health/", "/accessibility/", "/session/")


class OrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = []  # type: ignore[attr-defined]
        request.organisation = None  # type: ignore[attr-defined]
        request.roles = frozenset()  # type: ignore[attr-defined]
        request.personal_only = False  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = active_memberships(user=request.user)  # type: ignore[arg-type]
            request.memberships = memberships  # type: ignore[attr-defined]
            if not memberships and not request.user.is_superuser:
                if not user_has_ended_employment(user=request.user):  # type: ignore[arg-type]
                    # Deactivated while signed in: the session ends here.
                    logout(request)
                    return redirect_to_login(request.get_full_path())
                # Every employment has ended: no organisation, no roles, their own records
                # only (docs/adr/0012-signing-in-after-employment-ends.md).
                request.personal_only = True  # type: ignore[attr-defined]
            if memberships:
                chosen = request.session.get(ORGANISATION_SESSION_KEY)
                organisations = {m.organisation.pk: m.organisation for m in memberships}
                organisation = (chosen and organisations.get(chosen)) or memberships[0].organisation
                request.organisation = organisation  # type: ignore[attr-defined]
                request.roles = frozenset(  # type: ignore[attr-defined]
                    m.role for m in memberships if m.organisation_id == organisation.pk
                )
            request.scope = Scope.of(request.user, request.organisation, request.roles)  # type: ignore[arg-type, attr-defined]
        return self.get_response(request)


def needs_mfa(request: HttpRequest) -> bool:
    """True for a signed-in person holding an MFA role anywhere who has no authenticator."""
    if not settings.MFA_REQUIRED_FOR_STAFF or not request.user.is_authenticated:
        return False
    user = request.user
    staff_account = user.is_staff or user.is_superuser  # Django admin users: always
    if not staff_account and not any(m.role in MFA_ROLES for m in request.memberships):  # type: ignore[attr-defined]
        return False
    return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.needs_mfa = needs_mfa(request)  # type: ignore[attr-defined]
        if request.needs_mfa and not request.path_info.startswith(MFA_EXEMPT_PREFIXES):  # type: ignore[attr-defined]
            if not request.session.get(MFA_NOTICE_SESSION_KEY):
                request.session[MFA_NOTICE_SESSION_KEY] = True
                messages.info(
                    request,
                    "Your role needs two-factor authentication. Confirm your password, then set up "
                    "an authenticator app on your phone to continue.",
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
