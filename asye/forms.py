"""Forms of the ASYE pages. They validate only; views hand `cleaned_data` to a service. Choices
come from selectors, passed in by the view."""

import copy
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify

from academy.models import FrameworkVersion, Membership, Team

from .models import EvidenceKind, ProgrammeType, ProgrammeTypeVersion, RecordStatus, swe_number_validator


def _person_label(membership: Membership) -> str:
    return f"{membership.user.display_name} ({membership.organisation.name})"


def _person_field(label: str, required: str) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=label,
        queryset=Membership.objects.none(),
        empty_label="Choose someone",
        error_messages={"required": required, "invalid_choice": required},
    )
    field.label_from_instance = _person_label  # type: ignore[method-assign, assignment]
    return field


def _date(label: str, help_text: str, *, required: bool) -> DateInputField:
    field = DateInputField(label=label, help_text=help_text, required=required, require_all_fields=False)
    if required:
        field.error_messages["required"] = f"Enter the {label.lower()}"
    return field


class RecordForm(forms.Form):
    nqsw = _person_field("Newly qualified social worker", "Choose the NQSW")
    programme_type = forms.ModelChoiceField(
        label="Programme",
        queryset=ProgrammeType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the programme", "invalid_choice": "Choose the programme"},
    )
    team = forms.ModelChoiceField(
        label="Team (optional)", queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    start_date = _date("Start date", "The first day of the programme, for example 1 9 2026", required=True)
    fte = forms.DecimalField(
        label="Contracted hours as a share of full time (FTE)",
        help_text="1 for full time; 0.6 for three days a week. Part-time extends the programme pro rata.",
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
        max_digits=3,
        decimal_places=2,
        initial=Decimal("1"),
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the FTE, for example 1 or 0.6",
            "invalid": "Enter the FTE as a number, for example 0.6",
            "min_value": "The FTE must be more than 0",
            "max_value": "The FTE must be 1 or less",
            "max_decimal_places": "Give the FTE to two decimal places at most",
            "max_digits": "Give the FTE to two decimal places at most",
        },
    )
    date_qualified = _date("Date qualified (optional)", "The date on the degree certificate", required=False)
    university = forms.CharField(label="University (optional)", max_length=200, required=False)
    swe_number = forms.CharField(
        label="Social Work England registration number",
        help_text="SW followed by digits, for example SW123456",
        max_length=14,
        validators=[swe_number_validator],
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the Social Work England registration number"},
    )
    assessor = _person_field("Assessor", "Choose the assessor")
    line_manager = _person_field("Line manager", "Choose the line manager")

    def __init__(
        self,
        *args: Any,
        nqsws: QuerySet[Membership],
        programme_types: QuerySet[ProgrammeType],
        teams: QuerySet[Team],
        assessors: QuerySet[Membership],
        line_managers: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nqsw"].queryset = nqsws  # type: ignore[attr-defined]
        self.fields["programme_type"].queryset = programme_types  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.organisation.name}: {t}"  # type: ignore[attr-defined]
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]
        self.fields["line_manager"].queryset = line_managers  # type: ignore[attr-defined]
        self.fields[
            "line_manager"
        ].help_text = "May be the assessor too, if they also hold the line manager role."
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Create record"))

    def clean_swe_number(self) -> str:
        return str(self.cleaned_data["swe_number"]).strip().upper().replace(" ", "")


class ChangeAssessorForm(forms.Form):
    assessor = _person_field("New assessor", "Choose the new assessor")
    reason = forms.CharField(
        label="Why is the assessor changing?",
        help_text="This is kept with the record and shown in its assessor history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why the assessor is changing"},
    )

    def __init__(self, *args: Any, assessors: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Change assessor"))


class RecordFilterForm(forms.Form):
    """The staff list's filters (a GET form: the page stays bookmarkable)."""

    q = forms.CharField(label="Search by name", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *RecordStatus.choices]
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="Any team"
    )
    assessor = forms.ModelChoiceField(
        label="Assessor", queryset=Membership.objects.none(), required=False, empty_label="Any assessor"
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], assessors: QuerySet[Membership], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.organisation.name}: {t.name}"  # type: ignore[attr-defined]
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]
        self.fields["assessor"].label_from_instance = _person_label  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("filter", "Apply filters", css_class="govuk-button--secondary"))


# Bounds on a form's wording (a programme version's `forms`).
WORDING_TITLE_MAX = 200
WORDING_GUIDANCE_MAX = 4000
WORDING_PROMPT_MAX = 600


class ProgrammeVersionForm(forms.Form):
    """A new version, its fields filled from the newest one: length, each review point's month
    (and whether an optional one is on), the minimum of each kind of evidence, each supervision
    band, the frameworks, and the wording of every form (its title, guidance and each prompt's
    label; the keys stay as they are, so answers already given still find their prompt)."""

    label = forms.CharField(
        label="Version name",
        max_length=120,
        help_text="How people will name it, for example “ASYE from September 2027”.",
        error_messages={"required": "Enter a name for the version"},
    )
    in_force_from = _date(
        "In force from", "Records starting on or after this date follow the new version.", required=True
    )
    length_months = forms.IntegerField(
        label="Length in months (at full time)",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the length in months",
            "invalid": "Enter the length as a whole number of months",
            "min_value": "The length must be at least 1 month",
            "max_value": "The length must be 60 months or less",
        },
    )
    frameworks = forms.ModelMultipleChoiceField(
        label="Frameworks evidence maps to",
        queryset=FrameworkVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label="What changed, and its source (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(
        self,
        *args: Any,
        base: ProgrammeTypeVersion,
        framework_versions: QuerySet[FrameworkVersion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.base = base
        self.fields["frameworks"].queryset = framework_versions  # type: ignore[attr-defined]
        self.fields["frameworks"].label_from_instance = lambda v: f"{v.framework.name} — {v.label}"  # type: ignore[attr-defined]
        self.initial.setdefault("length_months", base.length_months)
        self.initial.setdefault("frameworks", [v.pk for v in base.frameworks.all()])
        for point in base.review_points:
            key = point["key"]
            label = point.get("label") or key
            self.fields[f"review_{key}"] = self._months_field(f"{label}: month", point["months"])
            if point.get("optional"):
                self.fields[f"review_{key}_enabled"] = forms.BooleanField(
                    label=f"Hold the {label.lower()}", required=False, initial=point.get("enabled", True)
                )
        for kind in EvidenceKind:
            self.fields[f"minimum_{kind.value}"] = self._count_field(
                f"Minimum: {kind.label.lower()}", base.evidence_minimums.get(kind.value, 0)
            )
        for index, band in enumerate(base.supervision_cadence):
            name = band.get("label") or f"Band {index + 1}"
            self.fields[f"cadence_{index}_every_days"] = self._count_field(
                f"Supervision, {name}: at least every … days", band["every_days"], low=1, high=92
            )
            for bound in ("until_weeks", "until_months"):
                if bound in band:
                    unit = bound.removeprefix("until_")
                    self.fields[f"cadence_{index}_{bound}"] = self._count_field(
                        f"Supervision, {name}: until {unit}", band[bound], low=1, high=104
                    )
        settings_fields = list(self.fields)
        # field name -> (form key, "title" | "guidance" | "prompt", prompt key)
        self.wording: dict[str, tuple[str, str, str]] = {}
        fieldsets = [self._add_wording_fields(key, form) for key, form in (base.forms or {}).items()]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*settings_fields, *fieldsets, Submit("submit", "Publish version"))

    def _add_wording_fields(self, key: str, form: dict[str, Any]) -> Fieldset:
        """The fields of one form's wording, prefilled from the copied version, in a fieldset
        named after the form."""
        title = str(form.get("title") or key)
        names = []
        for part, label, limit, rows, required in (
            ("title", "Title", WORDING_TITLE_MAX, 0, True),
            ("guidance", "Guidance (optional)", WORDING_GUIDANCE_MAX, 5, False),
        ):
            name = f"form_{key}__{part}"
            self.fields[name] = self._wording_field(
                f"{title}: {part}", form.get(part) or "", limit, rows, label=label, required=required
            )
            self.wording[name] = (key, part, "")
            names.append(name)
        for prompt_key, wording in (form.get("prompts") or {}).items():
            name = f"form_{key}__prompt__{prompt_key}"
            readable = prompt_key.replace("_", " ")
            self.fields[name] = self._wording_field(
                f"{title}: prompt “{readable}”",
                wording,
                WORDING_PROMPT_MAX,
                2,
                label=f"Prompt “{readable}”",
            )
            self.wording[name] = (key, "prompt", prompt_key)
            names.append(name)
        # The feedback giver's forms ask questions (a list, each with its key) instead of prompts.
        for question in form.get("questions") or []:
            question_key = str(question.get("key", ""))
            name = f"form_{key}__question__{question_key}"
            readable = question_key.replace("_", " ")
            self.fields[name] = self._wording_field(
                f"{title}: question “{readable}”",
                str(question.get("label") or ""),
                WORDING_PROMPT_MAX,
                2,
                label=f"Question “{readable}”",
            )
            self.wording[name] = (key, "question", question_key)
            names.append(name)
        return Fieldset(*names, legend=f"Form: {title}", legend_size=Size.MEDIUM)

    @staticmethod
    def _wording_field(
        name: str, initial: str, limit: int, rows: int, *, label: str, required: bool = True
    ) -> forms.CharField:
        """A piece of a form's wording. `name` says which form in error messages, since every
        fieldset has a "Title" and a "Guidance"."""
        return forms.CharField(
            label=label,
            initial=initial,
            required=required,
            max_length=limit,
            widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
            error_messages={
                "required": f"Enter the wording for {name}",
                "max_length": f"{name} must be {limit:,} characters or fewer",
            },
        )

    def forms_data(self) -> dict[str, Any]:
        """The copied version's forms with the wording as edited; everything else (sections,
        optional fields, defaults, periods) unchanged."""
        edited = copy.deepcopy(self.base.forms or {})
        for name, (key, part, prompt_key) in self.wording.items():
            value = self.cleaned_data[name]
            if part == "prompt":
                edited[key]["prompts"][prompt_key] = value
            elif part == "question":
                for question in edited[key]["questions"]:
                    if str(question.get("key", "")) == prompt_key:
                        question["label"] = value
            else:
                edited[key][part] = value
        return edited

    @staticmethod
    def _months_field(label: str, initial: int) -> forms.IntegerField:
        return ProgrammeVersionForm._count_field(label, initial, low=1, high=60)

    @staticmethod
    def _count_field(label: str, initial: int, *, low: int = 0, high: int = 50) -> forms.IntegerField:
        return forms.IntegerField(
            label=label,
            initial=initial,
            min_value=low,
            max_value=high,
            widget=forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
            ),
            error_messages={
                "required": f"Enter a whole number for “{label}”",
                "invalid": f"Enter a whole number for “{label}”",
                "min_value": f"“{label}” must be at least {low}",
                "max_value": f"“{label}” must be {high} or less",
            },
        )

    def version_data(self) -> dict[str, Any]:
        """The service's arguments from the cleaned form."""
        data = self.cleaned_data
        review_points = []
        for point in self.base.review_points:
            key = point["key"]
            review_points.append(
                {
                    **point,
                    "months": data[f"review_{key}"],
                    "enabled": data.get(f"review_{key}_enabled", True) if point.get("optional") else True,
                }
            )
        cadence = []
        for index, band in enumerate(self.base.supervision_cadence):
            updated = {**band, "every_days": data[f"cadence_{index}_every_days"]}
            for bound in ("until_weeks", "until_months"):
                if bound in band:
                    updated[bound] = data[f"cadence_{index}_{bound}"]
            cadence.append(updated)
        start = data["in_force_from"]
        return {
            "label": data["label"],
            "slug": slugify(f"{start:%Y-%m-%d} {data['label']}")[:80],
            "in_force_from": start,
            "length_months": data["length_months"],
            "review_points": review_points,
            "evidence_minimums": {kind.value: data[f"minimum_{kind.value}"] for kind in EvidenceKind},
            "supervision_cadence": cadence,
            "frameworks": list(data["frameworks"]),
            "notes": data["notes"],
            "forms": self.forms_data(),
        }
