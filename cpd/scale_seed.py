"""National-scale invented CPD for benchmarks: practitioners (social workers with a current
membership in a council's team) and their CPD records over this registration year and the two
before it, some peer-reflected, some drafts. `manage.py seed_scale` (asye/scale_seed.py, which
seeds the organisations) calls it with the councils it made; the default sizes are 100,000
practitioners with 500,000 records, the first council the largest with 3,000 practitioners (a
big county council: the compliance view's benchmark reads it).

What the people look like this year, so the compliance view shows every status: about a third
have met the requirement, a quarter have one completed record, one in six have two without a
peer reflection, the rest nothing yet. Their other records fall in the two years before.

As in asye/scale_seed.py: rows are written with `academy.bulk.bulk_insert` (COPY on PostgreSQL),
with no `full_clean()`, no audit and one unusable password hash; emails end in
`@seed.invalid`. The same random generator state gives the same rows."""

import datetime
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from academy.bulk import SEED_DOMAIN, bulk_insert, bulk_insert_people
from academy.models import Organisation, Team, User
from academy.roles import Role

from . import rules
from .models import ActivityType, CpdRecord, PeerReflection, RecordStatus, RegistrationYear

WORDS = (  # noqa: SIM905
    "capacity kinship carers safeguarding supervision research trauma advocacy hoarding court "
    "assessment reflection consent adolescents dementia housing exploitation family practice"
).split()
# How many completed records (and peer-reflected ones) people have this year, and how often.
THIS_YEAR_PROFILES = {(3, 1): 12, (2, 1): 23, (2, 0): 15, (1, 0): 25, (0, 0): 25}
DRAFT_SHARE = 0.1
PEER_SHARE_EARLIER = 0.4
CHUNK = 20_000


@dataclass(frozen=True)
class CpdSizes:
    practitioners: int = 100_000
    records: int = 500_000
    largest_council: int = 3_000

    def scaled(self, factor: float) -> "CpdSizes":
        def at_least_one(n: int) -> int:
            return max(1, round(n * factor))

        return CpdSizes(
            practitioners=at_least_one(self.practitioners),
            records=at_least_one(self.records),
            largest_council=at_least_one(self.largest_council),
        )


@dataclass(frozen=True)
class SeedCouncil:
    organisation_id: int
    team_ids: tuple[int, ...]


def councils_seeded_with(*, prefix: str) -> list[SeedCouncil]:
    """The councils a `seed_scale` run with `prefix` made, first seeded first, with their teams."""
    councils = list(
        Organisation.objects.filter(slug__startswith=f"{prefix}-c", kind=Organisation.Kind.COUNCIL)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    teams: dict[int, list[int]] = {pk: [] for pk in councils}
    for team, organisation in Team.objects.filter(organisation_id__in=councils).values_list(
        "pk", "organisation"
    ):
        teams[organisation].append(team)
    return [SeedCouncil(pk, tuple(sorted(teams[pk]))) for pk in councils]


def cpd_already_seeded(*, prefix: str) -> bool:
    return User.objects.filter(email=f"{prefix}-practitioner-1@{SEED_DOMAIN}").exists()


def practitioners_per_council(sizes: CpdSizes, councils: int) -> list[int]:
    """The first council gets `largest_council` (or everyone, when there are fewer); the rest
    share the others evenly."""
    if councils <= 1:
        return [sizes.practitioners]
    first = min(sizes.largest_council, sizes.practitioners)
    rest = sizes.practitioners - first
    share, extra = divmod(rest, councils - 1)
    return [first] + [share + (1 if n < extra else 0) for n in range(councils - 1)]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _sentence(rng: random.Random, n: int = 10) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(0, max(1, (last - first).days + 1)))


def seed_cpd_scale(
    *,
    sizes: CpdSizes,
    councils: Sequence[SeedCouncil],
    rng: random.Random,
    prefix: str,
    password: str,
    today: datetime.date | None = None,
    progress: Callable[[str, int], None] = lambda name, count: None,
    use_copy: bool = True,
) -> dict[str, int]:
    """Write the practitioners, their memberships, records and peer reflections; returns how many
    of each. Run inside the caller's transaction."""
    if not councils:
        return {}
    today = today or timezone.localdate()
    now = timezone.now()
    year = _year_containing(today)
    earliest = datetime.date(year.starts_on.year - 2, year.starts_on.month, year.starts_on.day)

    def insert(model: type[models.Model], fields: list[str], rows: Any) -> int:
        return bulk_insert(model, fields, rows, use_copy=use_copy)

    # --- People --------------------------------------------------------------------------------
    people: list[uuid.UUID] = []
    users: list[tuple[Any, ...]] = []
    memberships: list[tuple[Any, ...]] = []
    n = 0
    for council, count in zip(councils, practitioners_per_council(sizes, len(councils)), strict=True):
        for _ in range(count):
            n += 1
            user_id = _uuid(rng)
            people.append(user_id)
            team = rng.choice(council.team_ids) if council.team_ids else None
            users.append((user_id, f"{prefix}-practitioner-{n}@{SEED_DOMAIN}", f"Seeded Practitioner {n}"))
            memberships.append((_uuid(rng), user_id, council.organisation_id, Role.SOCIAL_WORKER, team))
    written = {
        "practitioners": bulk_insert_people(
            users=users, memberships=memberships, password=password, now=now, use_copy=use_copy
        )
    }
    progress("practitioners", written["practitioners"])

    # --- Records ---------------------------------------------------------------------------------
    base, extra = divmod(sizes.records, len(people))
    profiles = list(THIS_YEAR_PROFILES)
    weights = list(THIS_YEAR_PROFILES.values())
    activities = ActivityType.values
    records: list[tuple[Any, ...]] = []
    reflections: list[tuple[Any, ...]] = []
    written["CPD records"] = written["peer reflections"] = 0

    def flush() -> None:
        written["CPD records"] += insert(
            CpdRecord,
            [
                "id",
                "person_id",
                "title",
                "activity_type",
                "description",
                "occurred_on",
                "learning",
                "impact",
                "provider",
                "status",
                "completed_at",
                "created_at",
                "updated_at",
            ],
            records,
        )
        written["peer reflections"] += insert(
            PeerReflection,
            ["record_id", "learning", "peer_name", "peer_role", "created_at", "updated_at"],
            reflections,
        )
        records.clear()
        reflections.clear()

    def record(person: uuid.UUID, number: int, day: datetime.date, *, complete: bool, peer: bool) -> None:
        record_id = _uuid(rng)
        moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        records.append(
            (
                record_id,
                person,
                f"{' '.join(rng.sample(WORDS, 3)).capitalize()} ({number})",
                rng.choice(activities),
                _sentence(rng),
                day,
                _sentence(rng) if complete else "",
                _sentence(rng) if complete else "",
                "",
                RecordStatus.COMPLETE if complete else RecordStatus.DRAFT,
                moment if complete else None,
                moment,
                moment,
            )
        )
        if peer:
            reflections.append((record_id, _sentence(rng, 8), "", "", moment, moment))

    counts = [base + (1 if i < extra else 0) for i in range(len(people))]
    for i in range(0, len(counts) - 1, 2):  # some keep more records, their neighbour fewer
        shift = rng.randrange(0, max(1, min(counts[i], counts[i + 1])))
        counts[i] += shift
        counts[i + 1] -= shift
    for person, count in zip(people, counts, strict=True):
        this_year, peer_this_year = rng.choices(profiles, weights=weights)[0]
        this_year = min(this_year, count)
        for k in range(count):
            if k < this_year:
                record(
                    person,
                    k + 1,
                    _day_between(rng, year.starts_on, today),
                    complete=True,
                    peer=k < peer_this_year,
                )
            else:
                complete = rng.random() > DRAFT_SHARE
                record(
                    person,
                    k + 1,
                    _day_between(rng, earliest, year.starts_on - datetime.timedelta(days=1)),
                    complete=complete,
                    peer=complete and rng.random() < PEER_SHARE_EARLIER,
                )
        if len(records) >= CHUNK:
            flush()
    flush()
    progress("CPD records", written["CPD records"])
    progress("peer reflections", written["peer reflections"])
    return written


def _year_containing(today: datetime.date) -> rules.YearLike:
    year = rules.year_for(today, RegistrationYear.objects.all())
    if year is None:
        raise ValueError(f"No registration year contains {today:%-d %B %Y}: run the migrations first.")
    return year


# The tables written here, for `asye.scale_seed.analyse_seeded_tables`.
SEEDED_MODELS: tuple[type[models.Model], ...] = (CpdRecord, PeerReflection)
