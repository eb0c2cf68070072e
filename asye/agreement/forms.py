"""Forms of the agreement and plan pages. They validate only; views hand `cleaned_data` to a
service. The agreement's fields come from the form definition the version follows."""

import datetime
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms

from . import rules

TEXT_LIMIT = 5000
DATE_HINT = "For example, 8 9 2026"


def _date_field(label: str, *, required: bool = False) -> DateInputField:
    field = DateInputField(label=label, help_text=DATE_HINT, required=required, require_all_fields=False)
    field.error_messages["incomplete"] = f"Enter the whole date for “{label}”"
    return field


def _text_field(label: str, *, required: bool, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter “{label}”",
            "max_length": f"“{label}” must be {TEXT_LIMIT} characters or fewer",
        },
    )


def _as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


class AgreementForm(forms.Form):
    """Every field of the agreement, one GOV.UK fieldset per section. Nothing is required to
    save (the assessor fills it in over time); the agreement page lists what is still missing
    and nobody can sign until it is answered. `number` and `revision` name the version the form
    showed, so an edit made meanwhile by someone else is not overwritten."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, definition: dict[str, Any], answers: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys: list[str] = []
        fieldsets = []
        for section in rules.agreement_sections(definition):
            for field in section.fields:
                label = f"{field.label} (optional)" if field.optional else field.label
                if field.is_date:
                    self.fields[field.key] = _date_field(label)
                    self.initial.setdefault(field.key, _as_date(answers.get(field.key)))
                else:
                    self.fields[field.key] = _text_field(label, required=False)
                    self.initial.setdefault(field.key, answers.get(field.key, ""))
                self.keys.append(field.key)
            fieldsets.append(
                Fieldset(*(f.key for f in section.fields), legend=section.title, legend_size=Size.MEDIUM)
            )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("number", "revision", *fieldsets, Submit("submit", "Save agreement"))

    def answers(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in self.keys}


def _prompt(prompts: dict[str, str], key: str, fallback: str) -> str:
    return prompts.get(key) or fallback


class PlanRowForm(forms.Form):
    """A row of a development plan, as the NQSW writes it. Labels are the version's prompts.
    On the add form `submit_token` makes a second submit find the first row; on the change form
    `revision` refuses an edit made over someone else's."""

    learning_need = forms.CharField()
    action = forms.CharField()
    support = forms.CharField()
    target_date = forms.DateField()
    progress_evidence = forms.CharField()

    def __init__(self, *args: Any, prompts: dict[str, str], adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learning_need"] = _text_field(
            _prompt(prompts, "learning_need", "Learning need"), required=True
        )
        self.fields["action"] = _text_field(_prompt(prompts, "action", "Action"), required=True)
        self.fields["support"] = _text_field(
            _prompt(prompts, "support", "Support or resources") + " (optional)", required=False
        )
        self.fields["target_date"] = _date_field(
            _prompt(prompts, "target_date", "Target date") + " (optional)"
        )
        self.fields["progress_evidence"] = _text_field(
            _prompt(prompts, "progress_evidence", "Evidence of progress") + " (optional)", required=False
        )
        hidden = "submit_token" if adding else "revision"
        if adding:
            self.fields[hidden] = forms.UUIDField(widget=forms.HiddenInput)
        else:
            self.fields[hidden] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            hidden,
            "learning_need",
            "action",
            "support",
            "target_date",
            "progress_evidence",
            Submit("submit", "Add to the plan" if adding else "Save changes"),
        )


class ReviewNoteForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_note"] = _text_field(
            label,
            required=True,
            rows=5,
            help_text="The NQSW sees it beside the row, with your name and the date.",
        )
        self.fields["review_note"].error_messages["required"] = "Enter the review note"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("revision", "review_note", Submit("submit", "Save review note"))
