"""The reminder pages' forms: the operator's filters and each person's preferences."""

import datetime
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from academy.registry.reminders import ReminderKind

from .models import DEFAULT_DIGEST_TIME, Reminder

# Half-hour steps through the day, London time.
DIGEST_TIMES = [datetime.time(hour, minute) for hour in range(24) for minute in (0, 30)]


class ReminderFilterForm(forms.Form):
    """The operator list's filters (GET). An invalid date keeps what was typed and says why."""

    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state"), *Reminder.State.choices]
    )
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind")])
    due_from = forms.DateField(
        label="Due from",
        required=False,
        help_text="For example, 1 9 2027 or 2027-09-01",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"invalid": "Enter the 'due from' date as a real date, like 2027-09-01"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    due_to = forms.DateField(
        label="Due to",
        required=False,
        help_text="For example, 30 11 2027 or 2027-11-30",
        input_formats=["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"],
        error_messages={"invalid": "Enter the 'due to' date as a real date, like 2027-11-30"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )

    def __init__(self, *args: Any, kinds: list[ReminderKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *((k.name, k.label) for k in kinds)]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": "", "role": "search"}
        self.helper.add_input(Submit("filter", "Filter", css_class="govuk-button--secondary"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        due_from, due_to = data.get("due_from"), data.get("due_to")
        if due_from and due_to and due_from > due_to:
            self.add_error("due_to", "The 'due to' date must be the same as or after the 'due from' date")
        return data


class ReminderPreferencesForm(forms.Form):
    by_email = forms.MultipleChoiceField(
        label="Which reminders do you want by email?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Every reminder appears in your notifications in the portal. "
            "Untick a kind to get it in the portal only."
        ),
    )
    digest = forms.TypedChoiceField(
        label="How should reminder emails come?",
        choices=[
            ("no", "One email for each reminder"),
            ("yes", "One email a day listing them (a daily digest)"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how reminder emails should come"},
    )
    digest_time = forms.TypedChoiceField(
        label="Time of the daily digest (UK time)",
        choices=[(f"{t:%H:%M}", f"{t:%H:%M}") for t in DIGEST_TIMES],
        coerce=lambda value: datetime.time.fromisoformat(value),
        initial=f"{DEFAULT_DIGEST_TIME:%H:%M}",
        required=False,
        help_text="Only used for a daily digest. It follows the clocks when they change.",
    )

    def __init__(self, *args: Any, kinds: list[ReminderKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["by_email"].choices = [(k.name, k.label) for k in kinds]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save preferences"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("digest") and not data.get("digest_time"):
            self.add_error("digest_time", "Choose the time of the daily digest")
        return data
