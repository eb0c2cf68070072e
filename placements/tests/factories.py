import datetime

import factory

from academy.tests.factories import OrganisationFactory, UserFactory
from placements.models import EducatorRole, EducatorStage, PracticeEducator, PracticeSetting


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
