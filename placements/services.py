"""Writes of the placements app: typed, keyword-only, `full_clean()` before `save()`, and the
audit entry in the same transaction. Callers have already passed the access selector; services
check the rules that hold whoever calls them."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Membership, Organisation, Team, User

from . import rules, selectors, signatures
from .models import (
    DayKind,
    DocumentKind,
    EducatorRole,
    EducatorStage,
    Placement,
    PlacementDay,
    PlacementDocument,
    PlacementExtension,
    PlacementOffer,
    PlacementRequest,
    PlacementSignature,
    PracticeEducator,
    UniversityPartnership,
)

EDUCATOR_FIELDS = (
    "stage",
    "qualified_on",
    "last_student_on",
    "last_update_on",
    "capacity_per_year",
    "settings_offered",
    "role",
    "unavailable_from",
    "unavailable_until",
    "notes",
)


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Organisation | Team | User):
        return str(value.pk)
    return value


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _json(getattr(obj, name)) for name in fields}


def _check_team(team: Team | None, organisation: Organisation) -> None:
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Choose a team in the educator's organisation"})


@transaction.atomic
def educator_register(
    *,
    actor: User,
    membership: Membership,
    stage: str,
    qualified_on: datetime.date | None = None,
    last_student_on: datetime.date | None = None,
    last_update_on: datetime.date | None = None,
    capacity_per_year: int = 1,
    settings_offered: list[str] | None = None,
    role: str = "on_site",
    team: Team | None = None,
    unavailable_from: datetime.date | None = None,
    unavailable_until: datetime.date | None = None,
    notes: str = "",
) -> PracticeEducator:
    """Add the person holding `membership` to the register of its organisation."""
    organisation = membership.organisation
    if organisation.kind == Organisation.Kind.UNIVERSITY:
        raise ValidationError({"membership": "Practice educators work in a council or an employer"})
    if PracticeEducator.objects.filter(organisation=organisation, user=membership.user).exists():
        raise ValidationError({"membership": "This person is already on the register"})
    team = team or membership.team
    _check_team(team, organisation)
    entry = PracticeEducator(
        organisation=organisation,
        user=membership.user,
        team=team,
        stage=stage,
        qualified_on=None if stage == EducatorStage.TRAINEE else qualified_on,
        last_student_on=last_student_on,
        last_update_on=last_update_on,
        capacity_per_year=capacity_per_year,
        settings_offered=list(settings_offered or []),
        role=role,
        unavailable_from=unavailable_from,
        unavailable_until=unavailable_until,
        notes=notes,
    )
    entry.full_clean()
    entry.save()
    audit_log(
        actor=actor,
        verb="placements.educator_register",
        obj=entry,
        organisation=organisation,
        after=_snapshot(entry, (*EDUCATOR_FIELDS, "team")),
    )
    return entry


@transaction.atomic
def educator_update(*, actor: User, entry: PracticeEducator, **changes: Any) -> PracticeEducator:
    """Change a register entry. `changes` holds fields of `EDUCATOR_FIELDS` and `team`."""
    unknown = set(changes) - {*EDUCATOR_FIELDS, "team"}
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    before = _snapshot(entry, (*EDUCATOR_FIELDS, "team"))
    for name, value in changes.items():
        setattr(entry, name, list(value) if name == "settings_offered" else value)
    if entry.stage == EducatorStage.TRAINEE:
        entry.qualified_on = None
    _check_team(entry.team, entry.organisation)
    entry.full_clean()
    entry.save()
    after = _snapshot(entry, (*EDUCATOR_FIELDS, "team"))
    audit_log(
        actor=actor,
        verb="placements.educator_update",
        obj=entry,
        organisation=entry.organisation,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return entry


# --- University partners and placement requests -------------------------------------------------


@transaction.atomic
def partnership_add(*, actor: User, university: Organisation, partner: Organisation) -> UniversityPartnership:
    """Record that `university` places students with `partner`; a partnership that was ended
    is made active again."""
    found = UniversityPartnership.objects.filter(university=university, partner=partner).first()
    if found is not None:
        if found.is_active:
            raise ValidationError({"university": f"{university.name} is already a partner of {partner.name}"})
        found.is_active = True
        found.save(update_fields=["is_active", "updated_at"])
        audit_log(
            actor=actor,
            verb="placements.partnership_resume",
            obj=found,
            organisation=partner,
            before={"is_active": False},
            after={"is_active": True},
        )
        return found
    partnership = UniversityPartnership(university=university, partner=partner, added_by=actor)
    partnership.full_clean()
    partnership.save()
    audit_log(
        actor=actor,
        verb="placements.partnership_add",
        obj=partnership,
        organisation=partner,
        after={"university": university.pk, "partner": partner.pk},
    )
    return partnership


REQUEST_FIELDS = ("kind", "days_required", "starts_on", "ends_on", "students", "settings_wanted", "notes")


@transaction.atomic
def placement_request_create(
    *,
    actor: User,
    partnership: UniversityPartnership,
    kind: str,
    days_required: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    students: int,
    settings_wanted: list[str] | None = None,
    notes: str = "",
) -> PlacementRequest:
    """A university asks its partner for places."""
    if not partnership.is_active:
        raise ValidationError({"partnership": "This partnership has ended; ask the academy to resume it"})
    placement_request = PlacementRequest(
        partnership=partnership,
        university=partnership.university,
        partner=partnership.partner,
        kind=kind,
        days_required=days_required,
        starts_on=starts_on,
        ends_on=ends_on,
        students=students,
        settings_wanted=list(settings_wanted or []),
        notes=notes,
        requested_by=actor,
    )
    placement_request.full_clean()
    placement_request.save()
    audit_log(
        actor=actor,
        verb="placements.request_create",
        obj=placement_request,
        organisation=partnership.partner,
        after=_snapshot(placement_request, REQUEST_FIELDS),
    )
    return placement_request


@transaction.atomic
def placement_offer_create(
    *,
    actor: User,
    placement_request: PlacementRequest,
    team: Team,
    setting: str,
    places: int,
    notes: str = "",
) -> PlacementOffer:
    """A team offers places against an open request. The caller has checked the team is one
    the person manages within the request's partner."""
    if placement_request.status != PlacementRequest.Status.OPEN:
        raise ValidationError("This request is no longer open for offers")
    if PlacementOffer.objects.filter(request=placement_request, team=team).exists():
        raise ValidationError({"team": f"{team.name} has already offered places for this request"})
    offer = PlacementOffer(
        request=placement_request, team=team, setting=setting, places=places, notes=notes, offered_by=actor
    )
    offer.full_clean()
    offer.save()
    audit_log(
        actor=actor,
        verb="placements.offer_create",
        obj=offer,
        organisation=team.organisation,
        after={"request": str(placement_request.pk), "team": team.pk, "setting": setting, "places": places},
    )
    return offer


# --- Matching -------------------------------------------------------------------------------------


@transaction.atomic
def placement_confirm(
    *,
    actor: User,
    placement_request: PlacementRequest,
    offer: PlacementOffer,
    educator: PracticeEducator,
    student: User,
    tutor: User | None = None,
    on_site_supervisor: User | None = None,
    first_setting: str | None = None,
    today: datetime.date,
) -> Placement:
    """Place `student` with the offer's team and `educator`. Every matching rule is checked
    again here, with the offer and the educator locked, so two people confirming at once
    cannot fill a place or an educator's capacity twice."""
    locked_offer = PlacementOffer.objects.select_for_update().select_related("team").get(pk=offer.pk)
    locked_educator = PracticeEducator.objects.select_for_update().get(pk=educator.pk)
    if placement_request.status != PlacementRequest.Status.OPEN:
        raise ValidationError("This request is no longer open")
    if locked_offer.request_id != placement_request.pk:
        raise ValidationError("That offer belongs to another request")
    live = ~Q(status=Placement.Status.ENDED_EARLY)
    if Placement.objects.filter(live, offer=locked_offer).count() >= locked_offer.places:
        raise ValidationError("Every place this team offered is filled")
    if locked_educator.organisation_id != locked_offer.team.organisation_id:
        raise ValidationError("The educator must work in the organisation of the team offering the place")
    if not selectors.students_of(university=placement_request.university).filter(pk=student.pk).exists():
        raise ValidationError({"student": "Choose a student of the university that asked for places"})
    if (
        tutor is not None
        and not selectors.tutors_of(university=placement_request.university).filter(pk=tutor.pk).exists()
    ):
        raise ValidationError({"tutor": "Choose a tutor of the student's university"})
    if Placement.objects.filter(live, student=student, kind=placement_request.kind).exists():
        raise ValidationError({"student": "This student already has a placement of this kind"})
    off_site = locked_educator.role == EducatorRole.OFF_SITE
    if off_site and on_site_supervisor is None:
        raise ValidationError(
            {"on_site_supervisor": "Choose an on-site supervisor: the educator works off site"}
        )
    if on_site_supervisor is not None and not (
        selectors.supervisors_for(organisation=locked_offer.team.organisation)
        .filter(pk=on_site_supervisor.pk)
        .exists()
    ):
        raise ValidationError({"on_site_supervisor": "Choose someone who works in the hosting organisation"})
    recorded_first = selectors.first_placement_setting(student=student)
    first = recorded_first or first_setting
    year_start, year_end = rules.academic_year(placement_request.starts_on)
    taken = Placement.objects.filter(
        live, educator=locked_educator, starts_on__gte=year_start, starts_on__lte=year_end
    ).count()
    verdict = rules.judge(
        selectors.candidate_for(locked_educator, offer=locked_offer, today=today, placements_this_year=taken),
        kind=placement_request.kind,
        setting=locked_offer.setting,
        first_setting=first,
        starts_on=placement_request.starts_on,
        ends_on=placement_request.ends_on,
    )
    if not verdict.suitable:
        raise ValidationError(list(verdict.reasons))
    placement = Placement(
        request=placement_request,
        offer=locked_offer,
        student=student,
        university=placement_request.university,
        tutor=tutor,
        organisation=locked_offer.team.organisation,
        team=locked_offer.team,
        educator=locked_educator,
        on_site_supervisor=on_site_supervisor if off_site else None,
        kind=placement_request.kind,
        setting=locked_offer.setting,
        starts_on=placement_request.starts_on,
        ends_on=placement_request.ends_on,
        days_required=placement_request.days_required,
        status=Placement.Status.ACTIVE if placement_request.starts_on <= today else Placement.Status.PLANNED,
        confirmed_by=actor,
    )
    placement.full_clean()
    placement.save()
    filled = Placement.objects.filter(live, request=placement_request).count() >= placement_request.students
    if filled:
        PlacementRequest.objects.filter(pk=placement_request.pk).update(status=PlacementRequest.Status.FILLED)
        placement_request.status = PlacementRequest.Status.FILLED
    audit_log(
        actor=actor,
        verb="placements.placement_confirm",
        obj=placement,
        organisation=placement.organisation,
        after={
            "student": str(student.pk),
            "team": placement.team_id,
            "educator": str(locked_educator.pk),
            "kind": placement.kind,
            "setting": placement.setting,
            "request_filled": filled,
        },
    )
    return placement


# --- Placement days ---------------------------------------------------------------------------------


@transaction.atomic
def placement_day_record(
    *, actor: User, placement: Placement, day: datetime.date, kind: str, note: str = "", today: datetime.date
) -> PlacementDay:
    """The student records a day of their placement (or an absence). It counts once confirmed."""
    if placement.status in {Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY}:
        raise ValidationError("This placement has finished: its days can no longer change")
    if not placement.starts_on <= day <= placement.ends_on:
        raise ValidationError({"day": "Enter a day within the placement's dates"})
    if day > today:
        raise ValidationError({"day": "Enter a day that has passed, or today"})
    if PlacementDay.objects.filter(placement=placement, day=day).exists():
        raise ValidationError({"day": "This day is already recorded"})
    entry = PlacementDay(placement=placement, day=day, kind=kind, note=note, recorded_by=actor)
    entry.full_clean()
    entry.save()
    audit_log(
        actor=actor,
        verb="placements.day_record",
        obj=entry,
        organisation=placement.organisation,
        after={"placement": str(placement.pk), "day": day.isoformat(), "kind": kind},
    )
    return entry


@transaction.atomic
def placement_day_confirm(*, actor: User, entry: PlacementDay) -> PlacementDay:
    """The educator or on-site supervisor confirms a recorded day. Confirming twice changes
    nothing."""
    if entry.kind == DayKind.ABSENCE:
        raise ValidationError("An absence counts nowhere: there is nothing to confirm")
    updated = PlacementDay.objects.filter(pk=entry.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=actor, updated_at=timezone.now()
    )
    entry.refresh_from_db()
    if updated:
        audit_log(
            actor=actor,
            verb="placements.day_confirm",
            obj=entry,
            organisation=entry.placement.organisation,
            after={"day": entry.day.isoformat(), "kind": entry.kind},
        )
    return entry


@transaction.atomic
def placement_days_confirm_all(*, actor: User, placement: Placement) -> int:
    """Confirm every practice and skills day the student has recorded and nobody has confirmed
    (one UPDATE). Absences count nowhere, so there is nothing to confirm on them."""
    now = timezone.now()
    waiting = PlacementDay.objects.filter(placement=placement, confirmed_at__isnull=True)
    count = waiting.exclude(kind=DayKind.ABSENCE).update(confirmed_at=now, confirmed_by=actor, updated_at=now)
    if count:
        audit_log(
            actor=actor,
            verb="placements.days_confirm_all",
            obj=placement,
            organisation=placement.organisation,
            after={"confirmed": count},
        )
    return count


@transaction.atomic
def placement_extend(
    *, actor: User, placement: Placement, ends_on: datetime.date, reason: str
) -> PlacementExtension:
    """Move the placement's end later (after absences, say); the extension row keeps the
    history and who agreed it."""
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.status in {Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY}:
        raise ValidationError("This placement has finished")
    if ends_on <= locked.ends_on:
        raise ValidationError({"ends_on": "The new end date must be after the current one"})
    extension = PlacementExtension(
        placement=locked, previous_ends_on=locked.ends_on, ends_on=ends_on, reason=reason, agreed_by=actor
    )
    extension.full_clean()
    extension.save()
    Placement.objects.filter(pk=locked.pk).update(ends_on=ends_on, updated_at=timezone.now())
    placement.ends_on = ends_on
    audit_log(
        actor=actor,
        verb="placements.placement_extend",
        obj=placement,
        organisation=placement.organisation,
        before={"ends_on": extension.previous_ends_on.isoformat()},
        after={"ends_on": ends_on.isoformat(), "reason": reason},
    )
    return extension


DOCUMENT_FIELDS = ("held_on", "summary", "learning_needs", "recommendation")


@transaction.atomic
def placement_document_create(
    *,
    actor: User,
    placement: Placement,
    kind: str,
    held_on: datetime.date,
    summary: str,
    learning_needs: str = "",
    recommendation: str = "",
) -> PlacementDocument:
    """Record a meeting, an observation or the final report; the placement's practice educator
    writes them (the caller has checked that). A learning agreement, a midway review and a final
    report are held once per placement; observations as many as happen."""
    Placement.objects.select_for_update().filter(pk=placement.pk).first()
    if (
        kind != DocumentKind.OBSERVATION
        and PlacementDocument.objects.filter(placement=placement, kind=kind).exists()
    ):
        raise ValidationError(f"This placement already has its {DocumentKind(kind).label.lower()}")
    if not placement.starts_on <= held_on <= placement.ends_on:
        raise ValidationError({"held_on": "The date must fall within the placement"})
    document = PlacementDocument(
        placement=placement,
        kind=kind,
        held_on=held_on,
        summary=summary,
        learning_needs=learning_needs,
        recommendation=recommendation if kind == DocumentKind.FINAL_REPORT else "",
        written_by=actor,
    )
    document.full_clean()
    document.save()
    audit_log(
        actor=actor,
        verb="placements.placement_document_create",
        obj=document,
        organisation=placement.organisation,
        after={"kind": kind, **_snapshot(document, DOCUMENT_FIELDS)},
    )
    return document


@transaction.atomic
def placement_document_update(
    *, actor: User, document: PlacementDocument, **changes: Any
) -> PlacementDocument:
    """Change a record's words while nobody has signed it; once signed, it is read-only."""
    locked = PlacementDocument.objects.select_for_update().get(pk=document.pk)
    if PlacementSignature.objects.filter(document=locked).exists():
        raise ValidationError("This record has been signed and can no longer be changed")
    unknown = set(changes) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    placement = document.placement
    held_on = changes.get("held_on", locked.held_on)
    if not placement.starts_on <= held_on <= placement.ends_on:
        raise ValidationError({"held_on": "The date must fall within the placement"})
    if locked.kind != DocumentKind.FINAL_REPORT:
        changes["recommendation"] = ""
    before = _snapshot(locked, DOCUMENT_FIELDS)
    for name, value in changes.items():
        setattr(document, name, value)
    document.full_clean()
    document.save()
    audit_log(
        actor=actor,
        verb="placements.placement_document_update",
        obj=document,
        organisation=placement.organisation,
        before=before,
        after=_snapshot(document, DOCUMENT_FIELDS),
    )
    return document


@transaction.atomic
def placement_document_sign(*, actor: User, document: PlacementDocument, capacity: str) -> PlacementSignature:
    """Sign a record in one's own capacity on the placement. Only a stage 2 practice educator
    signs off the final report of a final placement (ValidationError otherwise)."""
    locked = PlacementDocument.objects.select_for_update().get(pk=document.pk)
    placement = document.placement
    signed = set(PlacementSignature.objects.filter(document=locked).values_list("capacity", flat=True))
    reason = signatures.refusal(
        placement=placement, kind=locked.kind, capacity=capacity, user_id=actor.pk, signed=signed
    )
    if reason:
        raise ValidationError(reason)
    signature = PlacementSignature(
        document=locked,
        capacity=capacity,
        user=actor,
        statement=signatures.STATEMENTS[signatures.SignatureCapacity(capacity)],
        signed_at=timezone.now(),
    )
    signature.full_clean()
    signature.save()
    audit_log(
        actor=actor,
        verb="placements.placement_document_sign",
        obj=locked,
        organisation=placement.organisation,
        after={"capacity": capacity, "kind": locked.kind},
    )
    return signature
