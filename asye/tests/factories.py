import datetime
from decimal import Decimal
from typing import Any

import factory

from academy.models import Membership, Organisation, User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from asye.models import (
    AssessorChange,
    AsyeRecord,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    ProgrammeTypeVersion,
    RecordPause,
)
from asye.programme_loader import load_programme_types


def programme_version(slug: str = "adult-asye") -> ProgrammeTypeVersion:
    """The seeded version of a programme type (loaded first if a truncating test removed it)."""
    load_programme_types()
    return ProgrammeTypeVersion.objects.filter(programme_type__slug=slug).order_by("created_at").first()  # type: ignore[return-value]


def member(
    organisation: Organisation, role: str, *, user: User | None = None, **user_fields: Any
) -> Membership:
    return MembershipFactory(user=user or UserFactory(**user_fields), organisation=organisation, role=role)


def membership_of(user: User, organisation: Organisation, role: str) -> Membership:
    """The user's membership with `role` in `organisation`, made if missing."""
    found = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    return found or MembershipFactory(user=user, organisation=organisation, role=role)


class AsyeRecordFactory(factory.django.DjangoModelFactory):
    """A record in `organisation` (a fresh council unless given), with a fresh NQSW, assessor and
    line manager there unless given."""

    class Meta:
        model = AsyeRecord

    class Params:
        nqsw_name = ""

    organisation = factory.SubFactory("academy.tests.factories.OrganisationFactory")
    nqsw = factory.LazyAttribute(
        lambda o: member(o.organisation, Role.NQSW, **({"full_name": o.nqsw_name} if o.nqsw_name else {}))
    )
    assessor = factory.LazyAttribute(lambda o: member(o.organisation, Role.ASSESSOR))
    line_manager = factory.LazyAttribute(lambda o: member(o.organisation, Role.LINE_MANAGER))
    programme_version = factory.LazyFunction(programme_version)
    service_area = factory.LazyAttribute(lambda o: o.programme_version.programme_type.service_area)
    start_date = datetime.date(2026, 9, 1)
    fte = Decimal("1.00")
    swe_number = factory.Sequence(lambda n: f"SW{100000 + n}")
    university = "University of Testvale"


class AssessorChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessorChange

    record = factory.SubFactory(AsyeRecordFactory)
    to_assessor = factory.LazyAttribute(lambda o: o.record.assessor)
    changed_by = factory.SubFactory(UserFactory)
    reason = "Assigned when the record was set up."


class RecordPauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordPause

    record = factory.SubFactory(AsyeRecordFactory)
    starts_on = datetime.date(2026, 12, 1)
    ends_on = datetime.date(2026, 12, 31)
    reason = "Leave"
    recorded_by = factory.SubFactory(UserFactory)


CLEAN_REFLECTION = {
    "context": "A review of a care and support plan at home.",
    "reflection": "I listened first and checked what mattered most to the person.",
    "theory": "Strengths-based practice and the Care Act 2014.",
    "learning": "I will plan the questions I ask more carefully.",
}


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    """A draft critical reflection with words the guard does not flag, on a fresh record unless
    given; `created_by` is the record's NQSW."""

    class Meta:
        model = EvidenceItem

    record = factory.SubFactory(AsyeRecordFactory)
    kind = EvidenceKind.CRITICAL_REFLECTION
    title = factory.Sequence(lambda n: f"Reflection on a home visit {n}")
    date = datetime.date(2026, 10, 1)
    answers = factory.LazyFunction(lambda: dict(CLEAN_REFLECTION))
    created_by = factory.LazyAttribute(lambda o: o.record.nqsw.user)
    status = EvidenceStatus.DRAFT
