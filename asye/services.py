"""Writes to ASYE records and programme versions. Each checks who may act, validates, saves and
audits in one transaction (CONTRIBUTING.md, "Writes: services")."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import FrameworkVersion, Membership, Organisation, Team, User
from academy.reference_data import require_reference_data_publisher
from academy.roles import STAFF_ROLES, Role
from academy.selectors import roles_held_over

from . import selectors
from .lock import ensure_record_writable
from .models import AssessorChange, AsyeRecord, ProgrammeType, ProgrammeTypeVersion, RecordPause, RecordStatus
from .programme_rules import validate_version_data

PROGRAMME_VERSION_PUBLISH = "programme_version.publish"
# A record may be paused while its year is under way (asye/final/ decided).
PAUSABLE = (RecordStatus.ACTIVE, RecordStatus.PAUSED, RecordStatus.EXTENDED)


def _require_staff_over(actor: User, organisation: Organisation) -> None:
    """A PSW or academy admin of the organisation, or of the partnership above it."""
    if not roles_held_over(user=actor, organisation=organisation) & STAFF_ROLES:
        raise PermissionDenied("Only the principal social worker or academy staff can do this.")


def _membership_is_current(membership: Membership) -> bool:
    today = timezone.localdate()
    return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)


def _check_assignee(
    membership: Membership, *, role: str, organisation: Organisation, field: str, what: str
) -> None:
    """`membership` holds `role` in the record's organisation or its partnership, and is current."""
    allowed = {organisation.pk, organisation.parent_id} - {None}
    if membership.role != role or membership.organisation_id not in allowed:
        raise ValidationError(
            {field: f"Choose someone who is {what} in {organisation.name} or its partnership."}
        )
    if not _membership_is_current(membership):
        raise ValidationError({field: f"This person's {what} role has ended. Choose someone else."})


def _record_values(record: AsyeRecord) -> dict[str, Any]:
    return {
        "nqsw": str(record.nqsw_id),
        "programme_version": record.programme_version_id,
        "team": record.team_id,
        "start_date": record.start_date.isoformat(),
        "fte": str(record.fte),
        "date_qualified": record.date_qualified.isoformat() if record.date_qualified else None,
        "university": record.university,
        "swe_number": record.swe_number,
        "assessor": str(record.assessor_id),
        "line_manager": str(record.line_manager_id),
        "status": record.status,
    }


@transaction.atomic
def record_create(
    *,
    actor: User,
    nqsw: Membership,
    programme_type: ProgrammeType,
    start_date: datetime.date,
    fte: Decimal,
    swe_number: str,
    assessor: Membership,
    line_manager: Membership,
    team: Team | None = None,
    date_qualified: datetime.date | None = None,
    university: str = "",
) -> AsyeRecord:
    """Start an NQSW's record on the programme version in force on `start_date`."""
    organisation = nqsw.organisation
    _require_staff_over(actor, organisation)
    if nqsw.role != Role.NQSW or not _membership_is_current(nqsw):
        raise ValidationError({"nqsw": "Choose someone who is currently a newly qualified social worker."})
    _check_assignee(
        assessor, role=Role.ASSESSOR, organisation=organisation, field="assessor", what="an assessor"
    )
    _check_assignee(
        line_manager,
        role=Role.LINE_MANAGER,
        organisation=organisation,
        field="line_manager",
        what="a line manager",
    )
    if team is not None:
        if team.organisation_id != organisation.pk:
            raise ValidationError({"team": f"Choose a team in {organisation.name}."})
        if team.service_area not in {programme_type.service_area, Team.ServiceArea.OTHER}:
            raise ValidationError(
                {"team": f"This team is in {team.get_service_area_display().lower()}; the programme is not."}
            )
    if date_qualified is not None and date_qualified > start_date:
        raise ValidationError({"date_qualified": "The date qualified must be on or before the start date."})
    version = selectors.programme_version_in_force(programme_type=programme_type, on=start_date)
    if version is None:
        raise ValidationError(
            {
                "start_date": f"{programme_type.name} has no version in force on that date. "
                "Check the start date."
            }
        )
    record = AsyeRecord(
        nqsw=nqsw,
        organisation=organisation,
        team=team,
        service_area=programme_type.service_area,
        programme_version=version,
        start_date=start_date,
        fte=Decimal(fte).quantize(Decimal("0.01")),
        date_qualified=date_qualified,
        university=university.strip(),
        swe_number=swe_number.strip().upper().replace(" ", ""),
        assessor=assessor,
        line_manager=line_manager,
        created_by=actor,
    )
    record.full_clean()
    record.save()
    AssessorChange.objects.create(
        record=record,
        from_assessor=None,
        to_assessor=assessor,
        changed_by=actor,
        reason="Assigned when the record was set up.",
    )
    audit_log(
        actor=actor,
        verb="asye_record.create",
        obj=record,
        organisation=organisation,
        after=_record_values(record),
    )
    transaction.on_commit(lambda: cache.delete(selectors.has_record_cache_key(nqsw.user_id)))
    return record


@transaction.atomic
def record_change_assessor(
    *, actor: User, record: AsyeRecord, assessor: Membership, reason: str
) -> AsyeRecord:
    """Give the record a new assessor, keeping who changed it, when and why."""
    _require_staff_over(actor, record.organisation)
    ensure_record_writable(record)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the assessor is changing."})
    _check_assignee(
        assessor, role=Role.ASSESSOR, organisation=record.organisation, field="assessor", what="an assessor"
    )
    locked = AsyeRecord.objects.select_for_update().get(pk=record.pk)
    if locked.assessor_id == assessor.pk:
        raise ValidationError({"assessor": "This person is already the assessor. Choose someone else."})
    previous = locked.assessor_id
    locked.assessor = assessor
    locked.save(update_fields=["assessor", "updated_at"])
    AssessorChange.objects.create(
        record=locked, from_assessor_id=previous, to_assessor=assessor, changed_by=actor, reason=reason
    )
    audit_log(
        actor=actor,
        verb="asye_record.change_assessor",
        obj=locked,
        organisation=record.organisation,
        before={"assessor": str(previous)},
        after={"assessor": str(assessor.pk), "reason": reason},
    )
    record.assessor = assessor
    return record


def _overlaps(pauses: Iterable[RecordPause], starts_on: datetime.date, ends_on: datetime.date | None) -> bool:
    far = datetime.date.max
    return any(p.starts_on <= (ends_on or far) and starts_on <= (p.ends_on or far) for p in pauses)


@transaction.atomic
def record_pause_add(
    *,
    actor: User,
    record: AsyeRecord,
    starts_on: datetime.date,
    reason: str,
    ends_on: datetime.date | None = None,
) -> RecordPause:
    """Record a period the programme stood still (`ends_on` empty: still paused). The planned
    end and later reviews move by its length (asye/dates.py). An open pause makes the record
    PAUSED until `record_pause_end` (asye/final/ decided: a pause is a state of its own)."""
    _require_staff_over(actor, record.organisation)
    ensure_record_writable(record)
    current = (
        AsyeRecord.objects.select_for_update().filter(pk=record.pk).values_list("status", flat=True).first()
    )
    if current not in PAUSABLE:
        raise ValidationError(
            f"This ASYE record is {RecordStatus(str(current)).label.lower()}: it cannot be paused."
        )
    if starts_on < record.start_date:
        raise ValidationError({"starts_on": "A pause cannot start before the programme did."})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end of the pause must be on or after its start."})
    if _overlaps(RecordPause.objects.filter(record=record), starts_on, ends_on):
        raise ValidationError({"starts_on": "This overlaps a pause already recorded."})
    pause = RecordPause(
        record=record, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), recorded_by=actor
    )
    pause.full_clean()
    pause.save()
    status = RecordStatus.PAUSED if ends_on is None else current
    if status != current:
        AsyeRecord.objects.filter(pk=record.pk).update(status=status, updated_at=timezone.now())
        record.status = status
    audit_log(
        actor=actor,
        verb="asye_record.pause",
        obj=record,
        organisation=record.organisation,
        before={"status": current},
        after={
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "reason": pause.reason,
            "status": status,
        },
    )
    return pause


@transaction.atomic
def record_pause_end(*, actor: User, pause: RecordPause, ends_on: datetime.date) -> RecordPause:
    """Close a pause that is still open."""
    record = pause.record
    _require_staff_over(actor, record.organisation)
    ensure_record_writable(record)
    locked = RecordPause.objects.select_for_update().get(pk=pause.pk)
    if locked.ends_on is not None:
        raise ValidationError({"ends_on": "This pause has ended already."})
    if ends_on < locked.starts_on:
        raise ValidationError({"ends_on": "The end of the pause must be on or after its start."})
    if _overlaps(RecordPause.objects.filter(record=record).exclude(pk=locked.pk), locked.starts_on, ends_on):
        raise ValidationError({"ends_on": "This overlaps another pause."})
    locked.ends_on = ends_on
    locked.full_clean()
    locked.save(update_fields=["ends_on", "updated_at"])
    # Status and extensions as stored now, under the record's lock (the page's copy may be older).
    current, shifts = (
        AsyeRecord.objects.select_for_update().values_list("status", "extension_shifts").get(pk=record.pk)
    )
    status = current
    if current == RecordStatus.PAUSED:
        status = RecordStatus.EXTENDED if shifts else RecordStatus.ACTIVE
        AsyeRecord.objects.filter(pk=record.pk).update(status=status, updated_at=timezone.now())
        record.status = status
    audit_log(
        actor=actor,
        verb="asye_record.pause_end",
        obj=record,
        organisation=record.organisation,
        before={"status": current},
        after={"starts_on": locked.starts_on.isoformat(), "ends_on": ends_on.isoformat(), "status": status},
    )
    return locked


@transaction.atomic
def programme_version_publish(
    *,
    actor: User,
    programme_type: ProgrammeType,
    slug: str,
    label: str,
    in_force_from: datetime.date | None,
    length_months: int,
    review_points: Sequence[Mapping[str, Any]],
    evidence_minimums: Mapping[str, int],
    supervision_cadence: Sequence[Mapping[str, Any]],
    frameworks: Iterable[FrameworkVersion],
    notes: str = "",
    forms: Mapping[str, Any] | None = None,
    source_title: str = "",
    source_url: str = "",
) -> ProgrammeTypeVersion:
    """Publish a new version of a programme type. Records already started keep theirs; records
    starting on or after `in_force_from` follow this one. `forms` defaults to the newest
    version's prompts."""
    require_reference_data_publisher(actor)
    validate_version_data(
        length_months=length_months,
        review_points=review_points,
        evidence_minimums=evidence_minimums,
        supervision_cadence=supervision_cadence,
    )
    if ProgrammeTypeVersion.objects.filter(programme_type=programme_type, slug=slug).exists():
        raise ValidationError({"slug": "Another version of this programme already has this short name."})
    latest = selectors.programme_version_latest(programme_type=programme_type)
    previous_forms = latest.forms if latest is not None else {}
    if forms is None:
        forms = previous_forms
    reworded = sorted(key for key in forms if forms[key] != previous_forms.get(key))
    version = ProgrammeTypeVersion(
        programme_type=programme_type,
        slug=slug,
        label=label,
        in_force_from=in_force_from,
        length_months=length_months,
        review_points=list(review_points),
        evidence_minimums=dict(evidence_minimums),
        supervision_cadence=list(supervision_cadence),
        forms=dict(forms),
        notes=notes,
        source_title=source_title,
        source_url=source_url,
        published_by=actor,
    )
    version.full_clean()
    version.save()
    version.frameworks.set(list(frameworks))
    audit_log(
        actor=actor,
        verb=PROGRAMME_VERSION_PUBLISH,
        obj=version,
        organisation=None,  # shared by every organisation: every academy admin's log shows it
        after={
            "programme_type": programme_type.slug,
            "slug": slug,
            "label": label,
            "in_force_from": in_force_from.isoformat() if in_force_from else None,
            "length_months": length_months,
            "review_points": list(review_points),
            "evidence_minimums": dict(evidence_minimums),
            "supervision_cadence": list(supervision_cadence),
            "forms_reworded": reworded,
        },
    )
    return version
