"""National-scale invented data for benchmarks (`manage.py seed_scale`).

Builds partnerships with member councils, each council's teams, PSW, assessors (about one per
eight NQSWs) and line managers, one ASYE record per NQSW spread over months 1 to 12 of the year,
and evidence in every state with its transitions, comments and framework mappings. The default
sizes are a national picture: 150 councils in 15 partnerships, 4,000 NQSWs, 300,000 items.
Then `cpd.scale_seed` adds the social workers who keep CPD to the same councils: 100,000
practitioners with 500,000 CPD records, 3,000 of them in the first council.

Speed over ceremony, on purpose: rows are written with `academy.bulk.bulk_insert` (COPY on
PostgreSQL), with no `full_clean()`, no signal and no audit entry, because nothing here is a
real person's action. Every account shares one unusable password hash, so no seeded account can
sign in with a password. Everything seeded is marked: emails end in `@seed.invalid` and
organisation slugs start with the run's prefix, so `seed_scale_check` can tell seeded data from
real data. The same `seed` and `prefix` on the same day give the same rows (identifiers
included)."""

import datetime
import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from academy.bulk import SEED_DOMAIN, bulk_insert, bulk_insert_people
from academy.models import FrameworkElement, Membership, Organisation, Team, User
from academy.registry.scale import registered_scale_seeders
from academy.roles import Role
from cpd.scale_seed import SEEDED_MODELS as CPD_SEEDED_MODELS
from cpd.scale_seed import CpdSizes, SeedCouncil, seed_cpd_scale

from .dates import add_months
from .evidence.models import (
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)
from .models import AssessorChange, AsyeRecord, EvidenceKind, ProgrammeTypeVersion, RecordStatus

# How often each kind is written (a reflection far more often than a self-assessment).
KIND_WEIGHTS = {
    EvidenceKind.CRITICAL_REFLECTION: 28,
    EvidenceKind.DIRECT_OBSERVATION: 10,
    EvidenceKind.FEEDBACK_PEOPLE: 10,
    EvidenceKind.FEEDBACK_PROFESSIONALS: 10,
    EvidenceKind.WRITTEN_WORK: 10,
    EvidenceKind.LEARNING_ACTIVITY: 22,
    EvidenceKind.SELF_ASSESSMENT: 3,
    EvidenceKind.OTHER: 7,
}
# The state an item is left in, by its age: older items have mostly been accepted.
RECENT_DAYS = 30
STATUS_WEIGHTS_RECENT = {
    EvidenceStatus.DRAFT: 35,
    EvidenceStatus.SUBMITTED: 30,
    EvidenceStatus.RESUBMITTED: 10,
    EvidenceStatus.RETURNED: 15,
    EvidenceStatus.ACCEPTED: 10,
}
STATUS_WEIGHTS_OLDER = {
    EvidenceStatus.DRAFT: 8,
    EvidenceStatus.SUBMITTED: 4,
    EvidenceStatus.RESUBMITTED: 2,
    EvidenceStatus.RETURNED: 4,
    EvidenceStatus.ACCEPTED: 82,
}
WORDS = (  # noqa: SIM905
    "visit review plan carer family risk strengths consent support duty assessment meeting "
    "partner advocacy safeguarding outcome reflection supervision theory values learning"
).split()


@dataclass(frozen=True)
class Sizes:
    partnerships: int = 15
    organisations: int = 150
    nqsws: int = 4000
    evidence: int = 300_000
    nqsws_per_assessor: int = 8
    nqsws_per_manager: int = 6
    # Social workers who keep CPD (cpd/scale_seed.py), on top of the NQSWs and their staff.
    cpd: CpdSizes = field(default_factory=CpdSizes)
    # The --scale these sizes were made at, passed to the seeders other apps register.
    factor: float = 1.0

    def scaled(self, factor: float) -> "Sizes":
        def at_least_one(n: int) -> int:
            return max(1, round(n * factor))

        return Sizes(
            partnerships=at_least_one(self.partnerships),
            organisations=at_least_one(self.organisations),
            nqsws=at_least_one(self.nqsws),
            evidence=at_least_one(self.evidence),
            nqsws_per_assessor=self.nqsws_per_assessor,
            nqsws_per_manager=self.nqsws_per_manager,
            cpd=self.cpd.scaled(factor),
            factor=self.factor * factor,
        )


@dataclass
class SeedResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class SeedRefused(Exception):
    """The database is not one to seed (real data in it, or this prefix already seeded)."""


def already_seeded(*, prefix: str) -> bool:
    return Organisation.objects.filter(slug=f"{prefix}-p1").exists()


def seed_scale_check(*, prefix: str, force: bool) -> None:
    """Refuse to seed over real people, or to seed one prefix twice."""
    if already_seeded(prefix=prefix):
        raise SeedRefused(
            f"This database already holds seeded data with the prefix “{prefix}”. "
            "Use another --prefix, or seed a fresh database."
        )
    real_people = User.objects.exclude(email__endswith=f"@{SEED_DOMAIN}").count()
    if real_people and not force:
        raise SeedRefused(
            f"This database has {real_people} people who were not seeded. "
            "seed_scale is for empty benchmark databases; pass --force to add to it anyway."
        )


class _Ids:
    """Identifiers drawn from the run's random generator, so a rerun makes the same ones."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def _sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
    return min(moment + datetime.timedelta(minutes=rng.randrange(0, 9 * 60)), timezone.now())


def _next_id(model: type[models.Model]) -> int:
    """The first free integer key, for tables with an auto key that COPY fills in itself."""
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def seed_scale(
    *,
    sizes: Sizes,
    seed: int = 1,
    prefix: str = "scale",
    today: datetime.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    force: bool = False,
    use_copy: bool = True,
) -> SeedResult:
    started = time.perf_counter()
    seed_scale_check(prefix=prefix, force=force)
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:{prefix}")  # noqa: S311  (invented data, not secrets)
    ids = _Ids(rng)
    result = SeedResult()
    now = timezone.now()

    def step(name: str, count: int) -> None:
        result.counts[name] = count
        progress(f"{name}: {count:,} ({time.perf_counter() - started:.1f} s)")

    def insert(model: type[models.Model], fields: list[str], rows: Any) -> int:
        return bulk_insert(model, fields, rows, use_copy=use_copy)

    # --- Organisations and teams -------------------------------------------------------------
    next_org = _next_id(Organisation)
    partnerships = list(range(next_org, next_org + sizes.partnerships))
    councils = list(range(partnerships[-1] + 1, partnerships[-1] + 1 + sizes.organisations))
    org_rows = [
        (pk, f"Seeded {prefix} partnership {n}", f"{prefix}-p{n}", Organisation.Kind.PARTNERSHIP, None)
        for n, pk in enumerate(partnerships, 1)
    ] + [
        (
            pk,
            f"Seeded {prefix} council {n}",
            f"{prefix}-c{n}",
            Organisation.Kind.COUNCIL,
            partnerships[n % len(partnerships)],
        )
        for n, pk in enumerate(councils, 1)
    ]
    insert(
        Organisation,
        [
            "id",
            "name",
            "slug",
            "kind",
            "parent_id",
            "brand_colour",
            "case_reference_patterns",
            "created_at",
            "updated_at",
        ],
        ((*row, "", [], now, now) for row in org_rows),
    )
    areas: list[str] = [Team.ServiceArea.ADULTS.value, Team.ServiceArea.CHILDREN_FAMILIES.value]
    next_team = _next_id(Team)
    teams = {
        (council, area): next_team + 2 * i + j
        for i, council in enumerate(councils)
        for j, area in enumerate(areas)
    }
    insert(
        Team,
        ["id", "organisation_id", "name", "service_area", "created_at", "updated_at"],
        (
            (pk, council, f"{Team.ServiceArea(area).label} team", area, now, now)
            for (council, area), pk in teams.items()
        ),
    )
    _reset_sequence(Organisation)
    _reset_sequence(Team)
    step("organisations", len(org_rows))

    # --- People -----------------------------------------------------------------------------------
    password = make_password(None)  # one unusable hash for every seeded account
    users: list[tuple[uuid.UUID, str, str]] = []
    memberships: list[tuple[uuid.UUID, uuid.UUID, int, str, int | None]] = []

    def person(
        kind: str, n: int, organisation: int, role: str, team: int | None = None
    ) -> tuple[uuid.UUID, uuid.UUID]:
        user_id, membership_id = ids.uuid(), ids.uuid()
        users.append((user_id, f"{prefix}-{kind}-{n}@{SEED_DOMAIN}", f"Seeded {kind.title()} {n}"))
        memberships.append((membership_id, user_id, organisation, role, team))
        return user_id, membership_id

    for n, partnership in enumerate(partnerships, 1):
        person("admin", n, partnership, Role.ACADEMY_ADMIN)
    nqsws_by_council: dict[int, list[int]] = {council: [] for council in councils}
    for n in range(sizes.nqsws):
        nqsws_by_council[councils[n % len(councils)]].append(n + 1)

    @dataclass
    class Nqsw:
        n: int
        user: uuid.UUID
        membership: uuid.UUID
        council: int
        area: str
        assessor: tuple[uuid.UUID, uuid.UUID]
        manager: tuple[uuid.UUID, uuid.UUID]

    nqsws: list[Nqsw] = []
    assessor_n = manager_n = 0
    for c, council in enumerate(councils, 1):
        person("psw", c, council, Role.PSW)
        numbers = nqsws_by_council[council]
        assessors = []
        for _ in range(max(1, math.ceil(len(numbers) / sizes.nqsws_per_assessor))):
            assessor_n += 1
            assessors.append(person("assessor", assessor_n, council, Role.ASSESSOR))
        managers = []
        for _ in range(max(1, math.ceil(len(numbers) / sizes.nqsws_per_manager))):
            manager_n += 1
            managers.append(person("manager", manager_n, council, Role.LINE_MANAGER))
        for i, n in enumerate(numbers):
            area = areas[n % 2]
            user_id, membership_id = person("nqsw", n, council, Role.NQSW, teams[(council, area)])
            nqsws.append(
                Nqsw(
                    n,
                    user_id,
                    membership_id,
                    council,
                    area,
                    assessors[i // sizes.nqsws_per_assessor],
                    managers[i // sizes.nqsws_per_manager],
                )
            )
    bulk_insert_people(users=users, memberships=memberships, password=password, now=now, use_copy=use_copy)
    step("people", len(users))

    # --- Records --------------------------------------------------------------------------------
    versions = {area: _version_for(area, today) for area in areas}
    elements = {
        area: list(
            FrameworkElement.objects.filter(version__asye_programme_versions=version).values_list(
                "pk", flat=True
            )
        )
        for area, version in versions.items()
    }
    records = []
    for nqsw in nqsws:
        month = 1 + nqsw.n % 12
        start = add_months(today, -(month - 1)) - datetime.timedelta(days=rng.randrange(0, 25))
        fte = Decimal("1.00") if rng.random() > 0.1 else rng.choice([Decimal("0.60"), Decimal("0.80")])
        records.append((ids.uuid(), nqsw, start, fte))
    insert(
        AsyeRecord,
        [
            "id",
            "nqsw_id",
            "organisation_id",
            "team_id",
            "service_area",
            "programme_version_id",
            "start_date",
            "fte",
            "university",
            "swe_number",
            "assessor_id",
            "line_manager_id",
            "status",
            "created_at",
            "updated_at",
        ],
        (
            (
                pk,
                nqsw.membership,
                nqsw.council,
                teams[(nqsw.council, nqsw.area)],
                nqsw.area,
                versions[nqsw.area].pk,
                start,
                fte,
                "University of Seeding",
                f"SW{900000 + nqsw.n}",
                nqsw.assessor[1],
                nqsw.manager[1],
                RecordStatus.ACTIVE,
                now,
                now,
            )
            for pk, nqsw, start, fte in records
        ),
    )
    insert(
        AssessorChange,
        ["record_id", "to_assessor_id", "changed_by_id", "reason", "created_at", "updated_at"],
        (
            (pk, nqsw.assessor[1], nqsw.user, "Assigned when the record was created.", now, now)
            for pk, nqsw, _, _ in records
        ),
    )
    step("records", len(records))

    # --- Evidence ----------------------------------------------------------------------------------
    # Items per record grow with the months under way, so month-12 records are the busiest.
    weights = [(today - start).days + 15 for _, _, start, _ in records]
    total_weight = sum(weights)
    per_record = [int(sizes.evidence * w / total_weight) for w in weights]
    for i in range(sizes.evidence - sum(per_record)):
        per_record[i % len(per_record)] += 1

    items: list[tuple[Any, ...]] = []
    transitions: list[tuple[Any, ...]] = []
    comments: list[tuple[Any, ...]] = []
    mappings: list[tuple[Any, ...]] = []
    written = {"evidence items": 0, "transitions": 0, "comments": 0, "mappings": 0}

    def flush() -> None:
        written["evidence items"] += insert(
            EvidenceItem,
            [
                "id",
                "record_id",
                "kind",
                "title",
                "date",
                "answers",
                "status",
                "version",
                "idempotency_key",
                "created_by_id",
                "submitted_at",
                "created_at",
                "updated_at",
            ],
            items,
        )
        written["transitions"] += insert(
            EvidenceTransition,
            ["item_id", "from_status", "to_status", "actor_id", "reason", "created_at", "updated_at"],
            transitions,
        )
        written["comments"] += insert(
            EvidenceComment, ["item_id", "author_id", "body", "created_at", "updated_at"], comments
        )
        written["mappings"] += insert(
            EvidenceMapping, ["item_id", "element_id", "created_at", "updated_at"], mappings
        )
        for rows in (items, transitions, comments, mappings):
            rows.clear()

    answers_by_kind = {
        (area, kind): list(((versions[area].forms or {}).get(kind) or {}).get("prompts", {}))[:3]
        for area in areas
        for kind in EvidenceKind.values
    }
    report_every = max(1, len(records) // 10)
    for r, ((record_id, nqsw, start, _), count) in enumerate(zip(records, per_record, strict=True)):
        span = max(1, (today - start).days)
        assessor_user = nqsw.assessor[0]
        for _ in range(count):
            item_id = ids.uuid()
            kind = _pick(rng, KIND_WEIGHTS)
            day = start + datetime.timedelta(days=rng.randrange(0, span))
            age = (today - day).days
            status = _pick(rng, STATUS_WEIGHTS_RECENT if age < RECENT_DAYS else STATUS_WEIGHTS_OLDER)
            path = _path_to(status, rng)
            moments = sorted(
                _at(day + datetime.timedelta(days=min(age, k * rng.randrange(1, 6))), rng)
                for k in range(len(path))
            )
            submitted_at = None
            for (from_status, to_status), moment in zip(path, moments, strict=True):
                by_assessor = to_status in (EvidenceStatus.RETURNED, EvidenceStatus.ACCEPTED)
                reason = _sentence(rng, 8) if to_status == EvidenceStatus.RETURNED else ""
                transitions.append(
                    (
                        item_id,
                        from_status,
                        to_status,
                        assessor_user if by_assessor else nqsw.user,
                        reason,
                        moment,
                        moment,
                    )
                )
                if reason:
                    comments.append((item_id, assessor_user, reason, moment, moment))
                if to_status in (EvidenceStatus.SUBMITTED, EvidenceStatus.RESUBMITTED):
                    submitted_at = moment
            answers = {key: _sentence(rng) for key in answers_by_kind[(nqsw.area, kind)]}
            items.append(
                (
                    item_id,
                    record_id,
                    kind,
                    f"{EvidenceKind(kind).label}: {' '.join(rng.sample(WORDS, 3))}",
                    day,
                    answers,
                    status,
                    len(path),
                    "",
                    nqsw.user,
                    submitted_at,
                    moments[0],
                    moments[-1],
                )
            )
            pool = elements[nqsw.area]
            for element in rng.sample(pool, min(len(pool), rng.randint(1, 4))):
                mappings.append((item_id, element, moments[0], moments[0]))
        if len(items) >= 20_000:
            flush()
        if (r + 1) % report_every == 0:
            seconds = time.perf_counter() - started
            progress(f"  evidence for {r + 1:,} of {len(records):,} records ({seconds:.1f} s)")
    flush()
    for name, count in written.items():
        step(name, count)

    # --- CPD -----------------------------------------------------------------------------------------
    seed_cpd_scale(
        sizes=sizes.cpd,
        councils=[
            SeedCouncil(council, tuple(teams[(council, area)] for area in areas)) for council in councils
        ],
        rng=rng,
        prefix=prefix,
        password=password,
        today=today,
        progress=step,
        use_copy=use_copy,
    )
    # --- Other apps' seeders (academy/registry/scale.py) -------------------------------------------
    for seeder in registered_scale_seeders():
        counts = seeder.seed(
            councils=councils, rng=rng, prefix=prefix, factor=sizes.factor, use_copy=use_copy
        )
        for name, count in counts.items():
            step(name, count)
    result.seconds = time.perf_counter() - started
    return result


SEEDED_MODELS: tuple[type[models.Model], ...] = (
    Organisation,
    Team,
    User,
    Membership,
    AsyeRecord,
    AssessorChange,
    EvidenceItem,
    EvidenceTransition,
    EvidenceComment,
    EvidenceMapping,
    *CPD_SEEDED_MODELS,
)


def analyse_seeded_tables() -> None:
    """Refresh PostgreSQL's statistics of the seeded tables, so the first benchmark after a seed
    is planned on what is there rather than on an empty table (autovacuum would catch up later)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        registered = [model for seeder in registered_scale_seeders() for model in seeder.models]
        for model in (*SEEDED_MODELS, *registered):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _path_to(status: str, rng: random.Random) -> list[tuple[str, str]]:
    """The transitions an item went through to reach `status`."""
    draft = ("", EvidenceStatus.DRAFT)
    submit = (EvidenceStatus.DRAFT, EvidenceStatus.SUBMITTED)
    give_back = (EvidenceStatus.SUBMITTED, EvidenceStatus.RETURNED)
    resubmit = (EvidenceStatus.RETURNED, EvidenceStatus.RESUBMITTED)
    if status == EvidenceStatus.DRAFT:
        return [draft]
    if status == EvidenceStatus.SUBMITTED:
        return [draft, submit]
    if status == EvidenceStatus.RETURNED:
        return [draft, submit, give_back]
    if status == EvidenceStatus.RESUBMITTED:
        return [draft, submit, give_back, resubmit]
    if rng.random() < 0.2:  # accepted after one return
        return [draft, submit, give_back, resubmit, (EvidenceStatus.RESUBMITTED, EvidenceStatus.ACCEPTED)]
    return [draft, submit, (EvidenceStatus.SUBMITTED, EvidenceStatus.ACCEPTED)]


def _version_for(service_area: str, today: datetime.date) -> ProgrammeTypeVersion:
    """The version in force today for the service area's ASYE (not the early career programme)."""
    version = (
        ProgrammeTypeVersion.objects.filter(
            programme_type__service_area=service_area,
            programme_type__slug__endswith="-asye",
            in_force_from__lte=today,
        )
        .order_by("-in_force_from", "-created_at")
        .first()
    )
    if version is None:
        raise SeedRefused(f"No ASYE programme version in force for {service_area}: run the migrations first.")
    return version


def _reset_sequence(model: type[models.Model]) -> None:
    """After writing explicit integer keys, move the table's sequence past them."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
