from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import QuerySet

from .framework_import import ParsedElements, parse_elements_csv
from .models import Framework, FrameworkVersion, Organisation, Team
from .roles import Role


def organisation_field() -> forms.ModelChoiceField:
    """The organisations a staff member manages; the view sets the queryset. No empty choice:
    most staff manage one organisation, which is then already chosen."""
    return forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose one of your organisations",
        },
    )


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their full name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation link is sent here. They sign in with this address.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    organisation = organisation_field()
    role = forms.ChoiceField(label="Role", choices=(), error_messages={"required": "Choose a role"})
    team = forms.ModelChoiceField(
        label="Team (optional)", queryset=Team.objects.none(), required=False, empty_label="No team"
    )

    def __init__(
        self, *args: object, organisations: QuerySet[Organisation], roles: list[Role], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(organisation__in=organisations).select_related(  # type: ignore[attr-defined]
            "organisation"
        )
        self.fields["team"].label_from_instance = lambda t: f"{t.organisation.name}: {t}"  # type: ignore[attr-defined]
        self.fields["role"].choices = [("", "Choose a role"), *[(r.value, r.label) for r in roles]]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # the server's error summary, not the browser's pop-up
        self.helper.add_input(Submit("submit", "Send invitation"))

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        team, organisation = cleaned.get("team"), cleaned.get("organisation")
        if team and organisation and team.organisation_id != organisation.pk:
            self.add_error("team", "Choose a team in the organisation you selected.")
        return cleaned


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label="New role", choices=(), error_messages={"required": "Choose the new role"})

    def __init__(self, *args: object, roles: list[Role], current: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
        self.fields["role"].initial = current  # never a silent change to the first role listed
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Change role"))


def _date_field(label: str, help_text: str) -> DateInputField:
    # Blank means "not recorded"; a date half filled in is an error on the missing part.
    return DateInputField(label=label, help_text=help_text, required=False, require_all_fields=False)


class MembershipDatesForm(forms.Form):
    """When this role started and when it ends. An end date in the past ends access."""

    started_on = _date_field("Start date (optional)", "For example, 27 3 2026")
    ended_on = _date_field(
        "End date (optional)",
        "Their last day in this role. From the day after, this role gives no access.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save dates", css_class="govuk-button--secondary"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "The end date must be the same as or after the start date.")
        return cleaned


class TeamForm(forms.Form):
    organisation = organisation_field()
    name = forms.CharField(
        label="Team name", max_length=200, error_messages={"required": "Enter the team's name"}
    )
    service_area = forms.ChoiceField(
        label="Service area",
        choices=Team.ServiceArea.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the team's service area"},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Add team"))


class FrameworkVersionImportForm(forms.Form):
    """A new version of a framework, its elements from a CSV file (academy/framework_import.py)."""

    MAX_BYTES = 1024 * 1024

    framework = forms.ModelChoiceField(label="Framework", queryset=Framework.objects.all(), empty_label=None)
    label = forms.CharField(
        label="Version name",
        max_length=100,
        help_text="For example, 2027 standards.",
        error_messages={"required": "Enter the version's name"},
    )
    slug = forms.SlugField(
        label="Short name for the address",
        max_length=80,
        help_text="Letters, numbers and hyphens, e.g. 2027.",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (FrameworkVersion.Status.TO_BE_CHECKED, "To be checked: some titles still need confirming"),
            (FrameworkVersion.Status.CURRENT, "Current: checked against the published document"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the version has been checked"},
    )
    in_force_from = forms.DateField(
        label="In force from (optional)",
        required=False,
        help_text="As year-month-day, for example 2027-04-01.",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2027-04-01"},
    )
    source_title = forms.CharField(
        label="Source document",
        max_length=300,
        error_messages={"required": "Enter the source document's title"},
    )
    source_url = forms.URLField(
        label="Source address (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
    )
    elements = forms.FileField(
        label="Elements (CSV file)",
        help_text="Up to 1 MB. After an error, choose the file again.",
        error_messages={"required": "Choose the CSV file of elements"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed: ParsedElements | None = None
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Import version"))

    def clean_elements(self) -> Any:
        upload = self.cleaned_data["elements"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                "The file must be a CSV file (.csv). Save the spreadsheet as CSV first."
            )
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 1 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be saved as CSV UTF-8.") from None
        self.parsed = parse_elements_csv(text)
        if self.parsed.errors:
            raise forms.ValidationError(self.parsed.errors)
        if not self.parsed.count:
            raise forms.ValidationError("The file has no elements.")
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        framework, slug = cleaned.get("framework"), cleaned.get("slug")
        if framework and slug and framework.versions.filter(slug=slug).exists():
            self.add_error("slug", "This framework already has a version with that short name.")
        return cleaned
