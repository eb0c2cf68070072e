"""Forms of the year's end. They validate only; views hand `cleaned_data` to a service. Labels of
the final assessment come from the programme version (`rules.prompts`)."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms

from academy.models import FrameworkElement
from asye.agreement.forms import _date_field, _text_field

from . import rules
from .models import Endorsement, Recommendation


def _helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def _required_date(label: str) -> Any:
    field = _date_field(label, required=True)
    field.error_messages["required"] = f"Enter “{label}”"
    return field


def _radios(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect)


class ReflectionForm(forms.Form):
    def __init__(self, *args: Any, prompts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reflection"] = _text_field(prompts["reflection"], required=False, rows=12)
        self.fields["further_development"] = _text_field(
            prompts["further_development"], required=False, rows=6
        )
        self.helper = _helper("reflection", "further_development", submit="Save your part")


class ReportForm(forms.Form):
    """The assessor's part: one fieldset per framework domain (met or not, and why), the report
    and the recommendation."""

    def __init__(
        self, *args: Any, prompts: dict[str, str], domains: list[FrameworkElement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.domains = domains
        fieldsets = []
        for element in domains:
            legend = f"{element.version.framework.short_name} {element.code}: {element.title}".strip().rstrip(
                ":"
            )
            self.fields[f"met_{element.pk}"] = _radios("Judgement", rules.MET_CHOICES)
            self.fields[f"reason_{element.pk}"] = _text_field("Reasons", required=False, rows=3)
            fieldsets.append(
                Fieldset(f"met_{element.pk}", f"reason_{element.pk}", legend=legend, legend_size=Size.SMALL)
            )
        self.fields["report"] = _text_field(prompts["report"], required=False, rows=12)
        self.fields["recommendation"] = _radios(prompts["recommendation"], Recommendation.choices)
        self.helper = _helper(
            "report",
            Fieldset(*fieldsets, legend=prompts["judgements"], legend_size=Size.MEDIUM),
            "recommendation",
            submit="Save the final report",
        )

    def judgements(self) -> dict[int, dict[str, str]]:
        return {
            element.pk: {
                "met": self.cleaned_data.get(f"met_{element.pk}") or "",
                "reason": self.cleaned_data.get(f"reason_{element.pk}") or "",
            }
            for element in self.domains
        }


def report_initial(assessment: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"report": assessment.report, "recommendation": assessment.recommendation}
    for pk, judgement in (assessment.judgements or {}).items():
        initial[f"met_{pk}"] = judgement.get("met", "")
        initial[f"reason_{pk}"] = judgement.get("reason", "")
    return initial


class EndorsementForm(forms.Form):
    def __init__(self, *args: Any, prompts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["endorsement"] = _radios(prompts["endorsement"], Endorsement.choices)
        self.fields["manager_comments"] = _text_field(prompts["manager_comments"], required=False, rows=6)
        self.helper = _helper("endorsement", "manager_comments", submit="Save your endorsement")


class PauseForm(forms.Form):
    starts_on = _required_date("First day of the pause")
    ends_on = _date_field("Last day of the pause (leave empty if not known yet)")
    reason = _text_field("Reason for the pause", required=True, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("starts_on", "ends_on", "reason", submit="Record the pause")


class PauseEndForm(forms.Form):
    ends_on = _required_date("Last day of the pause")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("ends_on", submit="End the pause")


class ExtensionForm(forms.Form):
    new_end_on = _required_date("New planned end date")
    reason = _text_field("Reason for the extension", required=True, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("new_end_on", "reason", submit="Extend the year")


class WithdrawalForm(forms.Form):
    withdrawn_on = _required_date("Date the NQSW withdrew")
    reason = _text_field("Reason for the withdrawal", required=True, rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "withdrawn_on",
            "reason",
            Submit("submit", "Withdraw from the programme", css_class="govuk-button--warning"),
        )


class AnonymisationForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="Items you confirm are anonymised",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one item you confirm is anonymised"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices  # type: ignore[attr-defined]
        self.fields["items"].help_text = (
            "Tick each item only once you have checked it names nobody: no names, addresses, dates "
            "of birth, care details or photographs of people who use services or colleagues."
        )
        self.helper = _helper("items", submit="Confirm these items are anonymised")
