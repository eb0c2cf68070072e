"""Sign-in rule: a person with no active membership cannot sign in, unless their employment
ended (a role whose end date has passed): they sign in to their own records only
(docs/adr/0012-signing-in-after-employment-ends.md). The backend refuses everyone else at
sign-in; for a session that is already open, the organisation middleware ends it on the next
request. An inactive account (`is_active` false) is refused whatever its roles."""

from allauth.account.auth_backends import AuthenticationBackend

from .selectors import user_may_sign_in


class AcademyAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user):  # type: ignore[no-untyped-def]
        if not super().user_can_authenticate(user):
            return False
        return user_may_sign_in(user=user)

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
