"""Writes for cohorts: creating one, importing its people from a file, and assigning assessors and
line managers to many records at once.

The import has two steps with the same rules, as the CPD import does (cpd/transfer/):
`cohort_import_check` works out, row by row, what each row would do or what is wrong with it,
and writes nothing; `cohort_import` checks again (the portal may have changed since the preview)
and, only when every row is clean, does it all in one transaction. A row whose person is already
in the cohort with the same assessor and manager does nothing, so importing the same file again
changes nothing.

What a row does (`RowAction`):
- INVITE: nobody has an account with that email. The person is invited to be an NQSW of the
  cohort's organisation (the core's `invitation_create`; the email leaves through the outbox once
  the transaction commits) and kept as a cohort entry. Their record starts once they have joined.
- START: the person is an NQSW of the organisation with no record under way: the record starts
  (`asye.services.record_create`, the same checks as the form) in the cohort.
- JOIN: the person's record is already under way, in no cohort: it joins this one.
- CHANGE: the person is in this cohort already, with another assessor or line manager: they
  change (`asye.services.record_change_assessor`, so the assessor history keeps the reason).
- SAME: nothing to do.

The checks load everything in a fixed number of queries (`selectors.import_context`): 1,000 rows
are checked in well under a second."""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from academy.audit import audit_log
from academy.models import Invitation, Membership, Organisation, Team, User
from academy.roles import Role
from academy.services import Invitee, invitations_create_many

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


def _require_staff(actor: User, organisation: Organisation) -> None:
    record_services._require_staff_over(actor, organisation)


# --- Cohorts ------------------------------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    start_month: datetime.date,
    service_area: str,
    lead_psw: Membership | None = None,
) -> Cohort:
    _require_staff(actor, organisation)
    if organisation.kind != Organisation.Kind.COUNCIL:
        raise ValidationError({"organisation": "Choose the council that employs the NQSWs."})
    if lead_psw is not None:
        allowed = {organisation.pk, organisation.parent_id} - {None}
        if lead_psw.role != Role.PSW or lead_psw.organisation_id not in allowed:
            raise ValidationError(
                {"lead_psw": f"Choose a principal social worker of {organisation.name} or its partnership."}
            )
    cohort = Cohort(
        organisation=organisation,
        name=_SPACES.sub(" ", name).strip(),
        start_month=start_month.replace(day=1),
        service_area=service_area,
        lead_psw=lead_psw,
        created_by=actor,
    )
    if Cohort.objects.filter(organisation=organisation, name__iexact=cohort.name).exists():
        raise ValidationError({"name": f"{organisation.name} already has a cohort with this name."})
    cohort.full_clean()
    cohort.save()
    audit_log(
        actor=actor,
        verb="asye_cohort.create",
        obj=cohort,
        organisation=organisation,
        after={
            "name": cohort.name,
            "start_month": cohort.start_month.isoformat(),
            "service_area": service_area,
            "lead_psw": str(lead_psw.pk) if lead_psw else None,
        },
    )
    return cohort


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
                elsewhere = [m for m in facts.memberships if m.organisation_id != organisation.pk]
                here = [m for m in facts.memberships if m.organisation_id == organisation.pk]
                if elsewhere and not here:
                    message = (
                        "This email belongs to someone in another organisation. Check the address; if they "
                        "are moving to you, ask an academy admin to move their account."
                    )
                elif here:
                    roles = ", ".join(sorted({m.get_role_display().lower() for m in here}))
                    message = (
                        f"This person already works here as {roles}. Give them the newly qualified social "
                        "worker role in People first, then import the file again."
                    )
                else:
                    message = "This email belongs to an account whose access has ended. Ask an academy admin."
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
    _require_staff(actor, cohort.organisation)
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


# --- Import: the write ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    invited: int
    started: int
    joined: int
    changed: int
    same: int


@dataclass(frozen=True)
class _Values:
    """A clean row's values, every one of them there."""

    start_date: datetime.date
    fte: Decimal
    programme_type: ProgrammeType
    assessor: Membership
    line_manager: Membership


def _values(plan: RowPlan) -> _Values:
    """A row without problems has every value; a row with one is never written."""
    if (
        plan.start_date is None
        or plan.fte is None
        or plan.programme_type is None
        or plan.assessor is None
        or plan.line_manager is None
    ):
        raise ValueError(f"Row {plan.number} has a problem and cannot be written.")
    return _Values(plan.start_date, plan.fte, plan.programme_type, plan.assessor, plan.line_manager)


def _entry_for(
    plan: RowPlan, cohort: Cohort, actor: User, *, record: AsyeRecord | None = None
) -> CohortEntry:
    values = _values(plan)
    return CohortEntry(
        cohort=cohort,
        email=plan.email,
        full_name=plan.full_name,
        start_date=values.start_date,
        fte=values.fte,
        team=plan.team,
        programme_type=values.programme_type,
        date_qualified=plan.date_qualified,
        swe_number=plan.swe_number,
        assessor=values.assessor,
        line_manager=values.line_manager,
        record=record,
        imported_by=actor,
    )


def _start_record(plan: RowPlan, cohort: Cohort, actor: User) -> AsyeRecord:
    values = _values(plan)
    if plan.nqsw is None:
        raise ValueError("Only a row whose person is an NQSW here starts a record.")
    record = record_services.record_create(
        actor=actor,
        nqsw=plan.nqsw,
        programme_type=values.programme_type,
        start_date=values.start_date,
        fte=values.fte,
        swe_number=plan.swe_number,
        assessor=values.assessor,
        line_manager=values.line_manager,
        team=plan.team,
        date_qualified=plan.date_qualified,
    )
    AsyeRecord.objects.filter(pk=record.pk).update(cohort=cohort)
    record.cohort = cohort
    return record


def _apply_assignment(row: RowPlan, record: AsyeRecord, *, actor: User, reason: str) -> None:
    """Give `record` the row's assessor and line manager where they differ."""
    if row.assessor is not None and row.assessor.pk != record.assessor_id:
        record_services.record_change_assessor(
            actor=actor, record=record, assessor=row.assessor, reason=reason
        )
    if row.line_manager is not None and row.line_manager.pk != record.line_manager_id:
        record_change_line_manager(actor=actor, record=record, line_manager=row.line_manager, reason=reason)


_RELATED = [
    "cohort",
    "record",
    "invitation",
    "team",
    "programme_type",
    "assessor",
    "line_manager",
    "imported_by",
]


@transaction.atomic
def cohort_import(*, actor: User, cohort: Cohort, rows: Sequence[RawRow], file_name: str) -> ImportResult:
    """Do what the preview said, for every row, or nothing at all (ValidationError) when a row
    has a problem now. Invitations are queued in the outbox in this transaction: they are sent
    once it commits, and never for an import that rolled back."""
    # One import of a cohort at a time: two people confirming at once cannot both invite.
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    plan = cohort_import_check(actor=actor, cohort=cohort, rows=rows)
    if not plan.is_clean:
        count = len({number for number, _ in plan.errors})
        raise ValidationError(
            f"{count} {'row has' if count == 1 else 'rows have'} a problem to put right; "
            "nothing was imported.",
            code="rows_invalid",
        )
    reason = f"Cohort import of “{file_name}”."
    new_entries: list[CohortEntry] = []
    for row in plan.rows:
        entry = row.entry
        if row.action == RowAction.INVITE:
            entry = _entry_for(row, cohort, actor)
            entry.invitation = row.invitation
            new_entries.append(entry)
        elif row.action == RowAction.START:
            record = _start_record(row, cohort, actor)
            if entry is None:
                new_entries.append(_entry_for(row, cohort, actor, record=record))
            else:
                CohortEntry.objects.filter(pk=entry.pk).update(record=record)
        elif row.action in (RowAction.JOIN, RowAction.CHANGE):
            if row.record is not None:
                if row.action == RowAction.JOIN:
                    AsyeRecord.objects.filter(pk=row.record.pk).update(cohort=cohort)
                _apply_assignment(row, row.record, actor=actor, reason=reason)
            if entry is not None:
                CohortEntry.objects.filter(pk=entry.pk).update(
                    assessor=row.assessor, line_manager=row.line_manager
                )
            elif row.record is not None:
                new_entries.append(_entry_for(row, cohort, actor, record=row.record))
    to_invite = [entry for entry in new_entries if entry.record is None and entry.invitation is None]
    invited = invitations_create_many(
        actor=actor,
        organisation=cohort.organisation,
        role=Role.NQSW,
        invitees=[Invitee(email=e.email, full_name=e.full_name, team=e.team) for e in to_invite],
    )
    for entry in to_invite:
        entry.invitation = invited[entry.email]
    for entry in new_entries:
        # The related rows come from the check's own queries: validating them again would cost
        # a query each; the database's foreign keys and unique constraint still hold.
        entry.full_clean(exclude=_RELATED, validate_unique=False, validate_constraints=False)
    CohortEntry.objects.bulk_create(new_entries)
    result = ImportResult(
        invited=plan.count(RowAction.INVITE),
        started=plan.count(RowAction.START),
        joined=plan.count(RowAction.JOIN),
        changed=plan.count(RowAction.CHANGE),
        same=plan.count(RowAction.SAME),
    )
    if plan.changes_anything:
        audit_log(
            actor=actor,
            verb="asye_cohort.import",
            obj=cohort,
            organisation=cohort.organisation,
            after={"file": file_name, **asdict(result)},
        )
    return result


# --- Assignments ------------------------------------------------------------------------------------


@transaction.atomic
def record_change_line_manager(
    *, actor: User, record: AsyeRecord, line_manager: Membership, reason: str
) -> AsyeRecord:
    """Give the record a new line manager; who, when and why go to the audit log."""
    _require_staff(actor, record.organisation)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the line manager is changing."})
    record_services._check_assignee(
        line_manager,
        role=Role.LINE_MANAGER,
        organisation=record.organisation,
        field="line_manager",
        what="a line manager",
    )
    locked = AsyeRecord.objects.select_for_update().get(pk=record.pk)
    if locked.is_locked:
        raise ValidationError("This record's year has ended: it cannot change.")
    previous = locked.line_manager_id
    if previous == line_manager.pk:
        return record
    locked.line_manager = line_manager
    locked.save(update_fields=["line_manager", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_record.change_line_manager",
        obj=locked,
        organisation=record.organisation,
        before={"line_manager": str(previous)},
        after={"line_manager": str(line_manager.pk), "reason": reason},
    )
    record.line_manager = line_manager
    return record


@dataclass(frozen=True)
class AssignResult:
    assessors_changed: int
    managers_changed: int


@transaction.atomic
def cohort_records_assign(
    *,
    actor: User,
    records: Iterable[AsyeRecord],
    reason: str,
    assessor: Membership | None = None,
    line_manager: Membership | None = None,
) -> AssignResult:
    """Give each of `records` the assessor and/or line manager chosen, keeping the reason: the
    assessor through the record's assessor history (`record_change_assessor`), the manager in the
    audit log. Records that already have them are left alone; nothing changes if one fails."""
    if assessor is None and line_manager is None:
        raise ValidationError("Choose an assessor, a line manager or both.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why they are changing."})
    assessors = managers = 0
    for record in records:
        if record.is_locked:
            raise ValidationError(f"{record.nqsw.user.display_name}'s year has ended: leave them out.")
        if assessor is not None and record.assessor_id != assessor.pk:
            record_services.record_change_assessor(
                actor=actor, record=record, assessor=assessor, reason=reason
            )
            assessors += 1
        if line_manager is not None and record.line_manager_id != line_manager.pk:
            record_change_line_manager(actor=actor, record=record, line_manager=line_manager, reason=reason)
            managers += 1
    return AssignResult(assessors_changed=assessors, managers_changed=managers)
