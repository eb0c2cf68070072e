"""Forms of the programme pages. They validate only; views hand their data to a service."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.db.models import QuerySet

from academy.models import FrameworkElement, Membership, Organisation
from academy.roles import Role

from .models import (
    Attendance,
    CareerStage,
    ProgrammeKind,
    ProviderKind,
    ServiceArea,
    SessionFeedback,
    SessionMode,
)

LONDON = ZoneInfo("Europe/London")
OUTCOME_SLOTS = 4


def _helper(submit: str) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.add_input(Submit("submit", submit))
    return helper


def _time(label: str, message: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text="For example, 09:30 or 14:00",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"required": message, "invalid": f"{message} like 14:30"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )


def element_label(element: FrameworkElement) -> str:
    return f"{element.version.framework.short_name} {element.code} {element.title}".strip()


class CatalogueFilterForm(forms.Form):
    query = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *ProgrammeKind.choices])
    career_stage = forms.ChoiceField(
        label="Career stage",
        required=False,
        choices=[("", "Any stage"), *[c for c in CareerStage.choices if c[0] != CareerStage.ANY]],
    )
    service_area = forms.ChoiceField(
        label="Service area",
        required=False,
        choices=[("", "Any area"), *[c for c in ServiceArea.choices if c[0] != ServiceArea.ANY]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("filter", "Apply filters", css_class="govuk-button--secondary"))

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class ProgrammeForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Run by",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the organisation that runs it"},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    kind = forms.ChoiceField(
        label="Kind", choices=ProgrammeKind.choices, error_messages={"required": "Choose the kind"}
    )
    description = forms.CharField(
        label="Description",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a description"},
    )
    career_stage = forms.ChoiceField(label="Career stage", choices=CareerStage.choices)
    service_area = forms.ChoiceField(label="Service area", choices=ServiceArea.choices)
    audience_roles = forms.MultipleChoiceField(
        label="Roles it is for (optional)",
        help_text="Leave empty if anyone may book.",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provider_kind = forms.ChoiceField(
        label="Provider", choices=ProviderKind.choices, widget=forms.RadioSelect
    )
    provider_name = forms.CharField(
        label="Provider's name (for a university partner or an external provider)",
        required=False,
        max_length=200,
    )
    cpd_hours = forms.DecimalField(
        label="CPD hours",
        min_value=0,
        max_digits=5,
        decimal_places=1,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the CPD hours",
            "invalid": "Enter the hours as a number, like 3.5",
        },
    )
    prerequisites = forms.CharField(
        label="Prerequisites (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requires_manager_approval = forms.BooleanField(
        label="A line manager must approve each booking", required=False
    )
    offered_to_members = forms.BooleanField(
        label="Offer it to the partnership's member councils too (for a partnership)",
        required=False,
        initial=True,
    )
    is_published = forms.BooleanField(label="Publish it in the catalogue", required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        elements: QuerySet[FrameworkElement],
        submit: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        for slot in range(OUTCOME_SLOTS):
            self.fields[f"outcome_{slot}"] = forms.CharField(
                label=f"Learning outcome {slot + 1} (optional)", required=False, max_length=500
            )
            field = forms.ModelMultipleChoiceField(
                label=f"Framework elements outcome {slot + 1} maps to (optional)",
                queryset=elements,
                required=False,
                widget=forms.SelectMultiple(attrs={"class": "govuk-select", "size": 6}),
            )
            field.label_from_instance = element_label  # type: ignore[method-assign, assignment]
            self.fields[f"outcome_{slot}_elements"] = field
        self.helper = _helper(submit)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("provider_kind") not in (None, ProviderKind.IN_HOUSE) and not data.get("provider_name"):
            self.add_error("provider_name", "Enter the name of the provider")
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        outcomes = []
        for slot in range(OUTCOME_SLOTS):
            text = data.pop(f"outcome_{slot}")
            elements = list(data.pop(f"outcome_{slot}_elements"))
            if text:
                outcomes.append((text, elements))
        data["outcomes"] = outcomes
        return data


class SessionForm(forms.Form):
    day = DateInputField(label="Date", help_text="For example, 27 3 2027", require_all_fields=False)
    start = _time("Start time", "Enter the start time")
    end = _time("End time", "Enter the end time")
    mode = forms.ChoiceField(label="How it runs", choices=SessionMode.choices, widget=forms.RadioSelect)
    venue = forms.CharField(label="Venue (in person)", required=False, max_length=300)
    joining_link = forms.URLField(
        label="Joining link (online)",
        required=False,
        max_length=500,
        help_text="Only people with a place see it.",
        assume_scheme="https",
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={"required": "Enter the number of places"},
    )
    facilitator = forms.ModelChoiceField(
        label="Facilitator (optional)", queryset=Membership.objects.none(), required=False
    )
    booking_closes_days_before = forms.IntegerField(
        label="Close booking this many days before (optional)",
        required=False,
        min_value=0,
        max_value=90,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )
    weeks = forms.IntegerField(
        label="How many weekly sessions?",
        help_text="1 for a single session. More makes a weekly series at the same time each week.",
        min_value=1,
        max_value=52,
        initial=1,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter how many weekly sessions"},
    )

    def __init__(self, *args: Any, facilitators: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitator"]
        field.queryset = facilitators  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.user.display_name} ({m.get_role_display()}, {m.organisation.name})"
        )
        self.helper = _helper("Add the session")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The end time must be after the start time")
        if data.get("mode") == SessionMode.IN_PERSON and not data.get("venue"):
            self.add_error("venue", "Enter the venue")
        if data.get("mode") == SessionMode.ONLINE and not data.get("joining_link"):
            self.add_error("joining_link", "Enter the joining link")
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "first_day": data["day"],
            "start": data["start"],
            "end": data["end"],
            "weeks": data["weeks"],
            "mode": data["mode"],
            "venue": data["venue"],
            "joining_link": data["joining_link"],
            "capacity": data["capacity"],
            "facilitator": data["facilitator"],
            "booking_closes_days_before": data["booking_closes_days_before"],
        }


def london(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=LONDON)


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Everyone booked or waiting is told this.",
        error_messages={"required": "Say why the session is cancelled"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Cancel the session")
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.LARGE, label_tag="h1", rows=4))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you not approving this booking?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The person sees this.",
        error_messages={"required": "Say why you are not approving this booking"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Decline the booking")
        # A one-question page: the label is the page's heading.
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.LARGE, label_tag="h1", rows=4))


class RegisterForm(forms.Form):
    """One question per person with a place: did they attend? Small inline radios, so the whole
    register fits a phone and is marked in one go."""

    def __init__(self, *args: Any, bookings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = []
        for booking in bookings:
            name = f"b_{booking.pk}"
            self.fields[name] = forms.ChoiceField(
                label=booking.person.display_name,
                choices=Attendance.choices,
                required=False,
                initial=booking.attendance or None,
                widget=forms.RadioSelect,
            )
            names.append(name)
        self.helper = _helper("Save the register")
        self.helper.layout = Layout(
            *(Field.radios(name, legend_size=Size.SMALL, small=True, inline=True) for name in names)
        )

    def marks(self) -> dict[str, str]:
        return {name[2:]: value for name, value in self.cleaned_data.items() if value}


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How good was the session?",
        choices=[(value, label) for value, label in reversed(SessionFeedback.Rating.choices)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how good the session was"},
    )
    useful_for_practice = forms.TypedChoiceField(
        label="Will it change how you practise?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it will change how you practise"},
    )
    comment = forms.CharField(
        label="Anything else you want to tell the academy? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The academy's staff read comments without your name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send feedback")
        self.helper.layout = Layout(
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.radios("useful_for_practice", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("comment", rows=4),
        )
