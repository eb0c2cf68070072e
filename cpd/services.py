"""Writes to the CPD ledger. Every service takes the acting person and refuses to touch a record
that is not theirs (views reach records through `cpd_record_get_for_user` first; the check here
is the second lock).

Audit: a CPD record belongs to its person, not to an employer, and follows them when they move.
So its audit entries carry no organisation (`organisation=None`): no employer's audit log lists
them, and an entry does not move with, or stay behind at, a council the person has left. The
entries name the record by kind only ("CPD record") and hold its status and date, never its
words, so the log itself cannot leak content. The verbs are not deployment-wide, so they show in
no organisation's log; the Django admin's audit view (superusers) still has them."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.files.services import file_store
from academy.models import FrameworkElement, Organisation, User

from . import selectors
from .models import ActivityType, CpdRecord, PeerReflection, RecordStatus, RegistrationYear

RECORD_CREATE = "cpd_record.create"
RECORD_UPDATE = "cpd_record.update"
RECORD_COMPLETE = "cpd_record.complete"
PEER_REFLECTION_SAVE = "cpd_record.peer_reflection"
ATTACHMENT_ADD = "cpd_record.attachment"

OBJECT_REPR = "CPD record"

# The fields SWE's form asks for, which a complete record must have.
REQUIRED_TO_COMPLETE = {
    "description": "Describe the activity and why it is relevant to you.",
    "learning": "Say what you learnt.",
    "impact": "Say what impact it has had, or will have, on your practice and the people you work with.",
}


def _own(*, actor: User, record: CpdRecord) -> None:
    if record.person_id != actor.pk:
        raise PermissionDenied("Only the person a CPD record belongs to may change it.")


def _check_date(*, occurred_on: datetime.date, years: Sequence[RegistrationYear] | None = None) -> None:
    """Today or earlier, and inside a registration year. `years` saves asking the cache again
    when many dates are checked at once (an import)."""
    today = timezone.localdate()
    if occurred_on > today:
        raise ValidationError(
            {"occurred_on": "The date must be today or in the past: record learning once it has happened."}
        )
    if selectors.registration_year_for(day=occurred_on, years=years) is None:
        years = years if years is not None else selectors.registration_years()
        span = ""
        if years:
            span = (
                f" Registration years here run from {years[-1].starts_on:%-d %B %Y} "
                f"to {years[0].ends_on:%-d %B %Y}."
            )
        raise ValidationError(
            {
                "occurred_on": f"{occurred_on:%-d %B %Y} is not in any registration year the portal knows."
                + span
            }
        )


def _check_not_repeated(
    *, actor: User, values: dict[str, object], exclude_pk: UUID | str | None = None
) -> None:
    repeated = selectors.cpd_record_repeating(
        user=actor,
        title=str(values["title"]),
        occurred_on=values["occurred_on"],  # type: ignore[arg-type]
        description=str(values.get("description", "")),
        learning=str(values.get("learning", "")),
        impact=str(values.get("impact", "")),
        exclude_pk=exclude_pk,
    )
    if repeated is not None:
        raise ValidationError(
            f"This repeats your record “{repeated.title}” of {repeated.occurred_on:%-d %B %Y}. "
            "Each CPD record must be a different piece of learning: change this one or edit the other.",
            code="repeated",
        )


def _check_complete(record: CpdRecord) -> None:
    errors = {
        name: message for name, message in REQUIRED_TO_COMPLETE.items() if not getattr(record, name).strip()
    }
    if errors:
        raise ValidationError(errors)


def _save(record: CpdRecord) -> None:
    record.full_clean()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:  # a second request raced the duplicate check
        raise ValidationError("You already have a CPD record with this title on this date.") from error


def _state(record: CpdRecord) -> dict[str, object]:
    return {"status": record.status, "occurred_on": record.occurred_on.isoformat()}


def _record_write_finish(
    *,
    actor: User,
    record: CpdRecord,
    verb: str,
    before: dict[str, Any] | None,
    topics: list[FrameworkElement] | None,
    peer: tuple[str, str, str, datetime.date | None],
) -> CpdRecord:
    """What creating and changing a record share: save, set its topics, audit (without its
    words: CPD belongs to the person), and add the peer reflection when one was written."""
    _save(record)
    record.topics.set(topics or [])
    audit_log(
        actor=actor,
        verb=verb,
        obj=record,
        organisation=None,
        before=before,
        after=_state(record),
        object_repr=OBJECT_REPR,
    )
    learning, peer_name, peer_role, discussed_on = peer
    if learning.strip():
        _reflection_save(
            actor=actor,
            record=record,
            learning=learning,
            peer_name=peer_name,
            peer_role=peer_role,
            discussed_on=discussed_on,
        )
    return record


@transaction.atomic
def cpd_record_create(
    *,
    actor: User,
    title: str,
    activity_type: str,
    occurred_on: datetime.date,
    description: str = "",
    learning: str = "",
    impact: str = "",
    hours: Decimal | None = None,
    provider: str = "",
    topics: list[FrameworkElement] | None = None,
    peer_learning: str = "",
    peer_name: str = "",
    peer_role: str = "",
    peer_discussed_on: datetime.date | None = None,
    complete: bool = False,
) -> CpdRecord:
    """A new record of `actor`'s, a draft unless `complete`; with a peer reflection when
    `peer_learning` is given."""
    values = {
        "title": title,
        "occurred_on": occurred_on,
        "description": description,
        "learning": learning,
        "impact": impact,
    }
    _check_date(occurred_on=occurred_on)
    _check_not_repeated(actor=actor, values=values)
    record = CpdRecord(
        person=actor,
        title=title.strip(),
        activity_type=ActivityType(activity_type),
        occurred_on=occurred_on,
        description=description,
        learning=learning,
        impact=impact,
        hours=hours,
        provider=provider,
    )
    if complete:
        _check_complete(record)
        record.status = RecordStatus.COMPLETE
        record.completed_at = timezone.now()
    return _record_write_finish(
        actor=actor,
        record=record,
        verb=RECORD_CREATE,
        before=None,
        topics=topics,
        peer=(peer_learning, peer_name, peer_role, peer_discussed_on),
    )


@transaction.atomic
def cpd_record_update(
    *,
    actor: User,
    record: CpdRecord,
    title: str,
    activity_type: str,
    occurred_on: datetime.date,
    description: str = "",
    learning: str = "",
    impact: str = "",
    hours: Decimal | None = None,
    provider: str = "",
    topics: list[FrameworkElement] | None = None,
    peer_learning: str = "",
    peer_name: str = "",
    peer_role: str = "",
    peer_discussed_on: datetime.date | None = None,
    complete: bool = False,
) -> CpdRecord:
    """Change a record. A complete record stays complete, so it must keep every field SWE asks
    for; `complete` turns a draft complete in the same step. An empty `peer_learning` leaves an
    existing peer reflection as it is (it is removed on its own page, not by leaving a box blank)."""
    _own(actor=actor, record=record)
    values = {
        "title": title,
        "occurred_on": occurred_on,
        "description": description,
        "learning": learning,
        "impact": impact,
    }
    before = _state(record)
    if occurred_on != record.occurred_on:
        _check_date(occurred_on=occurred_on)
    _check_not_repeated(actor=actor, values=values, exclude_pk=record.pk)
    record.title = title.strip()
    record.activity_type = ActivityType(activity_type)
    record.occurred_on = occurred_on
    record.description = description
    record.learning = learning
    record.impact = impact
    record.hours = hours
    record.provider = provider
    if complete and not record.is_complete:
        record.status = RecordStatus.COMPLETE
        record.completed_at = timezone.now()
    if record.is_complete:
        _check_complete(record)
    return _record_write_finish(
        actor=actor,
        record=record,
        verb=RECORD_UPDATE,
        before=before,
        topics=topics,
        peer=(peer_learning, peer_name, peer_role, peer_discussed_on),
    )


@transaction.atomic
def cpd_record_complete(*, actor: User, record: CpdRecord) -> CpdRecord:
    """Mark a draft complete: it must have every field SWE's form asks for. Completing a complete
    record changes nothing."""
    _own(actor=actor, record=record)
    if record.is_complete:
        return record
    _check_complete(record)
    before = _state(record)
    record.status = RecordStatus.COMPLETE
    record.completed_at = timezone.now()
    _save(record)
    audit_log(
        actor=actor,
        verb=RECORD_COMPLETE,
        obj=record,
        organisation=None,
        before=before,
        after=_state(record),
        object_repr=OBJECT_REPR,
    )
    return record


def _reflection_save(
    *,
    actor: User,
    record: CpdRecord,
    learning: str,
    peer_name: str = "",
    peer_role: str = "",
    discussed_on: datetime.date | None = None,
) -> PeerReflection:
    if not learning.strip():
        raise ValidationError({"learning": "Say what you learnt from discussing this with a peer."})
    if discussed_on is not None and discussed_on > timezone.localdate():
        raise ValidationError({"discussed_on": "The date of the conversation must be today or in the past."})
    reflection = selectors.peer_reflection_of(record) or PeerReflection(record=record)
    existed = reflection.pk is not None
    reflection.learning = learning
    reflection.peer_name = peer_name
    reflection.peer_role = peer_role
    reflection.discussed_on = discussed_on
    reflection.full_clean()
    reflection.save()
    record.peer_reflection = reflection
    audit_log(
        actor=actor,
        verb=PEER_REFLECTION_SAVE,
        obj=record,
        organisation=None,
        before={"peer_reflection": existed},
        after={"peer_reflection": True, "status": record.status},
        object_repr=OBJECT_REPR,
    )
    return reflection


@transaction.atomic
def cpd_peer_reflection_save(
    *,
    actor: User,
    record: CpdRecord,
    learning: str,
    peer_name: str = "",
    peer_role: str = "",
    discussed_on: datetime.date | None = None,
) -> PeerReflection:
    """Add or change the record's peer reflection: allowed on a draft and on a complete record
    (SWE lets a submitted record gain one; the person then resubmits it there)."""
    _own(actor=actor, record=record)
    return _reflection_save(
        actor=actor,
        record=record,
        learning=learning,
        peer_name=peer_name,
        peer_role=peer_role,
        discussed_on=discussed_on,
    )


@transaction.atomic
def cpd_attachment_add(
    *, actor: User, record: CpdRecord, upload: IO[bytes], organisation: Organisation
) -> object:
    """Keep a file with the record through the core's private files. `organisation` is where the
    bytes are filed (the person's current organisation); who may read them is decided by
    `selectors.cpd_file_readable`: the record's person only."""
    _own(actor=actor, record=record)
    stored = file_store(
        actor=actor,
        organisation=organisation,
        upload=upload,
        owner_kind=selectors.FILE_OWNER_KIND,
        owner_id=record.pk,
    )
    audit_log(
        actor=actor,
        verb=ATTACHMENT_ADD,
        obj=record,
        organisation=None,
        after={"file": str(stored.pk)},
        object_repr=OBJECT_REPR,
    )
    return stored


# --- Drafts made for the person by another app ---------------------------------------------------

ATTENDANCE_DRAFT = "cpd_record.draft_from_attendance"


@transaction.atomic
def cpd_record_draft_from_attendance(
    *,
    actor: User,
    person: User,
    title: str,
    activity_type: str,
    occurred_on: datetime.date,
    description: str = "",
    hours: Decimal | None = None,
    provider: str = "",
    topics: Sequence[FrameworkElement] = (),
) -> CpdRecord | None:
    """A draft in `person`'s ledger for an event they attended, pre-filled by the app that ran it
    (programmes), so nothing is typed twice. It stays a draft until the person adds what they
    learnt and its impact; nobody else reads it. `actor` (whoever marked the attendance) is named
    in the audit log only. None when the date is outside every registration year, or the person
    already keeps a record with this title on this day (they recorded it themselves). The caller
    makes sure it asks once per attendance."""
    try:
        _check_date(occurred_on=occurred_on)
    except ValidationError:
        return None
    if selectors.cpd_record_repeating(
        user=person, title=title, occurred_on=occurred_on, description="", learning="", impact=""
    ):
        return None
    record = CpdRecord(
        person=person,
        title=title.strip()[:200],
        activity_type=ActivityType(activity_type),
        occurred_on=occurred_on,
        description=description,
        hours=hours,
        provider=provider[:200],
    )
    try:
        _save(record)
    except ValidationError:
        return None  # a record of the same title that day, made a moment ago
    record.topics.set(list(topics))
    audit_log(
        actor=actor,
        verb=ATTENDANCE_DRAFT,
        obj=record,
        organisation=None,
        after=_state(record),
        object_repr=OBJECT_REPR,
    )
    return record
