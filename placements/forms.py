"""Forms validate; views hand `cleaned_data` to a service."""

from typing import Any, ClassVar

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.db.models import QuerySet

from academy.models import Membership, Organisation, Team, User

from .models import (
    DayKind,
    DocumentKind,
    EducatorRole,
    EducatorStage,
    PlacementKind,
    PracticeSetting,
    Recommendation,
    UniversityPartnership,
)
from .rules import Currency


def _date(label: str, help_text: str = "For example, 27 3 2026", *, required: bool = False) -> DateInputField:
    return DateInputField(label=label, help_text=help_text, required=required, require_all_fields=False)


class EducatorForm(forms.Form):
    """An entry on the register. `membership` is asked only when adding someone."""

    membership = forms.ModelChoiceField(
        label="Person",
        queryset=Membership.objects.none(),
        help_text="Someone with a current role in one of your organisations.",
        error_messages={"required": "Choose the person", "invalid_choice": "Choose someone from the list"},
    )
    stage = forms.ChoiceField(
        label="Stage",
        choices=EducatorStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their stage"},
    )
    qualified_on = _date("Date qualified at this stage", "Leave empty for a trainee. For example, 14 7 2023")
    last_student_on = _date("Last student supported", "The day their last student's placement ended")
    last_update_on = _date("Last update attended", "The last practice educator update or refresher")
    capacity_per_year = forms.IntegerField(
        label="Students a year",
        min_value=0,
        max_value=12,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
        error_messages={"required": "Enter how many students a year they can take"},
    )
    settings_offered = forms.MultipleChoiceField(
        label="Settings they can offer",
        choices=PracticeSetting.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    role = forms.ChoiceField(
        label="Role with students",
        choices=EducatorRole.choices,
        widget=forms.RadioSelect,
        help_text="An off-site educator needs an on-site supervisor for each student.",
        error_messages={"required": "Choose on site or off site"},
    )
    team = forms.ModelChoiceField(
        label="Team (optional)", queryset=Team.objects.none(), required=False, empty_label="Their own team"
    )
    unavailable_from = _date("Not available from (optional)")
    unavailable_until = _date("Not available until (optional)")
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=500, widget=forms.Textarea)

    def __init__(
        self,
        *args: Any,
        candidates: QuerySet[Membership] | None,
        teams: QuerySet[Team],
        submit: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if candidates is None:
            del self.fields["membership"]
        else:
            field = self.fields["membership"]
            field.queryset = candidates  # type: ignore[attr-defined]
            field.label_from_instance = (  # type: ignore[attr-defined]
                lambda m: f"{m.user.display_name} — {m.get_role_display()}, {m.organisation.name}"
            )
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.organisation.name}: {t.name}"  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", submit))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("stage") and data["stage"] != EducatorStage.TRAINEE and not data.get("qualified_on"):
            self.add_error("qualified_on", "Enter the date they qualified at this stage")
        start, end = data.get("unavailable_from"), data.get("unavailable_until")
        if start and end and end < start:
            self.add_error("unavailable_until", "The end of the unavailable period must be after its start")
        return data


class RegisterFilterForm(forms.Form):
    """The register's filters: a GET form, so a filtered list can be bookmarked."""

    q = forms.CharField(label="Search by name or email", required=False, max_length=100)
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *EducatorStage.choices]
    )
    currency = forms.ChoiceField(
        label="Currency",
        required=False,
        choices=[("", "Any"), *((c, Currency.LABELS[c]) for c in Currency.FILTERABLE)],
    )
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "On or off site"), *EducatorRole.choices]
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Every organisation",
        to_field_name="slug",
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], show_organisations: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if show_organisations:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("filter", "Apply filters", css_class="govuk-button--secondary"))


class PartnershipForm(forms.Form):
    university = forms.ModelChoiceField(
        label="University",
        queryset=Organisation.objects.none(),
        error_messages={
            "required": "Choose the university",
            "invalid_choice": "Choose a university from the list",
        },
    )
    partner = forms.ModelChoiceField(
        label="Places students with",
        queryset=Organisation.objects.none(),
        # An empty choice: without one, Django reads the choices twice to draw the select.
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose one of your organisations",
        },
    )

    def __init__(
        self,
        *args: Any,
        universities: QuerySet[Organisation],
        partners: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["university"].queryset = universities  # type: ignore[attr-defined]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Add partner university"))


class PlacementRequestForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label="Ask",
        queryset=UniversityPartnership.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose who to ask", "invalid_choice": "Choose one of your partners"},
    )
    kind = forms.ChoiceField(
        label="Placement",
        choices=PlacementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose first or final placement"},
    )
    days_required = forms.IntegerField(
        label="Days of practice required",
        min_value=1,
        max_value=200,
        help_text="For example, 70 for a first placement or 100 for a final one.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the days required"},
    )
    starts_on = _date("Start date", required=True)
    ends_on = _date("End date", required=True)
    students = forms.IntegerField(
        label="Number of students",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={"required": "Enter how many students need places"},
    )
    settings_wanted = forms.MultipleChoiceField(
        label="Settings wanted (optional)",
        choices=PracticeSetting.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label="Anything the academy should know (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Do not name students here: the academy matches them to places later.",
    )

    def __init__(self, *args: Any, partnerships: QuerySet[UniversityPartnership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]
        self.fields["partnership"].label_from_instance = lambda p: p.partner.name  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Send request"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", "The end date must be after the start date")
        return data


class OfferForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team", "invalid_choice": "Choose one of your teams"},
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=PracticeSetting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of setting"},
    )
    places = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=20,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
        error_messages={"required": "Enter how many places the team offers"},
    )
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, teams: QuerySet[Team], action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = lambda t: f"{t.organisation.name}: {t.name}"  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", "Offer places"))


class MatchStudentForm(forms.Form):
    """Whom to place: a GET form, so the proposals for a student can be bookmarked. The select
    lists at most `STUDENTS_LISTED` students waiting for this kind of placement; a search
    narrows it (a university may have thousands)."""

    q = forms.CharField(label="Search students by name or email", required=False, max_length=100)
    student = forms.ModelChoiceField(
        label="Student",
        queryset=User.objects.none(),
        empty_label="Choose a student",
        error_messages={"required": "Choose the student", "invalid_choice": "Choose a student from the list"},
    )
    first_setting = forms.ChoiceField(
        label="Setting of their first placement (final placements)",
        required=False,
        choices=[("", "Not known or recorded here"), *PracticeSetting.choices],
        help_text="Used only when the portal does not hold the student's first placement.",
    )

    def __init__(self, *args: Any, students: QuerySet[User], listed: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["student"]
        field.queryset = students  # type: ignore[attr-defined]
        # Draw only the students listed (the queryset still checks the one chosen).
        field.widget.choices = [("", "Choose a student"), *((str(u.pk), u.display_name) for u in listed)]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("propose", "Show proposals", css_class="govuk-button--secondary"))


class ConfirmPlacementForm(forms.Form):
    tutor = forms.ModelChoiceField(
        label="University tutor",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not named yet",
        error_messages={"invalid_choice": "Choose a tutor from the list"},
    )
    on_site_supervisor = forms.ModelChoiceField(
        label="On-site supervisor",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose the on-site supervisor",
        help_text="Needed because the practice educator works off site.",
        error_messages={"invalid_choice": "Choose someone from the list"},
    )

    def __init__(
        self,
        *args: Any,
        tutors: QuerySet[User],
        supervisors: QuerySet[User] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors  # type: ignore[attr-defined]
        self.fields["tutor"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
        if supervisors is None:
            del self.fields["on_site_supervisor"]
        else:
            field = self.fields["on_site_supervisor"]
            field.required = True
            field.error_messages["required"] = "Choose an on-site supervisor: the educator works off site"
            field.queryset = supervisors  # type: ignore[attr-defined]
            field.label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("confirm", "Confirm placement"))


class DayForm(forms.Form):
    day = _date("Day", "For example, 14 1 2027", required=True)
    kind = forms.ChoiceField(
        label="What kind of day",
        choices=DayKind.choices,
        widget=forms.RadioSelect,
        help_text="Skills days count towards the requirement only up to the cap.",
        error_messages={"required": "Choose the kind of day"},
    )
    note = forms.CharField(
        label="What you did (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not name people who use services.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].error_messages["required"] = "Enter the day"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Record day"))


class ExtensionForm(forms.Form):
    ends_on = _date("New end date", "For example, 9 7 2027", required=True)
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the extension"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].error_messages["required"] = "Enter the new end date"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Extend placement"))


class DocumentForm(forms.Form):
    """A learning agreement meeting, a midway review, a direct observation or the final report.
    The recommendation is asked only on the final report."""

    held_on = _date("Date", "For example, 14 3 2027", required=True)
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": "Enter a summary"},
    )
    learning_needs = forms.CharField(
        label="Learning needs (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the student should work on next. Do not name people who use services.",
    )
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your recommendation"},
    )

    SUMMARY_HINTS: ClassVar[dict[str, str]] = {
        DocumentKind.LEARNING_AGREEMENT: "What the student, educator, supervisor and tutor agreed: "
        "learning goals, support, supervision, and how the student will be assessed.",
        DocumentKind.MIDWAY_REVIEW: "Progress against the learning agreement so far, and any concerns.",
        DocumentKind.OBSERVATION: "What you observed, and your feedback to the student.",
        DocumentKind.FINAL_REPORT: "Your assessment of the student's practice across the placement.",
    }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = "Enter the date"
        self.fields["summary"].help_text = self.SUMMARY_HINTS[DocumentKind(kind)]
        if kind != DocumentKind.FINAL_REPORT:
            del self.fields["recommendation"]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Save"))


class FiguresForm(forms.Form):
    """The academic year the figures cover (a GET form)."""

    year = forms.TypedChoiceField(label="Academic year", coerce=int, required=False)

    def __init__(self, *args: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(this_year + 1, this_year - 5, -1)
        self.fields["year"].choices = [(y, f"September {y} to August {y + 1}") for y in years]  # type: ignore[attr-defined]
        self.fields["year"].initial = this_year
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("show", "Show figures", css_class="govuk-button--secondary"))
