"""Invented programmes at scale for benchmarks: `manage.py seed_scale` (through
academy/registry/scale.py) adds, at --scale 1, 20,000 sessions of 1,000 programmes run by the
seeded councils and their partnerships, over the past half-year and the coming one, with
bookings from the councils' seeded people: most sessions part full, one in five full with a
short waiting list, past ones with their register marked.

As in the other seeders: rows go in with `academy.bulk.bulk_insert` (COPY on PostgreSQL), with no
`full_clean()` and no audit; the same random generator state gives the same rows."""

import datetime
import random
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from academy.bulk import bulk_insert
from academy.models import Membership, Organisation

from .models import (
    Attendance,
    Booking,
    BookingStatus,
    CareerStage,
    Programme,
    ProgrammeKind,
    ProviderKind,
    ServiceArea,
    Session,
    SessionMode,
)

SESSIONS = 20_000
SESSIONS_PER_PROGRAMME = 20
CAPACITY = 16
FULL_SHARE = 0.2
WORDS = (  # noqa: SIM905
    "safeguarding supervision trauma capacity kinship court writing hoarding advocacy research "
    "consent adolescents dementia housing exploitation reflective leadership practice"
).split()
SEEDED_MODELS: tuple[type[models.Model], ...] = (Programme, Session, Booking)

PROGRAMME_FIELDS = [
    "id", "organisation_id", "title", "kind", "description", "audience_roles", "service_area",
    "career_stage", "provider_kind", "provider_name", "cpd_hours", "prerequisites",
    "requires_manager_approval", "offered_to_members", "is_published", "created_at", "updated_at",
]  # fmt: skip
SESSION_FIELDS = [
    "id", "programme_id", "starts_at", "ends_at", "mode", "venue", "joining_link", "capacity",
    "cancel_reason", "created_at", "updated_at",
]  # fmt: skip
BOOKING_FIELDS = [
    "id", "session_id", "person_id", "organisation_id", "status", "waitlisted_at", "decline_reason",
    "attendance", "attendance_marked_at", "created_at", "updated_at",
]  # fmt: skip


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def seed_programmes_scale(
    *,
    councils: Sequence[int],
    rng: random.Random,
    prefix: str,
    factor: float = 1.0,
    use_copy: bool = True,
    **_: Any,
) -> dict[str, int]:
    """Write the programmes, sessions and bookings; returns how many of each."""
    if not councils:
        return {}
    now = timezone.now()
    sessions_wanted = max(1, round(SESSIONS * factor))
    programme_count = max(1, sessions_wanted // SESSIONS_PER_PROGRAMME)
    parents = dict(Organisation.objects.filter(pk__in=councils).values_list("pk", "parent_id"))
    people: dict[int, list[Any]] = {pk: [] for pk in councils}
    members = Membership.objects.filter(organisation_id__in=councils).order_by("organisation_id", "pk")
    for organisation_id, user_id in members.values_list("organisation_id", "user_id"):
        people[organisation_id].append(user_id)

    def insert(model: type[models.Model], fields: list[str], rows: Any) -> int:
        return bulk_insert(model, fields, rows, use_copy=use_copy)

    programmes: list[tuple[Any, ...]] = []
    owners: list[tuple[uuid.UUID, int]] = []  # programme, the council whose people book it
    kinds, areas, stages = ProgrammeKind.values, ServiceArea.values, CareerStage.values
    for n in range(programme_count):
        council = councils[n % len(councils)]
        owner = parents.get(council) if n % 3 == 0 and parents.get(council) else council
        programme_id = _uuid(rng)
        owners.append((programme_id, council))
        programmes.append(
            (
                programme_id,
                owner,
                f"{' '.join(rng.sample(WORDS, 3)).capitalize()} ({prefix} {n + 1})",
                rng.choice(kinds),
                "Invented for benchmarks.",
                [],
                rng.choice(areas),
                rng.choice(stages),
                ProviderKind.IN_HOUSE,
                "",
                Decimal(rng.choice((3, 6, 7, 14))),
                "",
                False,
                True,
                True,
                now,
                now,
            )
        )
    written = {"programmes": insert(Programme, PROGRAMME_FIELDS, programmes)}

    sessions: list[tuple[Any, ...]] = []
    bookings: list[tuple[Any, ...]] = []
    written["sessions"] = written["bookings"] = 0

    def flush() -> None:
        written["sessions"] += insert(Session, SESSION_FIELDS, sessions)
        written["bookings"] += insert(Booking, BOOKING_FIELDS, bookings)
        sessions.clear()
        bookings.clear()

    for s in range(sessions_wanted):
        programme_id, council = owners[s % len(owners)]
        starts = now + datetime.timedelta(hours=rng.randrange(-180 * 24, 180 * 24))
        starts = starts.replace(minute=0, second=0, microsecond=0)
        session_id = _uuid(rng)
        online = rng.random() < 0.4
        sessions.append(
            (
                session_id,
                programme_id,
                starts,
                starts + datetime.timedelta(hours=rng.choice((1, 2, 3, 6))),
                SessionMode.ONLINE if online else SessionMode.IN_PERSON,
                "" if online else "Seeded venue",
                "https://meet.example.test/seeded" if online else "",
                CAPACITY,
                "",
                now,
                now,
            )
        )
        pool = people[council]
        full = rng.random() < FULL_SHARE
        wanted = CAPACITY + rng.randint(1, 4) if full else rng.randint(0, CAPACITY - 1)
        past = starts < now
        for i, person in enumerate(rng.sample(pool, min(wanted, len(pool)))):
            booked = i < CAPACITY
            attendance = ""
            if booked and past:
                attendance = Attendance.ATTENDED if rng.random() < 0.85 else Attendance.NO_SHOW
            moment = starts - datetime.timedelta(days=rng.randint(1, 40))
            bookings.append(
                (
                    _uuid(rng),
                    session_id,
                    person,
                    council,
                    BookingStatus.BOOKED if booked else BookingStatus.WAITLISTED,
                    None if booked else moment,
                    "",
                    attendance,
                    starts if attendance else None,
                    moment,
                    moment,
                )
            )
        if len(sessions) >= 5000:
            flush()
    flush()
    return written
