from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import QuerySet

from .models import Organisation, Team
from .roles import Role


class InvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation link is sent here. They sign in with this address.",
    )
    # No empty choice: most staff manage one organisation, which is then already chosen.
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label="Role", choices=())
    team = forms.ModelChoiceField(label="Team (optional)", queryset=Team.objects.none(), required=False)

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
    role = forms.ChoiceField(label="New role", choices=())

    def __init__(self, *args: object, roles: list[Role], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Change role"))


class InvitationAcceptForm(forms.Form):
    """Nothing to type: accepting is one button for someone already signed in."""


class TeamForm(forms.Form):
    # No empty choice: most staff manage one organisation, which is then already chosen.
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label="Team name", max_length=200)
    service_area = forms.ChoiceField(
        label="Service area", choices=Team.ServiceArea.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Add team"))
