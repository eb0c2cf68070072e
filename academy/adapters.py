"""allauth wiring: sign-up is closed except through a valid invitation, a person with no
active membership (and no employment that ended, docs/adr/0012) is shown the 'access ended'
page instead of being signed in, and allauth's
emails go through the outbox like every other (academy/outbox/account_emails.py)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .client_ip import client_ip
from .models import Invitation
from .outbox.account_emails import account_email_enqueue
from .selectors import user_may_sign_in
from .services import (
    email_release_unverified_claims,
    invitation_accept,
    invitation_check_usable,
    invitation_find_by_token,
)

INVITATION_SESSION_KEY = "academy_invitation_token"


def _pending_invitation(request: HttpRequest) -> tuple[str, Invitation] | None:
    token = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
    if not token:
        return None
    invitation = invitation_find_by_token(token=token)
    try:
        if invitation is None:
            raise ValidationError("No invitation has this token.")
        invitation_check_usable(invitation=invitation)
    except ValidationError:
        request.session.pop(INVITATION_SESSION_KEY, None)  # kept only while it can be used
        return None
    return token, invitation


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # One rule for allauth's rate limits and django-axes (academy/client_ip.py).
        return client_ip(request) or super().get_client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Not sent here: queued in the outbox in the caller's transaction, keeping ids and plain
        # values only. Links carrying a secret (password reset, email confirmation) are minted
        # when the outbox sends the email; a flow whose secret cannot be minted then raises.
        account_email_enqueue(template_prefix=template_prefix, email=email, context=context)

    def send_notification_mail(
        self,
        template_prefix: str,
        user: Any,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        # allauth leaves the person out of a notice's context; the outbox row records whom it is for.
        super().send_notification_mail(template_prefix, user, {**(context or {}), "user": user}, email)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return _pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        pending = _pending_invitation(request) if request is not None else None
        if pending is None:
            return email
        invitation = pending[1]
        if invitation.email.lower() != email.lower():
            raise ValidationError("Use the email address your invitation was sent to.")
        if request.method == "POST" and request.path == reverse("account_signup"):
            # The invitee is signing up with the invited address: drop unverified claims other
            # accounts hold on it before allauth's uniqueness check sees them. The link proves
            # who owns the address.
            email_release_unverified_claims(invitation=invitation)
        return email

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        pending = _pending_invitation(request)
        if commit and pending:
            invitation_accept(token=pending[0], user=user)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return user

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if not user_may_sign_in(user=user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)
