import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from academy.tests.factories import OrganisationFactory, UserFactory
from programmes.models import Booking, BookingStatus, Programme, ProgrammeKind, Session, SessionMode


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Test programme {n}")
    kind = ProgrammeKind.COURSE
    description = "A programme made for a test."
    cpd_hours = Decimal("3")
    is_published = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))
    mode = SessionMode.ONLINE
    joining_link = "https://meet.example.test/secret-room-4821"
    capacity = 5


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda b: b.session.programme.organisation)
    status = BookingStatus.BOOKED
