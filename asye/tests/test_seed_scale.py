"""`seed_scale` at a tiny scale: it fills every table the benchmarks read, the same seed makes
the same rows, and it refuses production settings, real people and a second run."""

import datetime
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from academy.models import Membership, Organisation, User
from academy.roles import Role
from academy.tests.factories import UserFactory
from asye.evidence.models import (
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)
from asye.models import AssessorChange, AsyeRecord
from asye.scale_seed import SEED_DOMAIN, Sizes, seed_scale
from cpd.scale_seed import CpdSizes

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)
TINY = Sizes(
    partnerships=2,
    organisations=3,
    nqsws=20,
    evidence=600,
    cpd=CpdSizes(practitioners=30, records=150, largest_council=12),
)


class _Undo(Exception):
    pass


def _fingerprint() -> list[tuple[Any, ...]]:
    return list(
        EvidenceItem.objects.order_by("id").values_list("id", "record_id", "kind", "title", "date", "status")
    ) + list(EvidenceMapping.objects.order_by("item_id", "element_id").values_list("item_id", "element_id"))


def _seed_and_fingerprint(**options: Any) -> list[tuple[Any, ...]]:
    try:
        with transaction.atomic():
            seed_scale(sizes=TINY, seed=5, today=TODAY, **options)
            found = _fingerprint()
            raise _Undo
    except _Undo:
        pass
    return found


def test_a_tiny_seed_fills_every_table_the_benchmarks_read() -> None:
    out = io.StringIO()
    call_command("seed_scale", scale=0.005, seed=2, today=TODAY, placements=0, stdout=out)

    assert "Seeded, committed and analysed in" in out.getvalue()
    assert Organisation.objects.filter(kind=Organisation.Kind.PARTNERSHIP).count() == 1
    assert Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).count() == 1  # 150 x 0.005 rounds to 1
    assert AsyeRecord.objects.count() == 20
    assert AssessorChange.objects.count() == 20
    assert EvidenceItem.objects.count() == 1500
    # Every state of the loop, each with the transitions that led to it.
    assert set(EvidenceItem.objects.values_list("status", flat=True)) == set(EvidenceStatus.values)
    for item in EvidenceItem.objects.filter(status=EvidenceStatus.RESUBMITTED)[:5]:
        assert list(item.transitions.values_list("to_status", flat=True)) == [
            EvidenceStatus.DRAFT,
            EvidenceStatus.SUBMITTED,
            EvidenceStatus.RETURNED,
            EvidenceStatus.RESUBMITTED,
        ]
        assert item.submitted_at is not None
    assert not EvidenceItem.objects.filter(
        status=EvidenceStatus.SUBMITTED, submitted_at__isnull=True
    ).exists()
    assert EvidenceTransition.objects.filter(to_status=EvidenceStatus.RETURNED).count() == (
        EvidenceComment.objects.count()
    )
    # Every item maps to one to four elements of its record's frameworks.
    per_item = EvidenceItem.objects.annotate(n=Count("mappings")).values_list("n", flat=True)
    assert min(per_item) >= 1
    assert max(per_item) <= 4
    for item in EvidenceItem.objects.select_related("record__programme_version")[:20]:
        allowed = set(item.record.programme_version.frameworks.values_list("pk", flat=True))
        assert set(item.mappings.values_list("element__version_id", flat=True)) <= allowed
    # Assessors carry about eight NQSWs, in the NQSW's own council.
    assert Membership.objects.filter(role=Role.ASSESSOR).count() == 3
    for record in AsyeRecord.objects.select_related("assessor", "nqsw", "line_manager"):
        assert record.assessor.organisation_id == record.nqsw.organisation_id == record.organisation_id
        assert record.line_manager.role == Role.LINE_MANAGER
    # Records run from month 1 to month 12, and nobody can sign in with a password.
    starts = AsyeRecord.objects.values_list("start_date", flat=True)
    assert (TODAY - max(starts)).days < 31
    assert (TODAY - min(starts)).days > 320
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert not User.objects.exclude(email__endswith=f"@{SEED_DOMAIN}").exists()


def test_the_same_seed_makes_the_same_rows_whichever_way_they_are_written() -> None:
    with_copy = _seed_and_fingerprint()
    again = _seed_and_fingerprint()
    with_bulk_create = _seed_and_fingerprint(use_copy=False)

    assert len(with_copy) > 600
    assert with_copy == again == with_bulk_create
    assert _seed_and_fingerprint(prefix="other") != with_copy


def test_it_refuses_a_second_run_with_the_same_prefix() -> None:
    call_command("seed_scale", scale=0.001, stdout=io.StringIO())

    with pytest.raises(CommandError, match="already holds seeded data"):
        call_command("seed_scale", scale=0.001, stdout=io.StringIO())
    call_command("seed_scale", scale=0.001, prefix="second", placements=0, stdout=io.StringIO())
    assert Organisation.objects.filter(slug__startswith="second-").count() == 2


def test_it_refuses_a_database_with_real_people_unless_forced() -> None:
    UserFactory(email="someone@example.test")

    with pytest.raises(CommandError, match="1 people who were not seeded"):
        call_command("seed_scale", scale=0.001, stdout=io.StringIO())
    assert not AsyeRecord.objects.exists()
    call_command("seed_scale", scale=0.001, force=True, stdout=io.StringIO())
    assert AsyeRecord.objects.count() == 4


def test_it_refuses_production_settings(settings: Any) -> None:
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("seed_scale", scale=0.001, stdout=io.StringIO())
    assert not Organisation.objects.exists()


def test_it_adds_practitioners_who_keep_cpd() -> None:
    from cpd.models import CpdRecord

    call_command("seed_scale", scale=0.005, seed=2, today=TODAY, stdout=io.StringIO())

    # 100,000 practitioners and 500,000 CPD records at scale 1; the one council holds them all.
    assert Membership.objects.filter(role=Role.SOCIAL_WORKER).count() == 500
    assert CpdRecord.objects.count() == 2500
    assert CpdRecord.objects.values("person").distinct().count() == 500
