"""Forms of the pathway pages: a pathway's name, a step (what it follows, the programmes that
lead there, the roles that place people on it), and "this is where I am"."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.db.models import QuerySet

from academy.models import Organisation
from academy.roles import Role

from ..models import PathwayRoute, PathwayStep, Programme


def _helper(submit: str) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.add_input(Submit("submit", submit))
    return helper


class PathwayForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Whose pathway is it?",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the organisation", "invalid_choice": "Choose the organisation"},
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name"})
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None, submit: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.helper = _helper(submit)


class StepForm(forms.Form):
    title = forms.CharField(label="Step", max_length=200, error_messages={"required": "Enter the step"})
    description = forms.CharField(
        label="What the step means (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    route = forms.ChoiceField(
        label="Route", choices=PathwayRoute.choices, widget=forms.RadioSelect, initial=PathwayRoute.CAREER
    )
    position = forms.IntegerField(
        label="Order on the page",
        min_value=0,
        max_value=1000,
        initial=0,
        help_text="Lower numbers come first.",
        error_messages={"required": "Enter the order, for example 10"},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    roles = forms.MultipleChoiceField(
        label="Roles that put people on this step (optional)",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    follows = forms.ModelMultipleChoiceField(
        label="Steps people usually come from (optional)",
        queryset=PathwayStep.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programmes = forms.ModelMultipleChoiceField(
        label="Programmes that lead to this step (optional)",
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "govuk-select", "size": 8}),
    )

    def __init__(
        self,
        *args: Any,
        steps: QuerySet[PathwayStep],
        programmes: QuerySet[Programme],
        submit: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follows"].queryset = steps  # type: ignore[attr-defined]
        self.fields["programmes"].queryset = programmes  # type: ignore[attr-defined]
        self.helper = _helper(submit)
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("description", rows=3),
            Field.radios("route", legend_size=Size.SMALL, inline=True),
            Field.text("position"),
            Field.checkboxes("roles", legend_size=Size.SMALL, small=True),
            Field.checkboxes("follows", legend_size=Size.SMALL, small=True),
            Field("programmes"),
        )


class PositionForm(forms.Form):
    step = forms.ModelChoiceField(
        label="Where are you on this pathway now?",
        queryset=PathwayStep.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the step you are on",
            "invalid_choice": "Choose the step you are on",
        },
    )

    def __init__(self, *args: Any, steps: QuerySet[PathwayStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = steps  # type: ignore[attr-defined]
        self.helper = _helper("Save where I am")
        self.helper.layout = Layout(Field.radios("step", legend_size=Size.MEDIUM, small=True))
