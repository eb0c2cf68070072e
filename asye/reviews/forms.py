"""Forms of the review parts. They validate only; views hand what they hold to a service. Labels
are the programme version's prompts (`asye.reviews.rules.review_form`)."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms

from academy.models import FrameworkElement
from asye.agreement.forms import _date_field, _text_field

from . import rules
from .models import Rating

ACTION_ROWS = 4


def _helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class ReflectionForm(forms.Form):
    """The NQSW's part."""

    def __init__(self, *args: Any, form: rules.ReviewForm, asks_self: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reflection"] = _text_field(form.prompt("nqsw_reflection"), required=False, rows=10)
        names = ["reflection"]
        if asks_self:
            self.fields["self_assessment"] = _text_field(
                form.prompt("self_assessment"), required=False, rows=8
            )
            names.append("self_assessment")
        self.helper = _helper(*names, submit="Save your part")


class SupportForm(forms.Form):
    """The line manager's account of the support given."""

    def __init__(self, *args: Any, form: rules.ReviewForm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in rules.MANAGER_FIELDS:
            self.fields[name] = _text_field(form.prompt(name), required=False, rows=5)
        self.helper = _helper(*rules.MANAGER_FIELDS, submit="Save the account of support")


class AssessmentForm(forms.Form):
    """The assessor's part: one fieldset per framework domain (a rating and a reason), an
    overall summary and up to `ACTION_ROWS` actions with dates."""

    def __init__(
        self, *args: Any, form: rules.ReviewForm, domains: list[FrameworkElement], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.domains = domains
        fieldsets = []
        for element in domains:
            framework = element.version.framework.short_name
            legend = f"{framework} {element.code}: {element.title}".strip().rstrip(":")
            self.fields[f"rating_{element.pk}"] = forms.ChoiceField(
                label="Progress",
                choices=Rating.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{element.pk}"] = _text_field(
                "Reasons (required for concerns)", required=False, rows=3
            )
            fieldsets.append(
                Fieldset(
                    f"rating_{element.pk}", f"reason_{element.pk}", legend=legend, legend_size=Size.SMALL
                )
            )
        self.fields["progress_summary"] = _text_field(form.prompt("progress_summary"), required=False, rows=5)
        actions = []
        for index in range(ACTION_ROWS):
            self.fields[f"action_{index}"] = _text_field(f"Action {index + 1}", required=False, rows=2)
            self.fields[f"by_{index}"] = _date_field(f"Action {index + 1} to be done by")
            actions += [f"action_{index}", f"by_{index}"]
        self.helper = _helper(
            Fieldset(*fieldsets, legend=form.prompt("progress"), legend_size=Size.MEDIUM),
            "progress_summary",
            Fieldset(*actions, legend=form.prompt("concerns"), legend_size=Size.MEDIUM),
            submit="Save the assessment",
        )

    def judgements(self) -> dict[int, dict[str, str]]:
        return {
            element.pk: {
                "rating": self.cleaned_data.get(f"rating_{element.pk}") or "",
                "reason": self.cleaned_data.get(f"reason_{element.pk}") or "",
            }
            for element in self.domains
        }

    def action_plan(self) -> list[dict[str, Any]]:
        return [
            {"action": self.cleaned_data.get(f"action_{i}") or "", "by": self.cleaned_data.get(f"by_{i}")}
            for i in range(ACTION_ROWS)
        ]


def assessment_initial(review: Any) -> dict[str, Any]:
    """The assessment form's fields from a saved review."""
    import datetime

    initial: dict[str, Any] = {"progress_summary": review.progress_summary}
    for pk, judgement in (review.judgements or {}).items():
        initial[f"rating_{pk}"] = judgement.get("rating", "")
        initial[f"reason_{pk}"] = judgement.get("reason", "")
    for index, row in enumerate((review.action_plan or [])[:ACTION_ROWS]):
        initial[f"action_{index}"] = row.get("action", "")
        initial[f"by_{index}"] = datetime.date.fromisoformat(row["by"]) if row.get("by") else None
    return initial
