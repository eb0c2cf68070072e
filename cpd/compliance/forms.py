"""The compliance list's filters: a GET form, so a filtered list can be bookmarked and exported."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import QuerySet

from academy.models import Organisation, Team

from ..models import RegistrationYear
from .selectors import ComplianceStatus


class ComplianceFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or email", required=False, max_length=100)
    year = forms.ChoiceField(label="Registration year", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Every organisation",
        to_field_name="slug",
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="Every team"
    )

    def __init__(
        self,
        *args: Any,
        years: list[RegistrationYear],
        statuses: list[str],
        organisations: QuerySet[Organisation],
        teams: QuerySet[Team],
        show_organisations: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.slug, y.label) for y in years]  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", "Any status"),
            *((s, ComplianceStatus.LABELS[s]) for s in statuses),
        ]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.organisation.name}: {t.name}"  # type: ignore[attr-defined]
        if show_organisations:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("filter", "Apply filters", css_class="govuk-button--secondary"))
