"""The demo cohorts: both intakes with their records, newcomers invited, and loading twice
changes nothing (the same rows import as "no change")."""

import pytest

from academy.demo import load_demo
from academy.models import Invitation, OutboxMessage
from asye.cohorts.models import Cohort, CohortEntry
from asye.models import OPEN_STATUSES, AsyeRecord

pytestmark = pytest.mark.django_db


def test_demo_cohorts(programme_types: None) -> None:
    load_demo()
    invitations = OutboxMessage.objects.filter(kind="invitation").count()
    load_demo()
    assert OutboxMessage.objects.filter(kind="invitation").count() == invitations
    cohorts = {c.service_area: c for c in Cohort.objects.all()}
    assert set(cohorts) == {"adults", "children_families"}
    for area, cohort in cohorts.items():
        # Every record under way of the intake's service area joins it (other demos add some).
        open_records = AsyeRecord.objects.filter(
            organisation=cohort.organisation, service_area=area, status__in=[s.value for s in OPEN_STATUSES]
        )
        assert AsyeRecord.objects.filter(cohort=cohort).count() >= 4
        assert not open_records.exclude(cohort=cohort).exists()
        assert set(AsyeRecord.objects.filter(cohort=cohort).values_list("service_area", flat=True)) == {area}
        waiting = CohortEntry.objects.filter(cohort=cohort, record__isnull=True)
        assert waiting.count() == 2
        assert all(entry.email.endswith("@demo.academy.test") for entry in waiting)
    assert Invitation.objects.filter(email__startswith="newcomer-", role="nqsw").count() == 4
