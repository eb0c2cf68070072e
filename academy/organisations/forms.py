from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.validators import RegexValidator
from django.utils.html import format_html

from academy.case_references import CaseReferencePatternError, validate_case_reference_pattern
from academy.colours import validate_header_colour

from .selectors import InheritedSettings


class OrganisationSettingsForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="As people in the organisation know it. It appears in the header and on every list.",
        error_messages={"required": "Enter the organisation's name"},
    )
    brand_colour = forms.CharField(
        label="Header colour (optional)",
        max_length=7,
        required=False,
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour like #1d4f6e"),
            validate_header_colour,
        ],
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}),
    )
    evidence_waiting_days = forms.IntegerField(
        label="Flag evidence waiting longer than this many days (optional)",
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 14",
            "min_value": "The number of days must be 1 or more",
            "max_value": "The number of days must be 365 or fewer",
        },
    )

    case_reference_patterns = forms.CharField(
        label="Case reference formats (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )

    def clean_case_reference_patterns(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["case_reference_patterns"].splitlines()]
        patterns = [line for line in lines if line]
        for number, pattern in enumerate(patterns, start=1):
            try:
                validate_case_reference_pattern(pattern)
            except CaseReferencePatternError as error:
                raise forms.ValidationError(f"Format {number} ({pattern}): {error}") from None
        return patterns

    def __init__(self, *args: Any, inherited: InheritedSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Help text is drawn unescaped, and an organisation's name is typed by people: escape it.
        self.fields["brand_colour"].help_text = format_html(
            "A hex colour like #1d4f6e. White text must stay readable on it (4.5:1 contrast). "
            "Leave it empty to use {} ({}).",
            inherited.brand_colour_from,
            inherited.brand_colour,
        )
        self.fields["evidence_waiting_days"].help_text = format_html(
            "Leave it empty to use {} ({} days).",
            inherited.evidence_waiting_days_from,
            inherited.evidence_waiting_days,
        )
        inherited_formats = (
            format_html("Leave it empty to use {}'s formats.", inherited.case_reference_patterns_from)
            if inherited.case_reference_patterns
            else "Leave it empty if you have none."
        )
        self.fields["case_reference_patterns"].help_text = format_html(
            "How your case references are written, one format per line as a regular expression, "
            "for example CR-\\d{{6}}. The ASYE anonymisation check flags text that matches. {}",
            inherited_formats,
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save settings"))
