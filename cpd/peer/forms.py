"""Forms of the peer confirmation pages. They validate only; views hand `cleaned_data` to a
service."""

import uuid
from typing import Any

from django import forms

from .models import PeerAnswer


class PeerRequestForm(forms.Form):
    peer_name = forms.CharField(
        label="Your peer's name",
        max_length=200,
        help_text="As you would greet them in an email.",
        error_messages={"required": "Enter your peer's name"},
    )
    peer_email = forms.EmailField(
        label="Their email address",
        help_text="They do not need an account here. The address is used only to send the link.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex


class PeerAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=PeerAnswer.choices)
