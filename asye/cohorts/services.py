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
  cohort's organisation (the core's `invitations_create_many`, for the whole file at once; the
  emails leave through the outbox once the transaction commits) and kept as a cohort entry.
  Their record starts once they have joined (ADR 0016).
- START: the person is an NQSW of the organisation with no record under way: the record starts
  (`asye.services.record_create`, the same checks as the form) in the cohort.
- JOIN: the person's record is already under way, in no cohort: it joins this one.
- CHANGE: the person is in this cohort already, with another assessor or line manager: they
  change (`asye.services.record_change_assessor`, so the assessor history keeps the reason).
- SAME: nothing to do.

The check itself is in checks.py."""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from academy.audit import audit_log
from academy.models import Membership, Organisation, User
from academy.roles import Role
from academy.services import Invitee, invitations_create_many

from .. import services as record_services
from ..lock import RecordLocked, ensure_record_writable, is_frozen
from ..models import AsyeRecord, ProgrammeType
from . import selectors
from .checks import ImportPlan, RowAction, RowError, RowPlan, cohort_import_check
from .models import Cohort, CohortEntry
from .reading import RawRow

_SPACES = re.compile(r"\s+")

__all__ = [
    "ImportPlan",
    "ImportResult",
    "RowAction",
    "RowError",
    "RowPlan",
    "cohort_create",
    "cohort_import",
    "cohort_import_check",
    "cohort_records_assign",
    "cohort_records_start",
    "record_change_line_manager",
]


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
    ensure_record_writable(locked)
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
        if is_frozen(record.status):
            raise RecordLocked(
                f"{record.nqsw.user.display_name}'s record is locked (the year has ended, or the portfolio "
                "is with the moderation panel): leave them out."
            )
        if assessor is not None and record.assessor_id != assessor.pk:
            record_services.record_change_assessor(
                actor=actor, record=record, assessor=assessor, reason=reason
            )
            assessors += 1
        if line_manager is not None and record.line_manager_id != line_manager.pk:
            record_change_line_manager(actor=actor, record=record, line_manager=line_manager, reason=reason)
            managers += 1
    return AssignResult(assessors_changed=assessors, managers_changed=managers)


# --- Records of people who have joined ---------------------------------------------------------------


@transaction.atomic
def cohort_records_start(*, actor: User, cohort: Cohort) -> int:
    """Start the records of the cohort's invited people who have joined since (they hold the NQSW
    role in the organisation now), from what the import kept; the same as importing the file
    again. Returns how many started."""
    _require_staff(actor, cohort.organisation)
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    waiting = list(
        CohortEntry.objects.filter(cohort=cohort, record__isnull=True).select_related(
            "programme_type", "team", "assessor", "line_manager"
        )
    )
    joined = {
        membership.user.email.lower(): membership
        for membership in selectors.nqsw_memberships(
            organisation=cohort.organisation, emails=[entry.email for entry in waiting]
        )
    }
    started = 0
    for entry in waiting:
        nqsw = joined.get(entry.email)
        if nqsw is None:
            continue
        record = record_services.record_create(
            actor=actor,
            nqsw=nqsw,
            programme_type=entry.programme_type,
            start_date=entry.start_date,
            fte=entry.fte,
            swe_number=entry.swe_number,
            assessor=entry.assessor,
            line_manager=entry.line_manager,
            team=entry.team,
            date_qualified=entry.date_qualified,
        )
        AsyeRecord.objects.filter(pk=record.pk).update(cohort=cohort)
        CohortEntry.objects.filter(pk=entry.pk).update(record=record)
        started += 1
    return started
