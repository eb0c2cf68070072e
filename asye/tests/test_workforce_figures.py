"""Workforce figures per cohort year and council: each figure's rule, retention from the
memberships' end dates, the sibling council's sentinel that never counts, the page with its
definitions, the CSV and a fixed query count."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.roles import Role
from academy.scope import Scope
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from asye.cohorts.figures import workforce_figures
from asye.dates import add_months
from asye.final.models import FinalAssessment
from asye.models import RecordStatus
from asye.tests.factories import AsyeRecordFactory, member
from conftest import Orgs

pytestmark = pytest.mark.django_db

BASE_MFA = 4
D = datetime.date
URL = "/asye/cohorts/figures/"


def finished(
    organisation: Any,
    *,
    start: datetime.date,
    signed: datetime.date | None,
    ended: Any = None,
    name: str = "",
    status: str = RecordStatus.COMPLETED,
    **fields: Any,
) -> Any:
    nqsw = member(organisation, Role.NQSW, full_name=name) if name else member(organisation, Role.NQSW)
    if ended is not None:
        nqsw.started_on = D(2023, 1, 1)
        nqsw.ended_on = ended
        nqsw.save()
    record = AsyeRecordFactory(
        organisation=organisation, nqsw=nqsw, start_date=start, status=status, **fields
    )
    if signed is not None:
        FinalAssessment.objects.create(
            record=record,
            completed_at=datetime.datetime.combine(signed, datetime.time(12), tzinfo=datetime.UTC),
            created_by=nqsw.user,
        )
    return record


def marked_council(organisation: Any, marker: str) -> Any:
    """A completed record in `organisation`, whose name then carries `marker`: the figures'
    rows are named by council, so the marker shows wherever the council's row does."""
    finished(organisation, start=D(2024, 1, 10), signed=D(2025, 1, 9))
    organisation.name = f"{organisation.name} {marker}"
    organisation.save(update_fields=["name"])
    return organisation


def psw_scope(psw: Any, orgs: Orgs) -> Scope:
    return Scope.of(psw, orgs.home, [Role.PSW])


def test_each_figure_by_its_rule(orgs: Orgs, psw: Any, programme_types: None) -> None:
    finished(orgs.home, start=D(2024, 1, 10), signed=D(2025, 1, 9))  # 365 days, stays
    finished(orgs.home, start=D(2024, 3, 1), signed=D(2025, 2, 1), ended=D(2025, 6, 30))  # 337 days, leaves
    finished(orgs.home, start=D(2024, 5, 1), signed=None, status=RecordStatus.WITHDRAWN)
    finished(
        orgs.home,
        start=D(2024, 5, 1),
        signed=None,
        status=RecordStatus.FAILED,
        extension_shifts=[{"granted_on": "2025-04-01", "days": 61}],
    )
    finished(orgs.home, start=D(2025, 9, 1), signed=None, status=RecordStatus.ACTIVE)
    finished(orgs.sibling, start=D(2024, 2, 1), signed=D(2025, 2, 1), name="Sentinel Sibling")
    rows = workforce_figures(scope=psw_scope(psw, orgs), today=D(2026, 12, 1))
    assert [(r.year, r.organisation) for r in rows] == [(2025, orgs.home.name), (2024, orgs.home.name)]
    year = rows[1]
    assert (year.starters, year.completions, year.extensions, year.fails, year.withdrawals) == (4, 2, 1, 1, 1)
    assert year.average_days == 351
    assert year.retention[12] == [1, 2]
    assert year.retention[24] == [0, 0]  # 24 months after signing has not come yet
    later = workforce_figures(scope=psw_scope(psw, orgs), today=D(2027, 2, 1))[1]
    assert later.retention[24] == [1, 2]


def test_retention_at_the_boundary_of_the_end_date(orgs: Orgs, psw: Any, programme_types: None) -> None:
    finished(
        orgs.home, start=D(2024, 1, 1), signed=D(2025, 1, 1), ended=D(2026, 1, 1)
    )  # ends that day: stays
    finished(
        orgs.home, start=D(2024, 1, 1), signed=D(2025, 1, 1), ended=D(2025, 12, 31)
    )  # the day before: left
    year = workforce_figures(scope=psw_scope(psw, orgs), today=D(2026, 6, 1))[0]
    assert year.retention[12] == [1, 2]


def test_the_page_shows_definitions_and_never_the_sibling_council(
    client: Client, orgs: Orgs, psw: Any, programme_types: None
) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        marked_council,
        hidden={SIBLING: orgs.sibling, UNRELATED: orgs.other},
        shown={"the home council": orgs.home},
    )
    page = check.list_page(URL, planted)
    assert "What each figure counts" in page
    assert "Retained at 12 months" in page
    body = client.get(reverse("asye:workforce_figures_csv")).content.decode("utf-8-sig")
    check.markers_absent(body, planted, who="figures CSV")
    assert body.splitlines()[0].startswith("Cohort year,Council,Starters")


def test_permissions(client: Client, personas: dict[str, Any]) -> None:
    response: Any = client.get(URL)
    assert response.status_code == 302
    for viewer in ("nqsw", "assessor", "manager"):
        client.force_login(personas[viewer])
        assert client.get(URL).status_code == 403
        assert client.get(reverse("asye:workforce_figures_csv")).status_code == 403
    client.force_login(personas["psw"])
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_is_fixed(
    client: Client, orgs: Orgs, psw: Any, programme_types: None, django_assert_num_queries: Any, size: int
) -> None:
    today = timezone.localdate()
    for n in range(size):
        finished(
            orgs.home,
            start=add_months(today, -24),
            signed=add_months(today, -12) if n % 2 else None,
        )
    client.force_login(psw)
    # + the records with what the figures need, + their NQSWs' memberships
    with django_assert_num_queries(BASE_MFA + 2):
        assert client.get(URL).status_code == 200
