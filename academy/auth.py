"""Sign-in rule: a person with no active membership cannot sign in, and a session of someone
deactivated ends on their next request (Django asks the backend again in `get_user`)."""

from allauth.account.auth_backends import AuthenticationBackend

from .selectors import user_has_active_membership


class AcademyAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user):  # type: ignore[no-untyped-def]
        if not super().user_can_authenticate(user):
            return False
        return bool(user.is_superuser) or user_has_active_membership(user=user)


def axes_username(request, credentials):  # type: ignore[no-untyped-def]
    """The name django-axes counts failures against, for allauth's form (email or login) and
    the Django admin's (username) alike."""
    credentials = credentials or {}
    post = getattr(request, "POST", {})
    value = (
        credentials.get("email")
        or credentials.get("username")
        or post.get("login")
        or post.get("username")
        or ""
    )
    return str(value).strip().lower()
