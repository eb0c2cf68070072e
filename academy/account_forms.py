"""allauth's forms with the portal's wording."""

from typing import Any

from allauth.account.forms import SignupForm


class InvitationSignupForm(SignupForm):
    """Sign-up, reached only through an invitation link (see adapters.AccountAdapter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "The address your invitation was sent to."
