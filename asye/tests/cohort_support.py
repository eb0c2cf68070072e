"""Helpers of the cohort tests: a cohort factory and files to import."""

import csv
import datetime
import io
from typing import Any

import factory

from academy.models import Organisation
from academy.tests.factories import UserFactory
from asye.cohorts.models import Cohort
from asye.cohorts.reading import HEADINGS


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    organisation = factory.SubFactory("academy.tests.factories.OrganisationFactory")
    name = factory.Sequence(lambda n: f"Intake {n}")
    start_month = datetime.date(2026, 9, 1)
    service_area = "adults"
    created_by = factory.SubFactory(UserFactory)


def person_row(n: int, *, assessor: str, manager: str, **overrides: str) -> dict[str, str]:
    row = {
        "Name": f"Newcomer {n}",
        "Email": f"newcomer-{n}@example.test",
        "Start date": "01/09/2026",
        "FTE": "1",
        "Team": "",
        "Service area": "Adult services",
        "Programme type": "Adult services ASYE",
        "Date qualified": "30/06/2026",
        "SWE number": f"SW{700000 + n}",
        "Assessor email": assessor,
        "Manager email": manager,
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADINGS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append([row[h] for h in HEADINGS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def home_cohort(orgs: Any, psw: Any, **kwargs: Any) -> Cohort:
    organisation: Organisation = kwargs.pop("organisation", orgs.home)
    return CohortFactory(organisation=organisation, created_by=psw, **kwargs)


def waiting_entry(cohort: Cohort, n: int, *, assessor: Any, line_manager: Any) -> Any:
    """A person imported into `cohort` who has not joined yet (no invitation: the tests of the
    import make real ones)."""
    from asye.cohorts.models import CohortEntry
    from asye.models import ProgrammeType

    return CohortEntry.objects.create(
        cohort=cohort,
        email=f"waiting-{n}@example.test",
        full_name=f"Waiting Person {n}",
        start_date=datetime.date(2026, 9, 1),
        fte="1.00",
        programme_type=ProgrammeType.objects.get(slug="adult-asye"),
        swe_number=f"SW{800000 + n}",
        assessor=assessor,
        line_manager=line_manager,
        imported_by=cohort.created_by,
    )
