"""The cohort import's check: what each row of a file would do, or what is wrong with it. Writes
nothing; `services.cohort_import` runs it again before writing (see services.py for what each
`RowAction` does).

Everything a row is checked against is loaded in a fixed number of queries
(`selectors.import_context`): 1,000 rows are checked in well under a second, 10,000 in a few."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from academy.models import Invitation, Membership, Team, User
from academy.roles import Role

from .. import services as record_services
from ..models import AsyeRecord, ProgrammeType, ProgrammeTypeVersion, swe_number_validator
from . import selectors
from .models import Cohort, CohortEntry
from .reading import COLUMNS, RawRow

HEADING = {column.key: column.heading for column in COLUMNS}
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
_SPACES = re.compile(r"\s+")
# A cell starting like this is run as a formula by a spreadsheet that opens it later.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_SERVICE_AREAS: dict[str, str] = {}
for _value, _label in Team.ServiceArea.choices:
    _SERVICE_AREAS[_value] = _value
    _SERVICE_AREAS[str(_label).casefold()] = _value
_SERVICE_AREAS.update({"adults": Team.ServiceArea.ADULTS, "adult": Team.ServiceArea.ADULTS})
_SERVICE_AREAS.update(
    {
        "children": Team.ServiceArea.CHILDREN_FAMILIES,
        "child and family": Team.ServiceArea.CHILDREN_FAMILIES,
        "children's services": Team.ServiceArea.CHILDREN_FAMILIES,
    }
)


# --- Import: the check ----------------------------------------------------------------------------


class RowAction(StrEnum):
    INVITE = "invite"
    START = "start"
    JOIN = "join"
    CHANGE = "change"
    SAME = "same"


@dataclass(frozen=True)
class RowError:
    column: str
    message: str


@dataclass
class RowPlan:
    number: int
    full_name: str
    email: str
    action: RowAction | None = None
    errors: list[RowError] = field(default_factory=list)
    # The values the row stands for, once every one of them is right.
    start_date: datetime.date | None = None
    fte: Decimal | None = None
    team: Team | None = None
    programme_type: ProgrammeType | None = None
    date_qualified: datetime.date | None = None
    swe_number: str = ""
    assessor: Membership | None = None
    line_manager: Membership | None = None
    # What is there already.
    nqsw: Membership | None = None
    entry: CohortEntry | None = None
    record: AsyeRecord | None = None
    invitation: Invitation | None = None
    changes: list[str] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(HEADING[key], message))


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    @property
    def errors(self) -> list[tuple[int, RowError]]:
        return [(row.number, error) for row in self.rows for error in row.errors]

    @property
    def is_clean(self) -> bool:
        return not self.errors

    def count(self, action: RowAction) -> int:
        return sum(1 for row in self.rows if not row.errors and row.action == action)

    @property
    def changes_anything(self) -> bool:
        return any(row.action != RowAction.SAME for row in self.rows)


def _parse_date(text: str) -> datetime.date | None:
    cleaned = _SPACES.sub(" ", text.strip())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a date, no time or zone)
        except ValueError:
            continue
    return None


def _version_in_force(programme_type: ProgrammeType, on: datetime.date) -> ProgrammeTypeVersion | None:
    """As `asye.selectors.programme_version_in_force`, from the prefetched versions."""
    versions = list(programme_type.versions.all())
    dated = [v for v in versions if v.in_force_from is not None and v.in_force_from <= on]
    if dated:
        return max(dated, key=lambda v: (v.in_force_from, v.created_at))
    undated = [v for v in versions if v.in_force_from is None]
    return max(undated, key=lambda v: v.created_at) if undated else None


class _Row:
    """Checks one row's cells, gathering every problem rather than stopping at the first."""

    def __init__(self, raw: RawRow, cohort: Cohort, context: selectors.ImportContext) -> None:
        self.values = raw.values
        self.cohort = cohort
        self.context = context
        self.plan = RowPlan(
            number=raw.number, full_name=raw.values["full_name"], email=raw.values["email"].strip().lower()
        )

    def text(self, key: str, *, limit: int = 200) -> str:
        value = _SPACES.sub(" ", self.values[key]).strip()
        if _FORMULA_START.match(value):
            self.plan.error(
                key,
                f"“{value[:40]}” starts with {value[0]!r}, which a spreadsheet would run as a formula. "
                "Remove it.",
            )
            return ""
        if len(value) > limit:
            self.plan.error(key, f"Shorten this to {limit} characters or fewer.")
            return ""
        return value

    def date(self, key: str, *, required: bool) -> datetime.date | None:
        value = self.values[key].strip()
        if not value:
            if required:
                self.plan.error(key, "Enter the date, for example 01/09/2026.")
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.plan.error(
                key, f"“{value[:40]}” is not a date. Write it as day/month/year, like 01/09/2026."
            )
        return parsed

    def fte(self) -> Decimal | None:
        value = self.values["fte"].strip()
        try:
            fte = Decimal(value or "NaN")
        except InvalidOperation:
            fte = Decimal("NaN")
        if not fte.is_finite() or not Decimal(0) < fte <= Decimal(1):
            self.plan.error(
                "fte", f"“{value[:20]}” is not an FTE. Write a number above 0 and up to 1, like 0.8."
            )
            return None
        return fte.quantize(Decimal("0.01"))

    def person(self, key: str, found: dict[str, Membership], what: str) -> Membership | None:
        value = self.values[key].strip().lower()
        if not value:
            self.plan.error(key, f"Enter the {what}'s email address.")
            return None
        membership = found.get(value)
        if membership is None:
            self.plan.error(
                key,
                f"Nobody with the email “{value[:80]}” is a current {what} in "
                f"{self.cohort.organisation.name} "
                "or its partnership. Check the address, or give them the role in People first.",
            )
        return membership

    def check(self) -> RowPlan:
        plan = self.plan
        plan.full_name = self.text("full_name")
        if not plan.full_name and not plan.errors:
            plan.error("full_name", "Enter the person's name.")
        if not plan.email:
            plan.error("email", "Enter the person's email address.")
        else:
            try:
                validate_email(plan.email)
            except ValidationError:
                plan.error("email", f"“{plan.email[:80]}” is not an email address.")
        plan.start_date = self.date("start_date", required=True)
        plan.date_qualified = self.date("date_qualified", required=False)
        if plan.start_date and plan.date_qualified and plan.date_qualified > plan.start_date:
            plan.error("date_qualified", "The date qualified must be on or before the start date.")
        plan.fte = self.fte()
        area_text = self.values["service_area"].strip()
        area = _SERVICE_AREAS.get(_SPACES.sub(" ", area_text).casefold())
        if area is None:
            plan.error(
                "service_area",
                f"“{area_text[:40]}” is not a service area. Write Adult services or Children and families.",
            )
        elif self.cohort.service_area != Team.ServiceArea.OTHER and area != self.cohort.service_area:
            plan.error(
                "service_area",
                f"This cohort is for {self.cohort.get_service_area_display().lower()}. "
                "Put this person in a cohort of their own service area.",
            )
        type_text = _SPACES.sub(" ", self.values["programme_type"]).strip().casefold()
        plan.programme_type = next(
            (t for t in self.context.programme_types if type_text in {t.slug, t.name.casefold()}), None
        )
        if plan.programme_type is None:
            names = ", ".join(f"“{t.name}”" for t in self.context.programme_types)
            plan.error("programme_type", f"“{type_text[:40]}” is not a programme type. Use one of {names}.")
        else:
            if area is not None and plan.programme_type.service_area != area:
                plan.error(
                    "programme_type", f"{plan.programme_type.name} is not a programme for this service area."
                )
            if plan.start_date and _version_in_force(plan.programme_type, plan.start_date) is None:
                plan.error("start_date", f"{plan.programme_type.name} has no version in force on that date.")
        team_text = self.text("team")
        if team_text:
            plan.team = self.context.teams.get(team_text.casefold())
            if plan.team is None:
                plan.error("team", f"{self.cohort.organisation.name} has no team called “{team_text}”.")
            elif area is not None and plan.team.service_area not in {area, Team.ServiceArea.OTHER}:
                plan.error("team", f"{plan.team.name} is in {plan.team.get_service_area_display().lower()}.")
        swe = self.values["swe_number"].strip().upper().replace(" ", "")
        try:
            swe_number_validator(swe)
        except ValidationError:
            plan.error(
                "swe_number", f"“{swe[:20]}” is not a Social Work England number: SW followed by digits."
            )
        plan.swe_number = swe
        plan.assessor = self.person("assessor_email", self.context.assessors, "assessor")
        plan.line_manager = self.person("manager_email", self.context.line_managers, "line manager")
        if plan.email and not plan.errors:
            self.decide()
        return plan

    def decide(self) -> None:
        """What the row does, from what the portal holds for its email."""
        plan, context, organisation = self.plan, self.context, self.cohort.organisation
        entry = context.entries.get(plan.email)
        if entry is not None and entry.cohort_id != self.cohort.pk:
            plan.error("email", f"This person is already in the cohort “{entry.cohort.name}”.")
            return
        facts = context.people.get(plan.email)
        record = context.records.get(plan.email)
        if facts is not None:
            plan.nqsw = next(
                (
                    m
                    for m in facts.memberships
                    if m.role == Role.NQSW and m.organisation_id == organisation.pk
                ),
                None,
            )
            if plan.nqsw is None:
                here = [m for m in facts.memberships if m.organisation_id == organisation.pk]
                if here:
                    roles = ", ".join(sorted({m.get_role_display().lower() for m in here}))
                    message = (
                        f"This person already works here as {roles}. Give them the newly qualified social "
                        "worker role in People first, then import the file again."
                    )
                else:
                    # The same words whether the account is in another organisation or has ended:
                    # an import must not tell one council who has an account elsewhere.
                    message = (
                        "This email already has an account that this import cannot add. Check the "
                        "address; if it is right, ask an academy admin."
                    )
                plan.error("email", message)
                return
        if record is not None and record.cohort is not None and record.cohort_id != self.cohort.pk:
            plan.error("email", f"This person's ASYE record is in the cohort “{record.cohort.name}”.")
            return
        plan.entry, plan.record = entry, record
        if record is None and plan.nqsw is None:
            plan.action = (
                RowAction.INVITE if entry is None else self.changed(entry.assessor_id, entry.line_manager_id)
            )
            plan.invitation = context.invitations.get(plan.email)
            return
        if record is None:
            plan.action = RowAction.START
            return
        if record.cohort_id is None:
            plan.action = RowAction.JOIN
            self.changed(record.assessor_id, record.line_manager_id)
            return
        plan.action = self.changed(record.assessor_id, record.line_manager_id)

    def changed(self, assessor_id: object, manager_id: object) -> RowAction:
        plan = self.plan
        if plan.assessor is not None and plan.assessor.pk != assessor_id:
            plan.changes.append(f"Assessor becomes {plan.assessor.user.display_name}.")
        if plan.line_manager is not None and plan.line_manager.pk != manager_id:
            plan.changes.append(f"Line manager becomes {plan.line_manager.user.display_name}.")
        return RowAction.CHANGE if plan.changes else RowAction.SAME


def cohort_import_check(*, actor: User, cohort: Cohort, rows: Sequence[RawRow]) -> ImportPlan:
    """What importing `rows` into `cohort` would do, row by row. Writes nothing. A fixed number of
    queries whatever the number of rows (`selectors.import_context`)."""
    record_services._require_staff_over(actor, cohort.organisation)
    context = selectors.import_context(cohort=cohort, emails=[row.values["email"] for row in rows])
    seen: dict[str, int] = {}
    plans = []
    for raw in rows:
        plan = _Row(raw, cohort, context).check()
        if plan.email:
            earlier = seen.get(plan.email)
            if earlier is not None:
                plan.errors.append(
                    RowError(
                        HEADING["email"], f"Row {earlier} has the same email. Each person once: remove one."
                    )
                )
                plan.action = None
            seen.setdefault(plan.email, plan.number)
        plans.append(plan)
    return ImportPlan(rows=plans)
