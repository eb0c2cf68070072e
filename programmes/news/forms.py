"""The form to write a bulletin and choose who it is for."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.db.models import QuerySet

from academy.models import Organisation
from academy.roles import Role

from ..models import ServiceArea


class BulletinForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Who is it from?",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose who it is from", "invalid_choice": "Choose who it is from"},
    )
    title = forms.CharField(
        label="Headline", max_length=200, error_messages={"required": "Enter the headline"}
    )
    body = forms.CharField(
        label="Bulletin",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the bulletin"},
    )
    audience_organisations = forms.ModelMultipleChoiceField(
        label="Which organisations' people is it for?",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one organisation"},
    )
    audience_roles = forms.MultipleChoiceField(
        label="Which roles is it for? (optional: none chosen means everyone)",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_area = forms.ChoiceField(
        label="Service area", choices=ServiceArea.choices, initial=ServiceArea.ANY, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["audience_organisations"].queryset = organisations  # type: ignore[attr-defined]
        helper = FormHelper()
        helper.attrs = {"novalidate": ""}
        helper.add_input(Submit("submit", "Publish the bulletin"))
        helper.layout = Layout(
            Field("organisation"),
            Field.text("title"),
            Field.textarea("body", rows=6),
            Field.checkboxes("audience_organisations", legend_size=Size.SMALL, small=True),
            Field.checkboxes("audience_roles", legend_size=Size.SMALL, small=True),
            Field.radios("service_area", legend_size=Size.SMALL, small=True),
        )
        self.helper = helper
