"""Forms of the CPD pages. They validate only; views hand `cleaned_data` to a service."""

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import QuerySet

from academy.files.forms import PrivateFileField
from academy.models import FrameworkElement

from .models import ActivityType
from .presenters import topic_label


def _date(label: str, help_text: str, *, required: bool) -> DateInputField:
    field = DateInputField(label=label, help_text=help_text, required=required, require_all_fields=False)
    if required:
        field.error_messages["required"] = f"Enter the {label.lower()}"
    return field


def _text(label: str, help_text: str, *, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CpdRecordForm(forms.Form):
    """Every field of SWE's CPD form, in its order, then the person's own notes. Only the title,
    the type and the date are needed to save a draft; the rest is needed to complete it."""

    title = forms.CharField(
        label="Title",
        help_text="A short name you will recognise, for example 'Domestic abuse and older people webinar'.",
        max_length=200,
        error_messages={"required": "Enter a title"},
    )
    activity_type = forms.ChoiceField(
        label="Type of CPD activity",
        choices=[("", "Choose a type"), *ActivityType.choices],
        error_messages={"required": "Choose the type of CPD activity"},
    )
    description = _text(
        "Description of the activity and why it is relevant to you",
        "What you did, and why it matters for your role.",
    )
    occurred_on = _date("Date of the activity", "For example, 27 3 2026", required=True)
    learning = _text("What did you learn?", "The knowledge or skills you gained.")
    impact = _text(
        "What impact has it had, or will it have, on your practice and the people you work with?",
        "Give an example if you can.",
    )
    peer_learning = _text(
        "Peer reflection (optional): what did you learn from discussing this with a peer?",
        "A colleague, a manager or another professional; formal or informal, one to one or in a group.",
    )
    peer_name = forms.CharField(label="Who was the peer? (optional)", required=False, max_length=200)
    peer_role = forms.CharField(label="Their role (optional)", required=False, max_length=200)
    peer_discussed_on = _date("Date of the conversation (optional)", "For example, 3 4 2026", required=False)
    hours = forms.DecimalField(
        label="Hours (optional)",
        required=False,
        min_value=0.25,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter the hours as a number, for example 1.5"},
    )
    provider = forms.CharField(label="Provider (optional)", required=False, max_length=200)
    topics = forms.ModelMultipleChoiceField(
        label="Parts of Social Work England's standard 4 it relates to (optional)",
        queryset=FrameworkElement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = PrivateFileField(label="Attach a file (optional)", required=False)

    def __init__(self, *args: Any, topics: QuerySet[FrameworkElement], submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topics"]
        field.queryset = topics  # type: ignore[attr-defined]
        field.label_from_instance = topic_label  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": "", "enctype": "multipart/form-data"}
        self.helper.add_input(Submit("save", submit))
        self.helper.add_input(
            Submit("complete", "Save and mark complete", css_class="govuk-button--secondary")
        )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("attachment", None)
        data["topics"] = list(data["topics"])
        return data


class PeerReflectionForm(forms.Form):
    learning = forms.CharField(
        label="What did you learn from discussing this activity with a peer?",
        help_text=(
            "A colleague, a manager or another professional; formal or informal, one to one or in a group."
        ),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what you learnt from discussing this with a peer"},
    )
    peer_name = forms.CharField(label="Who was the peer? (optional)", required=False, max_length=200)
    peer_role = forms.CharField(label="Their role (optional)", required=False, max_length=200)
    discussed_on = _date("Date of the conversation (optional)", "For example, 3 4 2026", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save peer reflection"))
