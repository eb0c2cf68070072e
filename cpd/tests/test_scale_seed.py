"""The CPD part of `seed_scale` at a tiny scale: it writes the practitioners and records it says
it does, the first council is the largest, every status of the compliance view occurs, content
is left for drafts to fill, and the same generator state makes the same rows."""

import datetime
import random
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count

from academy.bulk import SEED_DOMAIN
from academy.models import Membership, User
from academy.roles import Role
from academy.scope import Scope
from academy.tests.factories import OrganisationFactory, TeamFactory
from cpd.compliance.selectors import (
    ComplianceStatus,
    compliance_reach,
    practitioners_with_status,
    status_counts,
)
from cpd.models import CpdRecord, PeerReflection, RecordStatus, RegistrationYear
from cpd.scale_seed import (
    CpdSizes,
    SeedCouncil,
    councils_seeded_with,
    cpd_already_seeded,
    practitioners_per_council,
    seed_cpd_scale,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 7, 20)
TINY = CpdSizes(practitioners=60, records=300, largest_council=30)


def _councils(prefix: str = "tiny") -> list[SeedCouncil]:
    made = []
    for n in range(1, 4):
        council = OrganisationFactory(slug=f"{prefix}-c{n}", name=f"Tiny council {n}")
        made.append(council)
        TeamFactory(organisation=council)
        TeamFactory(organisation=council)
    return councils_seeded_with(prefix=prefix)


def _seed(councils: list[SeedCouncil], *, seed: int = 3, **options: Any) -> dict[str, int]:
    return seed_cpd_scale(
        sizes=TINY,
        councils=councils,
        rng=random.Random(seed),  # noqa: S311 (invented data)
        prefix="tiny",
        password="!",
        today=TODAY,
        **options,
    )


class _Undo(Exception):
    pass


def _fingerprint(councils: list[SeedCouncil], **options: Any) -> list[tuple[Any, ...]]:
    try:
        with transaction.atomic():
            _seed(councils, **options)
            found = list(
                CpdRecord.objects.order_by("id").values_list(
                    "id", "person_id", "title", "occurred_on", "status"
                )
            )
            raise _Undo
    except _Undo:
        pass
    return found


def test_a_tiny_seed_writes_what_it_says() -> None:
    councils = _councils()
    assert [len(c.team_ids) for c in councils] == [2, 2, 2]

    written = _seed(councils)

    assert written == {
        "practitioners": 60,
        "CPD records": 300,
        "peer reflections": PeerReflection.objects.count(),
    }
    assert cpd_already_seeded(prefix="tiny")
    assert not User.objects.exclude(email__endswith=f"@{SEED_DOMAIN}").exists()
    assert not any(user.has_usable_password() for user in User.objects.all())
    per_council = dict(
        Membership.objects.values_list("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    assert [per_council[c.organisation_id] for c in councils] == [30, 15, 15]
    assert set(Membership.objects.values_list("role", flat=True)) == {Role.SOCIAL_WORKER}
    assert not Membership.objects.filter(team__isnull=True).exists()
    # Five records each on average, some more and some fewer, at least one each; complete ones
    # have every field SWE asks for, drafts do not.
    per_person = list(User.objects.annotate(n=Count("cpd_records")).values_list("n", flat=True))
    assert sum(per_person) == 300
    assert min(per_person) >= 1
    assert max(per_person) <= 9
    assert len(set(per_person)) > 3
    assert not CpdRecord.objects.filter(status=RecordStatus.COMPLETE, learning="").exists()
    assert not CpdRecord.objects.filter(status=RecordStatus.DRAFT, completed_at__isnull=False).exists()
    assert not PeerReflection.objects.filter(record__status=RecordStatus.DRAFT).exists()


def test_the_seed_gives_the_compliance_view_every_status() -> None:
    councils = _councils()
    _seed(councils)
    year = RegistrationYear.objects.get(slug="2025-26")
    largest = Membership.objects.filter(organisation_id=councils[0].organisation_id).first()
    assert largest is not None
    reach = compliance_reach(scope=Scope.of(largest.user, largest.organisation, [Role.PSW]))

    counts = status_counts(
        practitioners_with_status(reach=reach, year=year, today=TODAY),
        statuses=[ComplianceStatus.MET, ComplianceStatus.ON_TRACK, ComplianceStatus.NOT_STARTED],
    )

    assert counts["total"] == 30
    assert counts[ComplianceStatus.MET] > 0
    assert counts[ComplianceStatus.ON_TRACK] > 0
    assert counts[ComplianceStatus.NOT_STARTED] > 0


def test_the_same_state_makes_the_same_rows_whichever_way_they_are_written() -> None:
    councils = _councils()

    with_copy = _fingerprint(councils)
    again = _fingerprint(councils)
    with_bulk_create = _fingerprint(councils, use_copy=False)

    assert len(with_copy) == 300
    assert with_copy == again == with_bulk_create
    assert _fingerprint(councils, seed=4) != with_copy


def test_the_first_council_is_the_largest_and_everyone_is_placed() -> None:
    assert practitioners_per_council(CpdSizes(100_000, 500_000, 3_000), 150)[:3] == [3000, 652, 651]
    assert sum(practitioners_per_council(CpdSizes(100_000, 500_000, 3_000), 150)) == 100_000
    assert practitioners_per_council(CpdSizes(10, 50, 3_000), 3) == [10, 0, 0]
    assert practitioners_per_council(CpdSizes(10, 50, 3), 1) == [10]
    assert CpdSizes().scaled(0.01) == CpdSizes(1000, 5000, 30)
