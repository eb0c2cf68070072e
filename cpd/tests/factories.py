import datetime

import factory

from academy.models import Organisation, User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from cpd.models import ActivityType, CpdRecord, PeerReflection, RecordStatus


class CpdRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CpdRecord

    person = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Learning session {n}")
    activity_type = ActivityType.COURSE
    description = factory.Sequence(lambda n: f"A half-day session on mental capacity, number {n}.")
    occurred_on = datetime.date(2026, 6, 15)
    learning = "How to record a capacity assessment decision by decision."
    impact = "My assessments now name the decision being made, so people are less often judged in general."
    status = RecordStatus.COMPLETE


class PeerReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerReflection

    record = factory.SubFactory(CpdRecordFactory)
    learning = "My manager pointed out that I should ask the person first, before family members."
    peer_name = "A. Colleague"
    peer_role = "Team manager"


def person_in(organisation: Organisation, *, role: str = Role.SOCIAL_WORKER) -> User:
    """Someone with an active membership in `organisation`."""
    return MembershipFactory(organisation=organisation, role=role).user
