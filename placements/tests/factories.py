import datetime

import factory

from academy.models import Organisation
from academy.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from placements.models import (
    DayKind,
    DocumentKind,
    EducatorRole,
    EducatorStage,
    Placement,
    PlacementDay,
    PlacementDocument,
    PlacementKind,
    PlacementOffer,
    PlacementRequest,
    PracticeEducator,
    PracticeSetting,
    UniversityPartnership,
)


class PracticeEducatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeEducator

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    stage = EducatorStage.STAGE_1
    qualified_on = factory.LazyFunction(lambda: datetime.date(2025, 6, 1))
    capacity_per_year = 1
    settings_offered = factory.LazyFunction(lambda: [PracticeSetting.ADULTS.value])
    role = EducatorRole.ON_SITE


class UniversityPartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UniversityPartnership

    university = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.UNIVERSITY)
    partner = factory.SubFactory(OrganisationFactory)
    added_by = factory.SubFactory(UserFactory)


class PlacementRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementRequest

    partnership = factory.SubFactory(UniversityPartnershipFactory)
    university = factory.SelfAttribute("partnership.university")
    partner = factory.SelfAttribute("partnership.partner")
    kind = PlacementKind.FIRST
    days_required = 70
    starts_on = factory.LazyFunction(lambda: datetime.date(2027, 1, 11))
    ends_on = factory.LazyFunction(lambda: datetime.date(2027, 5, 28))
    students = 2
    requested_by = factory.SubFactory(UserFactory)


class PlacementOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementOffer

    request = factory.SubFactory(PlacementRequestFactory)
    team = factory.SubFactory(TeamFactory)
    setting = PracticeSetting.ADULTS
    places = 1
    offered_by = factory.SubFactory(UserFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    offer = factory.SubFactory(PlacementOfferFactory)
    request = factory.SelfAttribute("offer.request")
    student = factory.SubFactory(UserFactory)
    university = factory.SelfAttribute("request.university")
    team = factory.SelfAttribute("offer.team")
    organisation = factory.SelfAttribute("team.organisation")
    educator = factory.SubFactory(
        PracticeEducatorFactory,
        organisation=factory.SelfAttribute("..organisation"),
        stage=EducatorStage.STAGE_2,
    )
    kind = factory.SelfAttribute("request.kind")
    setting = factory.SelfAttribute("offer.setting")
    starts_on = factory.SelfAttribute("request.starts_on")
    ends_on = factory.SelfAttribute("request.ends_on")
    days_required = factory.SelfAttribute("request.days_required")
    confirmed_by = factory.SubFactory(UserFactory)


class PlacementDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementDay

    placement = factory.SubFactory(PlacementFactory)
    day = factory.SelfAttribute("placement.starts_on")
    kind = DayKind.PRACTICE
    recorded_by = factory.SelfAttribute("placement.student")


class PlacementDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementDocument

    placement = factory.SubFactory(PlacementFactory)
    kind = DocumentKind.MIDWAY_REVIEW
    held_on = factory.LazyAttribute(lambda o: o.placement.starts_on)
    summary = "Good progress against the learning agreement."
    written_by = factory.LazyAttribute(lambda o: o.placement.educator.user)
