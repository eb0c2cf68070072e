"""Forms of the supervision, workload and protected time pages. They validate only; views hand
`cleaned_data` to a service. Choices come from selectors, passed in by the view."""

import datetime
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms
from django.db.models import QuerySet

from academy.models import Membership
from asye.agreement.forms import DATE_HINT, TEXT_LIMIT, _date_field, _text_field
from asye.models import AsyeRecord

from .models import SupervisionKind

ACTION_SLOTS = 4


def _required_date(label: str, message: str) -> DateInputField:
    field = _date_field(label, required=True)
    field.error_messages["required"] = message
    return field


class SupervisionForm(forms.Form):
    """A supervision session. `kind` and `attendees` only when recording a new one (attendees stay
    as recorded); the agreed actions are a few rows of action, owner and due date, blank rows
    ignored."""

    def __init__(
        self,
        *args: Any,
        supervisors: QuerySet[Membership],
        candidates: QuerySet[AsyeRecord] | None,
        action_slots: int = ACTION_SLOTS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        layout: list[Any] = []
        if candidates is not None:
            self.fields["submit_token"] = forms.UUIDField(widget=forms.HiddenInput)
            self.fields["kind"] = forms.ChoiceField(
                label="Kind of supervision",
                choices=SupervisionKind.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose one-to-one or group"},
            )
            layout += ["submit_token", "kind"]
            if candidates.exists():
                field = forms.ModelMultipleChoiceField(
                    label="Who else attended? (group supervision only)",
                    queryset=candidates,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    help_text="NQSWs whose line manager or assessor you are. The session appears on each "
                    "attendee's record.",
                )
                field.label_from_instance = lambda r: str(r.nqsw.user.display_name)  # type: ignore[method-assign, assignment]
                self.fields["attendees"] = field
                layout.append("attendees")
        else:
            self.fields["revision"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
            layout.append("revision")
        self.fields["held_on"] = _required_date("Date", "Enter the date of the supervision")
        self.fields["start_time"] = forms.TimeField(
            label="Start time (optional)",
            required=False,
            help_text="For example, 14:30",
            input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
            error_messages={"invalid": "Enter the start time like 14:30"},
            widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        )
        self.fields["duration_minutes"] = forms.IntegerField(
            label="Length in minutes",
            min_value=5,
            max_value=480,
            widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
            error_messages={
                "required": "Enter how long the supervision lasted, in minutes",
                "invalid": "Enter the length as a whole number of minutes, like 60",
                "min_value": "The length must be at least 5 minutes",
                "max_value": "The length must be at most 480 minutes (8 hours)",
            },
        )
        supervisor = forms.ModelChoiceField(
            label="Supervisor",
            queryset=supervisors,
            empty_label=None,
            widget=forms.RadioSelect,
            help_text="The line manager or assessor who led the session.",
            error_messages={"required": "Choose the supervisor", "invalid_choice": "Choose the supervisor"},
        )
        supervisor.label_from_instance = lambda m: f"{m.user.display_name} ({m.get_role_display().lower()})"  # type: ignore[method-assign, assignment]
        self.fields["supervisor"] = supervisor
        self.fields["agenda"] = _text_field("Agenda (optional)", required=False)
        self.fields["discussion"] = _text_field("What was discussed", required=True, rows=8)
        self.fields["discussion"].error_messages["required"] = "Enter what was discussed"
        layout += ["held_on", "start_time", "duration_minutes", "supervisor", "agenda", "discussion"]
        self.action_slots = action_slots
        for n in range(1, action_slots + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label="Action", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"owner_{n}"] = forms.CharField(
                label="Owner", required=False, max_length=200, help_text="Who will do it"
            )
            self.fields[f"due_{n}"] = _date_field("Due date (optional)")
            layout.append(
                Fieldset(
                    f"action_{n}",
                    f"owner_{n}",
                    f"due_{n}",
                    legend=f"Agreed action {n}",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*layout, Submit("submit", "Save supervision record"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n in range(1, self.action_slots + 1):
            action, owner = cleaned.get(f"action_{n}"), cleaned.get(f"owner_{n}")
            if (owner or cleaned.get(f"due_{n}")) and not action:
                self.add_error(f"action_{n}", f"Enter agreed action {n}, or clear its owner and date")
            if action and not owner:
                self.add_error(f"owner_{n}", f"Enter who owns agreed action {n}")
        if cleaned.get("kind") == SupervisionKind.GROUP and not cleaned.get("attendees"):
            self.add_error(
                "attendees" if "attendees" in self.fields else "kind",
                "Choose who else attended the group supervision",
            )
        return cleaned

    def actions(self) -> list[dict[str, Any]]:
        return [
            {
                "action": self.cleaned_data.get(f"action_{n}") or "",
                "owner": self.cleaned_data.get(f"owner_{n}") or "",
                "due_on": self.cleaned_data.get(f"due_{n}"),
            }
            for n in range(1, self.action_slots + 1)
        ]

    def session_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "start_time": data.get("start_time"),
            "duration_minutes": data["duration_minutes"],
            "supervisor": data["supervisor"],
            "agenda": data.get("agenda") or "",
            "discussion": data["discussion"],
            "actions": self.actions(),
        }


def action_initial(actions: list[dict[str, Any]]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for n, action in enumerate(actions, start=1):
        initial[f"action_{n}"] = action.get("action", "")
        initial[f"owner_{n}"] = action.get("owner", "")
        due = action.get("due_on") or ""
        initial[f"due_{n}"] = datetime.date.fromisoformat(due) if due else None
    return initial


class ConfirmForm(forms.Form):
    reflection = forms.CharField(
        label="Your reflection (optional)",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you took from the session. Only you, your line manager and your assessor see it.",
    )

    def __init__(self, *args: Any, confirmed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        label = "Save your reflection" if confirmed else "Confirm this is a true record"
        self.helper.layout = Layout("reflection", Submit("submit", label))


PLACES = {1: "one decimal place", 2: "two decimal places"}


def _number_field(
    label: str, what: str, *, low: str, high: str, places: int, help_text: str, messages: dict[str, str]
) -> forms.DecimalField:
    """A short decimal input with GOV.UK-style messages; `messages` adds the ones that name limits."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal(low),
        max_value=Decimal(high),
        decimal_places=places,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "max_decimal_places": f"Give {what} to {PLACES[places]} at most",
            **messages,
        },
    )


class CaseloadForm(forms.Form):
    month = forms.DateField()
    caseload = _number_field(
        "The NQSW's caseload",
        "the caseload",
        low="0",
        high="999",
        places=1,
        help_text="Cases, or weighted points if your team counts that way.",
        messages={
            "required": "Enter the NQSW's caseload",
            "invalid": "Enter the caseload as a number, like 18",
            "min_value": "The caseload cannot be below 0",
            "max_value": "The caseload must be 999 or less",
        },
    )
    comparison = _number_field(
        "Comparison figure",
        "the comparison figure",
        low="1",
        high="999",
        places=1,
        help_text="An experienced colleague's caseload in the same team, counted the same way.",
        messages={
            "required": "Enter the comparison figure",
            "invalid": "Enter the comparison figure as a number, like 20",
            "min_value": "The comparison figure must be at least 1",
            "max_value": "The comparison figure must be 999 or less",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"] = _required_date("Month", "Enter a date in the month the figures describe")
        self.fields["month"].help_text = "Any day in the month the figures describe. " + DATE_HINT
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "month", "caseload", "comparison", "note", Submit("submit", "Save workload")
        )


class ProtectedTimeForm(forms.Form):
    submit_token = forms.UUIDField(widget=forms.HiddenInput)
    hours = _number_field(
        "Hours used",
        "the hours",
        low="0.25",
        high="37.5",
        places=2,
        help_text="For example, 3.5",
        messages={
            "required": "Enter the hours you used",
            "invalid": "Enter the hours as a number, like 3.5",
            "min_value": "Enter at least a quarter of an hour (0.25)",
            "max_value": "Enter at most 37.5 hours for one day's entry",
        },
    )
    activity = forms.CharField(
        label="What you spent it on",
        max_length=300,
        help_text="For example, reading on the Mental Capacity Act, or shadowing a colleague.",
        error_messages={"required": "Enter what you spent the time on"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["used_on"] = _required_date("Date", "Enter the date you used the time")
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "submit_token", "used_on", "hours", "activity", Submit("submit", "Add protected time")
        )
