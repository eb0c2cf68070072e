"""allauth's forms with the portal's wording."""

from typing import Any

from allauth.account.forms import AddEmailForm, SignupForm
from django import forms


class InvitationSignupForm(SignupForm):
    """Sign-up, reached only through an invitation link (see adapters.AccountAdapter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "The address your invitation was sent to."


class NoExtraEmailForm(AddEmailForm):
    """Nobody adds an address: each person has the one their invitation was sent to. An
    unverified address added to one account would otherwise block the invitation of the
    person who owns it (ACCOUNT_MAX_EMAIL_ADDRESSES = 1 says the same; this holds even for an
    account that has no address row yet)."""

    def clean_email(self) -> str:
        raise forms.ValidationError(
            "You cannot add an email address. To change the address you sign in with, ask your "
            "principal social worker or academy admin."
        )
