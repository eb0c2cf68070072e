"""Forms of the evidence pages. The evidence form is built from the record's programme version
(`forms_data.kind_form`): one text area per prompt the NQSW answers, one rating and note per
framework statement for a self-assessment, the framework elements as checkboxes grouped by
framework. They validate only; views hand `cleaned_data` to a service."""

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.db.models import QuerySet

from academy.files.forms import PrivateFileField
from academy.models import FrameworkElement, Membership

from .forms_data import MAX_ANSWER_CHARACTERS, RATING_CHOICES, KindForm


@dataclass(frozen=True)
class ElementGroup:
    legend: str
    choices: list[tuple[str, str]]


def element_groups(elements: Iterable[FrameworkElement]) -> list[ElementGroup]:
    """Elements grouped by framework version (the domains of each framework, in order)."""
    groups: dict[int, ElementGroup] = {}
    for element in elements:
        version = element.version
        group = groups.setdefault(version.pk, ElementGroup(f"{version.framework.name} ({version.label})", []))
        group.choices.append((str(element.pk), str(element)))
    return list(groups.values())


def _text(label: str, *, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _observer_label(membership: Membership) -> str:
    return f"{membership.user.display_name} ({membership.get_role_display()}, {membership.organisation.name})"


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A few words you and your assessor will recognise. Do not name the people you work with.",
        error_messages={"required": "Enter a title"},
    )
    date = DateInputField(
        label="Date", help_text="When it happened, for example 27 3 2027", require_all_fields=False
    )
    attachment = PrivateFileField(label="Attach a file (optional)", required=False)
    elements = forms.MultipleChoiceField(
        label="Which parts of the frameworks does this show?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(
        self,
        *args: Any,
        kind_form: KindForm,
        elements: Sequence[FrameworkElement],
        statements: Sequence[FrameworkElement] = (),
        observers: QuerySet[Membership] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date"
        self.kind_form = kind_form
        self._elements = {str(e.pk): e for e in elements}
        self.groups = element_groups(elements)
        self.fields["elements"].choices = [(pk, str(e)) for pk, e in self._elements.items()]  # type: ignore[attr-defined]
        self.prompt_names = []
        for key, prompt in kind_form.nqsw_prompts.items():
            name = f"answer_{key}"
            self.fields[name] = _text(prompt)
            self.prompt_names.append(name)
        self.statement_rows: list[tuple[FrameworkElement, str, str]] = []
        if kind_form.statement_prompts:
            rating_label = kind_form.statement_prompts.get("statement_rating", "How confident are you?")
            note_label = kind_form.statement_prompts.get("statement_evidence", "What shows it?")
            for element in statements:
                rating, note = f"rating_{element.pk}", f"note_{element.pk}"
                self.fields[rating] = forms.ChoiceField(
                    label=f"{rating_label} {element}",
                    required=False,
                    choices=[("", "Not rated yet"), *RATING_CHOICES],
                )
                self.fields[note] = _text(f"{note_label} {element}", rows=2)
                self.statement_rows.append((element, rating, note))
        if observers is not None:
            field = forms.ModelChoiceField(
                label="Observer",
                help_text="Leave as your assessor unless someone else observed you.",
                queryset=observers,
                required=False,
                empty_label="My assessor",
            )
            field.label_from_instance = _observer_label  # type: ignore[method-assign, assignment]
            self.fields["observer"] = field

    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.prompt_names]

    def statement_fields(self) -> list[tuple[FrameworkElement, forms.BoundField, forms.BoundField]]:
        return [(element, self[rating], self[note]) for element, rating, note in self.statement_rows]

    def element_checkboxes(self) -> list[dict[str, Any]]:
        """The picker's groups, each choice with whether it is ticked (what was sent, or the
        form's initial value)."""
        chosen = {str(v) for v in (self["elements"].value() or [])}
        return [
            {
                "legend": group.legend,
                "choices": [
                    {"value": pk, "label": label, "checked": pk in chosen} for pk, label in group.choices
                ],
            }
            for group in self.groups
        ]

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers: dict[str, Any] = {
            name.removeprefix("answer_"): data.get(name, "") for name in self.prompt_names
        }
        if self.statement_rows:
            answers["statements"] = {
                str(element.pk): {"rating": data.get(rating, ""), "note": data.get(note, "")}
                for element, rating, note in self.statement_rows
                if data.get(rating) or data.get(note)
            }
        return answers

    def chosen_elements(self) -> list[FrameworkElement]:
        return [self._elements[pk] for pk in self.cleaned_data.get("elements", []) if pk in self._elements]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "title": data["title"],
            "date": data["date"],
            "answers": self.answers(),
            "elements": self.chosen_elements(),
        }
        if "observer" in self.fields:
            values["observer"] = data.get("observer")
        return values


def initial_from_item(item: Any, kind_form: KindForm, mapped: Iterable[int]) -> dict[str, Any]:
    answers = item.answers or {}
    initial: dict[str, Any] = {
        "title": item.title,
        "date": item.date,
        "elements": [str(pk) for pk in mapped],
        "version": item.version,
        "observer": item.observer_id,
    }
    for key in kind_form.nqsw_prompts:
        initial[f"answer_{key}"] = answers.get(key, "")
    for element_id, answer in (answers.get("statements") or {}).items():
        initial[f"rating_{element_id}"] = answer.get("rating", "")
        initial[f"note_{element_id}"] = answer.get("note", "")
    return initial


def new_initial(*, today: datetime.date, element: str | None) -> dict[str, Any]:
    """A new item's form: a fresh key that makes a second press of "Save" find the first item."""
    return {"idempotency_key": uuid.uuid4().hex, "date": today, "elements": [element] if element else []}


class ObserverForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind_form: KindForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, prompt in kind_form.observer_prompts.items():
            self.fields[f"answer_{key}"] = _text(prompt, rows=6)

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("answer_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What does the NQSW need to change?",
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the NQSW needs to change"},
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        max_length=MAX_ANSWER_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a comment"},
    )


class ConfirmFlagForm(forms.Form):
    source = forms.CharField(max_length=120)
    kind = forms.CharField(max_length=30)
    text_sha256 = forms.CharField(max_length=64)
