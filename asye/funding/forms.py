"""Forms of the funding pages. They validate only; views hand `cleaned_data` to a service."""

from decimal import Decimal
from typing import Any

from django import forms

from ..final.forms import _helper, _required_date
from .models import ClaimKind, FundingScheme


class RegisterForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Funding scheme",
        choices=FundingScheme.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the funding scheme"},
    )
    registered_on = _required_date("Date registered")
    reference = forms.CharField(
        label="Funder's reference (optional)",
        required=False,
        max_length=60,
        error_messages={"max_length": "The reference must be 60 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("scheme", "registered_on", "reference", submit="Save registration")


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(
        label="Claim",
        choices=ClaimKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the claim"},
    )
    claimed_on = _required_date("Date claimed")
    amount = forms.DecimalField(
        label="Amount in pounds (leave empty for the scheme's amount)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        error_messages={"invalid": "Enter the amount in pounds, like 1000.00"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("kind", "claimed_on", "amount", submit="Save claim")


class PaidForm(forms.Form):
    paid_on = _required_date("Date paid")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("paid_on", submit="Save payment")


class FilterForm(forms.Form):
    scheme = forms.ChoiceField(label="Scheme", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from crispy_forms_gds.helper import FormHelper
        from crispy_forms_gds.layout import Submit

        from .selectors import NOT_REGISTERED

        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [  # type: ignore[attr-defined]
            ("", "Every scheme"),
            *FundingScheme.choices,
            (NOT_REGISTERED, "Not registered"),
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": "", "role": "search"}
        self.helper.add_input(Submit("filter", "Filter", css_class="govuk-button--secondary"))

    def chosen_scheme(self) -> str:
        return str(self.cleaned_data.get("scheme") or "") if self.is_valid() else ""
