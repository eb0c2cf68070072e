"""Forms of the moderation pages. They validate only; views hand what they hold to a service."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms

from academy.models import Membership, Organisation
from asye.agreement.forms import _date_field, _text_field

from .checklist import EXTERNAL_QUESTIONS, ITEMS, PrefilledItem
from .models import Answer, Outcome, PanelDecision

YES_NO = [(Answer.YES.value, "Yes"), (Answer.NO.value, "No")]


def _helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class _OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class _MembershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.display_name}, {obj.get_role_display().lower()} at {obj.organisation.name}"


class PanelForm(forms.Form):
    title = forms.CharField(
        label="Name of the panel",
        max_length=200,
        help_text="For example, ASYE moderation panel, spring 2027",
        error_messages={"required": "Enter a name for the panel"},
    )
    held_on = _date_field("Date of the panel", required=True)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _OrganisationChoice(
            queryset=organisations,
            label="Which organisation runs the panel?",
            empty_label=None,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose the organisation that runs the panel"},
        )
        self.helper = _helper("title", "held_on", "organisation", submit="Set up the panel")


class MemberForm(forms.Form):
    """Someone from inside (a choice) or an external moderator (by email): one of the two."""

    email = forms.EmailField(
        label="Or the email address of an external moderator",
        required=False,
        help_text="Someone who holds the moderator role in another organisation",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"] = _MembershipChoice(
            queryset=candidates,
            required=False,
            label="Someone from your organisations",
            empty_label="Choose…",
        )
        self.order_fields(["member", "email"])
        self.helper = _helper("member", "email", submit="Add to the panel")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("member") and not cleaned.get("email"):
            raise forms.ValidationError("Choose someone from your organisations or enter an email address")
        if cleaned.get("member") and cleaned.get("email"):
            raise forms.ValidationError("Choose someone or enter an email address, not both")
        return cleaned


class AllocateForm(forms.Form):
    def __init__(self, *args: Any, records: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"] = forms.ModelChoiceField(
            queryset=records,
            label="Which portfolio goes before this panel?",
            widget=forms.RadioSelect,
            error_messages={"required": "Choose a portfolio"},
        )
        self.fields["record"].label_from_instance = lambda r: (  # type: ignore[attr-defined]
            f"{r.nqsw.user.display_name}, {r.organisation.name}"
        )
        self.helper = _helper("record", submit="Allocate to the panel")


class ChecklistForm(forms.Form):
    """Each pre-filled item confirmed or corrected with a comment; for adult services the
    external moderation questions and the shortcomings."""

    def __init__(self, *args: Any, prefilled: list[PrefilledItem], adults: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facts = {item.key: item.facts for item in prefilled}
        layout: list[Any] = []
        for key, label in ITEMS:
            self.fields[f"{key}_answer"] = forms.ChoiceField(
                label="Yes or no?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                help_text=f"From the portfolio: {facts.get(key, '')}",
                error_messages={"required": f"Answer “{label}”"},
            )
            self.fields[f"{key}_comment"] = _text_field("Comments (optional)", required=False, rows=2)
            layout.append(Fieldset(f"{key}_answer", f"{key}_comment", legend=label, legend_size=Size.SMALL))
        self.external_keys = []
        if adults:
            for key, label in EXTERNAL_QUESTIONS:
                self.fields[f"{key}_answer"] = forms.ChoiceField(
                    label="Yes or no?",
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Answer “{label}”"},
                )
                self.fields[f"{key}_comment"] = _text_field("Comments (optional)", required=False, rows=2)
                layout.append(
                    Fieldset(
                        f"{key}_answer",
                        f"{key}_comment",
                        legend=f"External moderation: is the recommendation {label[0].lower()}{label[1:]}?",
                        legend_size=Size.SMALL,
                    )
                )
                self.external_keys.append(key)
            self.fields["shortcomings"] = _text_field("Shortcomings found (optional)", required=False, rows=4)
            layout.append("shortcomings")
        self.helper = _helper(*layout, submit="Save the checklist")

    def answers(self, questions: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
        return {
            key: {
                "answer": self.cleaned_data.get(f"{key}_answer", ""),
                "comment": self.cleaned_data.get(f"{key}_comment", ""),
            }
            for key, _ in questions
        }


def checklist_initial(
    prefilled: list[PrefilledItem], saved: dict[str, Any], external: dict[str, Any]
) -> dict[str, Any]:
    """The moderator's saved answers, or the pre-filled ones before they have saved any."""
    initial: dict[str, Any] = {}
    for item in prefilled:
        found = saved.get(item.key) or {}
        initial[f"{item.key}_answer"] = found.get("answer") or (Answer.YES if item.met else Answer.NO)
        initial[f"{item.key}_comment"] = found.get("comment", "")
    for key, value in external.items():
        initial[f"{key}_answer"] = value.get("answer", "")
        initial[f"{key}_comment"] = value.get("comment", "")
    return initial


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The panel's decision",
        choices=[
            (PanelDecision.AGREE.value, "Agree with the assessor's recommendation"),
            (PanelDecision.REFER_BACK.value, "Refer the portfolio back"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel's decision"},
    )
    reasons = _text_field(
        "Reasons", required=False, rows=5, help_text="Required when the portfolio is referred back"
    )
    new_end_date = _date_field("New end date (when referred back)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("decision", "reasons", "new_end_date", submit="Record the decision")


class FinalDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="The employer's decision",
        choices=[(Outcome.PASS.value, "Passed: the year is completed"), (Outcome.FAIL.value, "Not passed")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose passed or not passed"},
    )
    reasons = _text_field("Reasons", required=False, rows=4, help_text="Required when the year is not passed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("outcome", "reasons", submit="Record the final decision")
