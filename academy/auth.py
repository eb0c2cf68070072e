"""Sign-in rule: a person with no active membership cannot sign in. The backend refuses them
at sign-in; for a session that is already open, the organisation middleware ends it on the next
request (it loads the active memberships anyway, so the check costs no extra query)."""

from allauth.account.auth_backends import AuthenticationBackend

from .selectors import user_has_active_membership


class AcademyAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user):  # type: ignore[no-untyped-def]
        if not super().user_can_authenticate(user):
            return False
        return bool(user.is_superuser) or user_has_active_membership(user=user)

    def get_user(self, user_id):  # type: ignore[no-untyped-def]
        # Only `is_active` here; memberships are checked by OrganisationMiddleware.
        user = self._get_user_by_pk(user_id)
        return user if user is not None and super().user_can_authenticate(user) else None

    def _get_user_by_pk(self, user_id):  # type: ignore[no-untyped-def]
        from .models import User

        return User.objects.filter(pk=user_id).first()


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
