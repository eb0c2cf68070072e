"""Invented placements at scale, for the matching screen's benchmark (tests/perf/
bench_placements_matching.py): a partnership of councils with teams and practice educators, a
university with its students, and `placements` placements spread over five academic years,
every educator near their yearly capacity. Written with `bulk_create` (no per-row saves, no
password hashing); everything carries `prefix` in its names and emails.

`manage.py seed_scale` (asye's command) calls `seed_placements_scale` after the national ASYE
and CPD seed (`--placements`, default 15,000; 0 leaves them out). Emails end in the seed's
domain (`academy.bulk.SEED_DOMAIN`), so a later seed does not mistake these people for real
ones."""

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db import transaction

from academy.bulk import SEED_DOMAIN
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role

from . import rules
from .models import (
    EducatorRole,
    EducatorStage,
    Placement,
    PlacementKind,
    PlacementOffer,
    PlacementRequest,
    PracticeEducator,
    PracticeSetting,
    UniversityPartnership,
)

SETTINGS = [s.value for s in PracticeSetting]


@dataclass(frozen=True)
class PlacementSizes:
    councils: int = 10
    teams_per_council: int = 10
    educators_per_council: int = 30
    placements: int = 15_000
    requests: int = 500

    def scaled(self, factor: float, *, placements: int) -> "PlacementSizes":
        """Councils and requests in proportion (at least one of each), `placements` as given."""
        return PlacementSizes(
            councils=max(1, round(self.councils * factor)),
            teams_per_council=self.teams_per_council,
            educators_per_council=self.educators_per_council,
            placements=placements,
            requests=max(1, round(self.requests * factor)),
        )


@dataclass(frozen=True)
class PlacementSeed:
    partnership: Organisation
    councils: list[Organisation]
    university: Organisation
    open_request: PlacementRequest  # a final placement request to the first council, with offers
    admin: User  # staff of the partnership


def _user(prefix: str, kind: str, n: int) -> User:
    return User(
        id=uuid.uuid4(),
        email=f"{prefix}-{kind}-{n}@{SEED_DOMAIN}",
        full_name=f"{kind.title()} {n} {prefix}",
        password="!unusable",  # noqa: S106 - an unusable password, not a secret
    )


@transaction.atomic
def seed_placements_scale(
    *, prefix: str, sizes: PlacementSizes | None = None, today: datetime.date, seed: int = 1
) -> PlacementSeed:
    sizes = sizes or PlacementSizes()
    rng = random.Random(seed)  # noqa: S311 - invented data, not secrets
    partnership = Organisation.objects.create(
        name=f"{prefix} Placement Academy", slug=f"{prefix}-pl-academy", kind=Organisation.Kind.PARTNERSHIP
    )
    councils = Organisation.objects.bulk_create(
        Organisation(
            name=f"{prefix} Placement Council {n}", slug=f"{prefix}-pl-council-{n}", parent=partnership
        )
        for n in range(sizes.councils)
    )
    university = Organisation.objects.create(
        name=f"{prefix} Placement University", slug=f"{prefix}-pl-uni", kind=Organisation.Kind.UNIVERSITY
    )
    teams = Team.objects.bulk_create(
        Team(organisation=council, name=f"Team {n}", service_area=Team.ServiceArea.ADULTS)
        for council in councils
        for n in range(sizes.teams_per_council)
    )
    admin = _user(prefix, "admin", 0)
    educator_users = [
        _user(prefix, "educator", n) for n in range(sizes.councils * sizes.educators_per_council)
    ]
    student_users = [_user(prefix, "student", n) for n in range(sizes.placements + 10)]
    tutor = _user(prefix, "tutor", 0)
    User.objects.bulk_create([admin, tutor, *educator_users, *student_users])
    memberships = [
        Membership(user=admin, organisation=partnership, role=Role.ACADEMY_ADMIN),
        Membership(user=tutor, organisation=university, role=Role.TUTOR),
    ]
    educators = []
    for n, user in enumerate(educator_users):
        council = councils[n // sizes.educators_per_council]
        team = teams[councils.index(council) * sizes.teams_per_council + n % sizes.teams_per_council]
        memberships.append(
            Membership(user=user, organisation=council, role=Role.PRACTICE_EDUCATOR, team=team)
        )
        educators.append(
            PracticeEducator(
                id=uuid.uuid4(),
                organisation=council,
                user=user,
                team=team,
                stage=EducatorStage.STAGE_2 if n % 3 else EducatorStage.STAGE_1,
                qualified_on=today - datetime.timedelta(days=rng.randint(30, 2000)),
                last_update_on=today - datetime.timedelta(days=rng.randint(10, 400)),
                capacity_per_year=rng.choice([1, 2, 2, 3]),
                settings_offered=rng.sample(SETTINGS, 2),
                role=EducatorRole.OFF_SITE if n % 5 == 0 else EducatorRole.ON_SITE,
            )
        )
    memberships += [
        Membership(user=user, organisation=university, role=Role.STUDENT) for user in student_users
    ]
    Membership.objects.bulk_create(memberships, batch_size=5000)
    PracticeEducator.objects.bulk_create(educators, batch_size=2000)
    partnerships = UniversityPartnership.objects.bulk_create(
        UniversityPartnership(university=university, partner=council, added_by=admin) for council in councils
    )
    # Requests over five academic years, each with one offer per team of its council.
    year_start, _ = rules.academic_year(today)
    requests = []
    for n in range(sizes.requests):
        council_index = n % sizes.councils
        starts_on = rules.add_months(year_start, -12 * (n % 5) + rng.randint(0, 8))
        requests.append(
            PlacementRequest(
                id=uuid.uuid4(),
                partnership=partnerships[council_index],
                university=university,
                partner=councils[council_index],
                kind=PlacementKind.FIRST if n % 2 else PlacementKind.FINAL,
                days_required=70 if n % 2 else 100,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(weeks=20),
                students=sizes.placements // sizes.requests,
                status=PlacementRequest.Status.FILLED,
                requested_by=tutor,
            )
        )
    PlacementRequest.objects.bulk_create(requests, batch_size=2000)
    offers = []
    for request in requests:
        council_index = councils.index(request.partner)
        for t in range(sizes.teams_per_council):
            offers.append(
                PlacementOffer(
                    id=uuid.uuid4(),
                    request=request,
                    team=teams[council_index * sizes.teams_per_council + t],
                    setting=rng.choice(SETTINGS),
                    places=5,
                    offered_by=admin,
                )
            )
    PlacementOffer.objects.bulk_create(offers, batch_size=5000)
    by_council: dict[int, list[PracticeEducator]] = {}
    for educator in educators:
        by_council.setdefault(educator.organisation_id, []).append(educator)
    placements = []
    per_request = sizes.placements // sizes.requests
    for r, request in enumerate(requests):
        council_index = councils.index(request.partner)
        request_offers = offers[r * sizes.teams_per_council : (r + 1) * sizes.teams_per_council]
        for s in range(per_request):
            offer = request_offers[s % len(request_offers)]
            student = student_users[r * per_request + s]
            placements.append(
                Placement(
                    id=uuid.uuid4(),
                    request=request,
                    offer=offer,
                    student=student,
                    university=university,
                    tutor=tutor,
                    organisation=councils[council_index],
                    team=offer.team,
                    educator=rng.choice(by_council[councils[council_index].pk]),
                    kind=request.kind,
                    setting=offer.setting,
                    starts_on=request.starts_on,
                    ends_on=request.ends_on,
                    days_required=request.days_required,
                    status=Placement.Status.COMPLETED if request.ends_on < today else Placement.Status.ACTIVE,
                    confirmed_by=admin,
                )
            )
    Placement.objects.bulk_create(placements, batch_size=5000)
    open_starts = rules.add_months(year_start, 4)
    open_request = PlacementRequest.objects.create(
        partnership=partnerships[0],
        university=university,
        partner=councils[0],
        kind=PlacementKind.FINAL,
        days_required=100,
        starts_on=open_starts,
        ends_on=open_starts + datetime.timedelta(weeks=26),
        students=5,
        requested_by=tutor,
    )
    PlacementOffer.objects.bulk_create(
        PlacementOffer(
            request=open_request,
            team=teams[t],
            setting=SETTINGS[t % len(SETTINGS)],
            places=2,
            offered_by=admin,
        )
        for t in range(sizes.teams_per_council)
    )
    return PlacementSeed(partnership, councils, university, open_request, admin)


# The tables written here, for PostgreSQL's statistics after a seed.
SEEDED_MODELS = (UniversityPartnership, PracticeEducator, PlacementRequest, PlacementOffer, Placement)


def analyse_placements_tables() -> None:
    """Refresh PostgreSQL's statistics of the seeded tables (as `asye.scale_seed` does)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in SEEDED_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
