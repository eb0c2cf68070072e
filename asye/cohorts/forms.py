"""Forms of the cohort pages. They validate only; views hand `cleaned_data` to a service.

The import's checked rows wait between the preview and the confirmation in the confirmation
form itself, as signed, compressed data tied to the person and the cohort and valid for a day —
the approach of the CPD import (cpd/transfer/forms.py, where the alternatives are weighed).
Every row is checked again on confirming: the signature vouches only that these are the rows
the person uploaded."""

import datetime
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from academy.files.validation import clean_display_name
from academy.models import Membership, Organisation, Team, User

from ..models import AsyeRecord
from .models import Cohort
from .reading import MAX_BACKGROUND_ROWS, MAX_BYTES, RawRow, ReadFile, read_upload

MAX_AGE = 24 * 60 * 60
MONTHS = [(str(n), datetime.date(2000, n, 1).strftime("%B")) for n in range(1, 13)]


def _person_label(membership: Membership) -> str:
    return f"{membership.user.display_name} ({membership.organisation.name})"


def _person_field(label: str, *, required: bool, empty: str) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=label,
        queryset=Membership.objects.none(),
        required=required,
        empty_label=empty,
        error_messages={"invalid_choice": f"Choose the {label.lower()} from the list"},
    )
    field.label_from_instance = _person_label  # type: ignore[method-assign, assignment]
    return field


class CohortForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Council",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the council", "invalid_choice": "Choose the council"},
    )
    name = forms.CharField(
        label="Intake name",
        help_text="How people name the intake, for example “September 2026 adults”.",
        max_length=120,
        error_messages={"required": "Enter the intake name"},
    )
    month = forms.TypedChoiceField(label="Start month", choices=MONTHS, coerce=int)
    year = forms.IntegerField(
        label="Start year",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the start year", "invalid": "Enter the start year, like 2026"},
    )
    service_area = forms.ChoiceField(
        label="Service area",
        choices=Team.ServiceArea.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the service area"},
    )
    lead_psw = _person_field("Lead principal social worker (optional)", required=False, empty="Nobody yet")

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        lead_psws: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["lead_psw"].queryset = lead_psws  # type: ignore[attr-defined]
        self.fields["year"].widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-4"})
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Create cohort"))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["start_month"] = datetime.date(data.pop("year"), data.pop("month"), 1)
        return data


def _salt(user: User, cohort: Cohort) -> str:
    return f"asye.cohorts.import:{user.pk}:{cohort.pk}"


def sign_rows(read: ReadFile, *, user: User, cohort: Cohort) -> str:
    payload = {"name": read.name, "ignored": read.ignored, "rows": [[r.number, r.values] for r in read.rows]}
    return signing.dumps(payload, salt=_salt(user, cohort), compress=True)


def unsign_rows(value: str, *, user: User, cohort: Cohort) -> ReadFile:
    payload = signing.loads(value, salt=_salt(user, cohort), max_age=MAX_AGE)
    return ReadFile(
        name=str(payload["name"]),
        ignored=[str(h) for h in payload["ignored"]],
        rows=[RawRow(number=int(number), values=dict(values)) for number, values in payload["rows"]],
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the cohort's file",
        help_text=f"A CSV file or an Excel workbook (.xlsx) of up to {MAX_BYTES // (1024 * 1024)} MB, "
        "with the template's headings in the first row.",
        error_messages={
            "required": "Choose the file to import",
            "empty": "The file is empty. Download the template, fill it in and upload it.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.read: ReadFile | None = None
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": "", "enctype": "multipart/form-data"}
        self.helper.add_input(Submit("check", "Check the file"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        size = upload.size or 0
        upload.seek(0)
        data = b"" if size > MAX_BYTES else upload.read()
        self.read = read_upload(
            data, name=clean_display_name(upload.name), size=size, max_rows=MAX_BACKGROUND_ROWS
        )
        return upload


class ImportConfirmForm(forms.Form):
    rows = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.cohort = cohort
        self.read: ReadFile | None = None

    def clean_rows(self) -> str:
        value: str = self.cleaned_data["rows"]
        try:
            self.read = unsign_rows(value, user=self.user, cohort=self.cohort)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise forms.ValidationError(
                "The checked file has expired or was changed. Upload it again to check it.", code="expired"
            ) from error
        return value


def _record_label(record: AsyeRecord) -> str:
    return (
        f"{record.nqsw.user.display_name} (assessor {record.assessor.user.display_name}, "
        f"line manager {record.line_manager.user.display_name})"
    )


class AssignForm(forms.Form):
    """Bulk assignment: which of the cohort's records, and who takes them on."""

    records = forms.ModelMultipleChoiceField(
        label="NQSWs",
        queryset=AsyeRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one NQSW",
            "invalid_choice": "Choose NQSWs from the list",
        },
    )
    assessor = _person_field("New assessor", required=False, empty="Keep their assessors")
    line_manager = _person_field("New line manager", required=False, empty="Keep their line managers")
    reason = forms.CharField(
        label="Why are they changing?",
        help_text="Kept with each record: in its assessor history, and in the audit log for managers.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why they are changing"},
    )

    def __init__(
        self,
        *args: Any,
        records: QuerySet[AsyeRecord],
        assessors: QuerySet[Membership],
        line_managers: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records  # type: ignore[attr-defined]
        self.fields["records"].label_from_instance = _record_label  # type: ignore[attr-defined]
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]
        self.fields["line_manager"].queryset = line_managers  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("assign", "Assign"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("assessor") and not data.get("line_manager") and "assessor" not in self.errors:
            self.add_error("assessor", "Choose a new assessor, a new line manager or both")
        return data


class DashboardFilterForm(forms.Form):
    """The dashboard's filters (GET). Choices are what the person manages."""

    organisation = forms.ModelChoiceField(
        label="Council", queryset=Organisation.objects.none(), required=False, empty_label="Every council"
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="Every team"
    )
    cohort = forms.ModelChoiceField(
        label="Cohort", queryset=Cohort.objects.none(), required=False, empty_label="Every cohort"
    )
    assessor = _person_field("Assessor", required=False, empty="Every assessor")

    def __init__(self, *args: Any, choices: dict[str, Any], **kwargs: Any) -> None:
        from crispy_forms_gds.layout import Layout

        super().__init__(*args, **kwargs)
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.organisation.name})"  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": "", "role": "search"}
        self.helper.layout = Layout("organisation", "team", "cohort", "assessor")
        self.helper.add_input(Submit("filter", "Filter", css_class="govuk-button--secondary"))

    def chosen(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value is not None}
